export { SUPPLIERS } from './catalogue.ts';
export type {
  ExpectedVerdict,
  IndependentSupplier,
  RunningSupplier,
  SupplierStartOptions,
  TenantCredentials,
} from './supplier.ts';

export { toCsv } from './csv.ts';
export { FAULT_IDS, FAULTS, type Fault, type FaultId, getFault, isFaultId } from './faults.ts';
export { type ServedMockPair, serveMockWithRoundTrip } from './pair.ts';
export { PROBLEM } from './problems.ts';
export {
  type MockServerOptions,
  RequestBodyTooLargeError,
  type RunningMockServer,
  sendFetchResponse,
  startMockServer,
  toFetchRequest,
} from './server.ts';
export {
  createMockSupplier,
  type MockClientInfo,
  type MockSupplier,
  type MockSupplierOptions,
  type MockTenant,
  mockRoundTripTarget,
  mockRunTarget,
} from './supplier.ts';
export { createSelfSignedCertificate, type TlsCertificate } from './tls.ts';

export {
  createPrivateCa,
  createSelfSignedCertificate,
  type PrivateCa,
  type PrivateCaOptions,
  type ServerCertificateOptions,
} from './ca.ts';
export { type IssuedCertificate, PrivateCaError, type PrivateCaErrorCode } from './certificate.ts';

export { canonicalJson } from './canonical-json.ts';
export { CertificateError, type CertificateErrorReason, type VerificationFailure } from './errors.ts';
export {
  type Certificate,
  parseSignedReport,
  type ReportSignature,
  SIGNED_REPORT_VERSION,
  type SignedReport,
  type SignerRole,
} from './format.ts';
export { type GeneratedKeyPair, generateKeyPair, keyIdOf } from './keys.ts';
export { type KeyRevocation, parseRevocationList, type RevokedSignature } from './revocations.ts';
export { DEFAULT_VALIDITY_DAYS, type SignOptions, signReport } from './sign.ts';
export { parseStrictJson, type StrictJsonResult } from './strict-json.ts';
export {
  isDueForRecertification,
  RECERTIFY_WITHIN_DAYS,
  type TrustedKey,
  type ValidSignature,
  type VerificationResult,
  type VerifyOptions,
  verifySignedReport,
} from './verify.ts';

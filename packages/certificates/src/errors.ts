/** Why a signed report was refused; a dashboard and `conform verify` show these words to people. */
export type VerificationFailure =
  | 'malformed'
  | 'tampered'
  | 'unknown-key'
  | 'bad-signature'
  | 'expired'
  | 'unsupported-version'
  /** Signed, by its own account, at or after its key was revoked. */
  | 'revoked-key';

/**
 * A CertificateError is either a refused signed report (a VerificationFailure) or a mistake by the caller:
 * a key that is not an Ed25519 key of the right kind, or options that cannot be honoured.
 */
export type CertificateErrorReason =
  | VerificationFailure
  | 'invalid-key'
  | 'invalid-options'
  /** A key revocation list that is not in the published format. */
  | 'invalid-revocation-list'
  /** A certifier asked to sign a run that is not certifiable (a must check failed, errored or was not judged). */
  | 'not-certifiable';

export class CertificateError extends Error {
  override readonly name = 'CertificateError';
  /** Stable across releases, for scripts: `CERTIFICATE_` and the reason, e.g. CERTIFICATE_UNKNOWN_KEY. */
  readonly code: string;
  constructor(
    readonly reason: CertificateErrorReason,
    message: string,
  ) {
    super(message);
    this.code = `CERTIFICATE_${reason.toUpperCase().replaceAll('-', '_')}`;
  }
}

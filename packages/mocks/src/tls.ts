import { createSelfSignedCertificate as selfSigned } from '@council-conform/private-ca';

export interface TlsCertificate {
  /** PEM of the private key. */
  readonly key: string;
  /** PEM of the certificate; a client trusts a self-signed one as its own CA. */
  readonly cert: string;
}

/**
 * A throwaway self-signed certificate for a mock served over HTTPS, made in process by
 * `@council-conform/private-ca` (no openssl binary, nothing on disk). Valid for a day, for 127.0.0.1, ::1
 * and localhost unless other hosts are given. For several servers one client trusts at once, issue their
 * certificates from one `createPrivateCa()` instead.
 */
export async function createSelfSignedCertificate(
  hosts: readonly string[] = ['127.0.0.1', '::1', 'localhost'],
): Promise<TlsCertificate> {
  const issued = selfSigned({ hosts });
  return { key: issued.keyPem, cert: issued.certificatePem };
}

/**
 * Certificates that are wrong on purpose, for tests of how a client meets a bad TLS server (the runner's
 * hostile-supplier tests): imported as `@council-conform/private-ca/testing`, not part of the package's face.
 */
import { createPrivateCa, createSelfSignedCertificate } from './ca.ts';
import type { IssuedCertificate } from './certificate.ts';

export interface HostileCertificates {
  /** The CA a run trusts through `tls.ca`; its key stays in the CA. */
  readonly ca: { readonly certificatePem: string };
  /** Signed by the CA for 127.0.0.1 and localhost, valid now. */
  readonly valid: IssuedCertificate;
  /** Signed by the CA for 127.0.0.1 and localhost, but its validity ended a year ago. */
  readonly expired: IssuedCertificate;
  /** Signed by the CA, valid now, but for another host (127.0.0.2, api.elsewhere.example). */
  readonly wrongHost: IssuedCertificate;
  /** Valid now for 127.0.0.1 and localhost, signed by nobody but itself. */
  readonly selfSigned: IssuedCertificate;
}

const DAY_MS = 24 * 3600 * 1000;
const LOCAL = ['127.0.0.1', 'localhost'];

export function createHostileCertificates(): HostileCertificates {
  const ca = createPrivateCa({ name: 'Hostile Supplier Test CA', validDays: 2 });
  const now = Date.now();
  return {
    ca: { certificatePem: ca.certificatePem },
    valid: ca.issueServerCertificate({ hosts: LOCAL }),
    expired: ca.issueServerCertificate({
      hosts: LOCAL,
      validFrom: new Date(now - 400 * DAY_MS),
      validTo: new Date(now - 365 * DAY_MS),
    }),
    wrongHost: ca.issueServerCertificate({ hosts: ['127.0.0.2', 'api.elsewhere.example'] }),
    selfSigned: createSelfSignedCertificate({ hosts: LOCAL }),
  };
}

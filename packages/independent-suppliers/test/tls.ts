import { createPrivateCa } from '@council-conform/private-ca';

export interface TestPki {
  /** PEM of the private CA the harness is told to trust. */
  readonly ca: string;
  /** Key and certificate for 127.0.0.1 and localhost, signed by the CA. */
  readonly server: { readonly key: string; readonly cert: string };
}

/** A private CA of this test process and one server certificate for 127.0.0.1, shared by every supplier. */
export function createTestPki(): TestPki {
  const ca = createPrivateCa({ name: 'Independent suppliers test CA', validDays: 2 });
  const issued = ca.issueServerCertificate({ hosts: ['127.0.0.1', 'localhost'] });
  return { ca: ca.certificatePem, server: { key: issued.keyPem, cert: issued.certificatePem } };
}

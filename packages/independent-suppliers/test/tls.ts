import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface TestPki {
  /** PEM of the private CA the harness is told to trust. */
  readonly ca: string;
  /** Key and certificate for 127.0.0.1 and localhost, signed by the CA. */
  readonly server: { readonly key: string; readonly cert: string };
}

/**
 * A private CA and a server certificate for 127.0.0.1, made with the openssl binary in a temporary folder
 * (P-256 keys: quick handshakes, since the suppliers close kept-alive connections often).
 */
export async function createTestPki(): Promise<TestPki> {
  const dir = await mkdtemp(join(tmpdir(), 'independent-suppliers-pki-'));
  const run = (args: string[]) => promisify(execFile)('openssl', args, { cwd: dir });
  try {
    await run(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key']);
    await run([
      'req',
      '-x509',
      '-new',
      '-key',
      'ca.key',
      '-sha256',
      '-days',
      '2',
      '-subj',
      '/CN=Independent suppliers test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
      '-out',
      'ca.pem',
    ]);
    await run(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'server.key']);
    await run(['req', '-new', '-key', 'server.key', '-subj', '/CN=127.0.0.1', '-out', 'server.csr']);
    await writeFile(
      join(dir, 'server.ext'),
      'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n',
    );
    await run([
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '2',
      '-sha256',
      '-extfile',
      'server.ext',
      '-out',
      'server.pem',
    ]);
    const [ca, key, cert] = await Promise.all(
      ['ca.pem', 'server.key', 'server.pem'].map((name) => readFile(join(dir, name), 'utf8')),
    );
    return { ca: ca as string, server: { key: key as string, cert: cert as string } };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

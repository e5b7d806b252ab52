import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface TlsCertificate {
  /** PEM of the private key. */
  readonly key: string;
  /** PEM of the self-signed certificate; a client trusts it as its own CA. */
  readonly cert: string;
}

/**
 * A throwaway self-signed certificate for a mock served over HTTPS, made with the `openssl` CLI in a
 * temporary folder that is removed at once: nothing is downloaded and nothing outlives the process but the
 * PEM text. Valid for a day, for 127.0.0.1, ::1 and localhost unless other hosts are given.
 */
export async function createSelfSignedCertificate(
  hosts: readonly string[] = ['127.0.0.1', '::1', 'localhost'],
): Promise<TlsCertificate> {
  const dir = await mkdtemp(join(tmpdir(), 'council-conform-tls-'));
  try {
    const keyPath = join(dir, 'key.pem');
    const certPath = join(dir, 'cert.pem');
    const altNames = hosts.map((host) => (/^[\d.]+$|:/.test(host) ? `IP:${host}` : `DNS:${host}`)).join(',');
    await promisify(execFile)('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-sha256',
      '-days',
      '1',
      '-subj',
      `/CN=${hosts[0] ?? 'localhost'}`,
      '-addext',
      `subjectAltName=${altNames}`,
      '-keyout',
      keyPath,
      '-out',
      certPath,
    ]).catch((error: unknown) => {
      throw new Error(
        `could not make a self-signed certificate with the openssl CLI (is openssl installed?): ${(error as Error).message}`,
      );
    });
    return { key: await readFile(keyPath, 'utf8'), cert: await readFile(certPath, 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

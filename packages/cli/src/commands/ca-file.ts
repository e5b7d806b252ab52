import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { UsageError } from '../errors.ts';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/**
 * The PEM of the CA (or CAs) a run trusts besides the public ones, read from `path` (already resolved), each
 * certificate in it checked. `source` names where the path came from (`--ca-file`, `CONFORM_CA_FILE`,
 * `tls.caFile in <config>`), so the message says what to fix.
 */
export async function readCaFile(path: string, source: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new UsageError(
      'CA_FILE_UNREADABLE',
      `${source}: the CA file ${path} cannot be read (${code === 'ENOENT' ? 'there is no such file' : code === 'EISDIR' ? 'it is a folder' : message})`,
    );
  }
  const certificates = text.match(PEM_CERTIFICATE) ?? [];
  if (certificates.length === 0)
    throw new UsageError(
      'CA_FILE_INVALID',
      `${source}: ${path} is not a PEM certificate: give the CA's certificate as text beginning -----BEGIN CERTIFICATE----- (not its private key, nor a DER file)`,
    );
  certificates.forEach((pem, index) => {
    try {
      new X509Certificate(pem);
    } catch (error) {
      throw new UsageError(
        'CA_FILE_INVALID',
        `${source}: certificate ${index + 1} of ${certificates.length} in ${path} cannot be read: ${(error as Error).message}`,
      );
    }
  });
  return `${certificates.join('\n')}\n`;
}

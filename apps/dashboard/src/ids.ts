import { createHash } from 'node:crypto';
import { canonicalJson, type SignedReport } from '@council-conform/certificates';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * The report's id: SHA-256 of the RFC 8785 canonical form of the whole signed report, so re-indenting the file
 * or uploading it twice gives the same id, and anyone holding the file can work the id out.
 */
export function reportIdOf(signed: SignedReport): string {
  return sha256(canonicalJson(signed));
}

/** Readable in a URL, whatever a supplier calls itself; the hash keeps two names that slug alike apart. */
function readableId(name: string, parts: readonly string[]): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 48)
    .replace(/-+$/, '');
  const hash = sha256(JSON.stringify(parts)).slice(0, 10);
  return slug ? `${slug}-${hash}` : hash;
}

export const supplierIdOf = (supplier: string) => readableId(supplier, [supplier]);

/** A product is one supplier's named product on one profile (its system type). */
export const productIdOf = (supplier: string, product: string, profile: string) =>
  readableId(`${product} ${profile}`, [supplier, product, profile]);

/** What the routes accept as an id: nothing else can name a row, so nothing else is looked up. */
export const ID_PATTERN = /^[a-z0-9-]{1,80}$/;
export const REPORT_ID_PATTERN = /^[0-9a-f]{64}$/;

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type Licence = Record<string, unknown>;

/** How many licences the live shard of the register's list holds; the rest sit in the archive shard. */
export const LIVE_SHARD_SIZE = 500;
export const TOTAL_LICENCES = 600;

/**
 * The licensing authority's book: 600 licences since 2005. The 150 in the reference fixtures, and 450 older
 * or closed ones that the gateway's 2009 and 2015 migrations brought in, written from them as templates.
 */
export function licenceBook(specsDir: string): Licence[] {
  const fixtures = JSON.parse(
    readFileSync(join(specsDir, 'premises-licences', 'fixtures', 'premises_licences.json'), 'utf8'),
  ) as Licence[];
  const book = fixtures.map((l) => structuredClone(l));
  const closed = ['surrendered', 'lapsed', 'revoked', 'expired'];
  for (let n = fixtures.length; n < TOTAL_LICENCES; n++) {
    const template = fixtures[n % fixtures.length] as Licence;
    const copy = structuredClone(template);
    const year = 2005 + (n % 20);
    const number = String(n + 1).padStart(4, '0');
    const prefix = copy.licence_type === 'club-premises-certificate' ? 'CPC' : 'PL';
    copy.id = `pl-${String(n + 1).padStart(5, '0')}`;
    copy.licence_number = `${prefix}/${year}/${number}`;
    if (typeof copy.licence_url === 'string')
      copy.licence_url = `https://licensing.example.gov.uk/register/${prefix}-${year}-${number}`;
    if (copy.status === 'current' && n % 3 === 0) {
      copy.status = closed[n % closed.length];
      copy.status_date = `${2024 - (n % 10)}-0${1 + (n % 9)}-15`;
      if (copy.status === 'expired') copy.end_date = copy.status_date;
    }
    book.push(copy);
  }
  return book;
}

/** The second authority's licences (its own ids, its own authority), in the same book format. */
export function otherAuthority(book: readonly Licence[]): Licence[] {
  return book.slice(10, 14).map((l, i) => ({
    ...structuredClone(l),
    id: `isl-${String(i + 1).padStart(5, '0')}`,
    licence_number: `ISL/PL/${String(i + 1).padStart(4, '0')}`,
    licensing_authority: { organisation: 'GB-LAE-ISL', gss_code: 'E09000019' },
  }));
}

/** The register's view of a licence: individuals withheld, the DPS reduced to whether one is named. */
export function registerEntry(licence: Licence): Licence {
  const { designated_premises_supervisor: dps, holders, ...rest } = licence;
  const entry: Licence = {};
  for (const [key, value] of Object.entries(rest)) {
    if (key === 'dps_requirement') {
      entry.holders = (holders as Licence[]).map((h) =>
        h.type === 'individual' ? { type: 'individual', withheld: true } : h,
      );
    }
    entry[key] = value;
  }
  if (!('holders' in entry))
    entry.holders = (holders as Licence[]).map((h) =>
      h.type === 'individual' ? { type: 'individual', withheld: true } : h,
    );
  const ordered: Licence = {};
  for (const [key, value] of Object.entries(entry)) {
    ordered[key] = value;
    if (key === 'dps_requirement') ordered.designated_premises_supervisor_named = dps !== undefined;
  }
  if (!('designated_premises_supervisor_named' in ordered))
    ordered.designated_premises_supervisor_named = dps !== undefined;
  return ordered;
}

export const heldByAnIndividual = (licence: Licence): boolean =>
  (licence.holders as Licence[]).some((h) => h.type === 'individual');

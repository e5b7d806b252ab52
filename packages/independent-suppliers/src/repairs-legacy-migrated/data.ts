import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type Doc = Record<string, unknown>;

/** HomeFix Cloud's collections, by the path they are served at. */
export const COLLECTIONS = [
  { name: 'properties', at: 'properties', shared: true, legacy: false },
  { name: 'tenancies', at: 'tenancies', shared: false, legacy: true },
  { name: 'repair_requests', at: 'repair-requests', shared: false, legacy: true },
  { name: 'work_orders', at: 'work-orders', shared: false, legacy: true },
  { name: 'job_status_updates', at: 'job-status-updates', shared: false, legacy: false },
  { name: 'appointments', at: 'appointments', shared: false, legacy: false },
  { name: 'person_alerts', at: 'person-alerts', shared: false, legacy: false },
] as const;

export type Collection = (typeof COLLECTIONS)[number];

/** When the nightly reporting copy, which the CSV writer reads, was last refreshed. */
export const REPORTING_COPY_AT = '2026-10-20T00:00:00Z';
/** The night HomeFix Classic's records were moved across. */
const MIGRATION_NIGHT = Date.parse('2026-11-18T02:00:00Z');

export interface Council {
  /** Per collection, in the order lists serve them: the council's own records, then the migrated ones. */
  readonly lists: Map<string, Doc[]>;
}

export interface World {
  readonly councils: Map<string, Council>;
  /** `collection:Classic reference` → migrated record, for every council alike: how the migration looks records up. */
  readonly classic: Map<string, { council: string; collection: string; doc: Doc }>;
}

/** `2019-03-14` or `2019-03-14T09:30:00Z` → `14/03/2019` or `14/03/2019 09:30`, as HomeFix Classic wrote them. */
function classicDate(value: unknown): string {
  const text = String(value);
  const [y, m, d] = text.slice(0, 10).split('-');
  const time = text.length > 10 ? ` ${text.slice(11, 16)}` : '';
  return `${d}/${m}/${y}${time}`;
}

/** A record as the migration brought it across from HomeFix Classic (the n-th of its collection). */
function migrate(collection: string, template: Doc, id: string, n: number): Doc {
  const doc = structuredClone(template);
  doc.id = id;
  doc.modified_at = new Date(MIGRATION_NIGHT + n * 1000).toISOString().replace(/\.000Z$/, 'Z');
  if (typeof doc.description_of_work === 'string') {
    const notes = [
      doc.description_of_work,
      `Classic note: tenant says "please ring first". ${doc.description_of_work}`,
      doc.description_of_work,
      `${doc.description_of_work}\nMigrated from HomeFix Classic`,
    ][n % 4] as string;
    doc.description_of_work = notes.slice(0, 230);
  }
  // One in three migrated records kept Classic's formats: day-first dates and upper-case statuses.
  if (n % 3 === 2) {
    doc.status = String(doc.status).toUpperCase();
    if (collection === 'tenancies') doc.start_date = classicDate(doc.start_date);
    if (collection === 'repair_requests') {
      doc.reported_at = classicDate(doc.reported_at);
      const priority = doc.priority as Doc;
      delete priority.required_completion_at;
    }
    if (collection === 'work_orders') doc.raised_at = classicDate(doc.raised_at);
  }
  return doc;
}

export function load(specsDir: string, a: string, b: string): World {
  const councils = new Map<string, Council>([
    [a, { lists: new Map() }],
    [b, { lists: new Map() }],
  ]);
  const classic = new Map<string, { council: string; collection: string; doc: Doc }>();
  for (const c of COLLECTIONS) {
    const fixtures = JSON.parse(
      readFileSync(join(specsDir, 'housing-repairs', 'fixtures', `${c.name}.json`), 'utf8'),
    ) as Doc[];
    const first = [...fixtures];
    // The second council's own records: five, under HomeFix's per-council prefix.
    const second: Doc[] = fixtures
      .slice(7, 12)
      .map((doc) => ({ ...structuredClone(doc), id: `HX2-${String(doc.id)}` }));
    if (c.legacy) {
      for (let n = 0; n < 60; n++) {
        const doc = migrate(c.name, fixtures[n] as Doc, `LEG-${String(4500 + n).padStart(6, '0')}`, n);
        first.push(doc);
        classic.set(`${c.name}:${String(doc.id)}`, { council: a, collection: c.name, doc });
      }
      for (let n = 0; n < 6; n++) {
        const doc = migrate(
          c.name,
          fixtures[100 + n] as Doc,
          `LEG-${String(7300 + n).padStart(6, '0')}`,
          n + 60,
        );
        second.push(doc);
        classic.set(`${c.name}:${String(doc.id)}`, { council: b, collection: c.name, doc });
      }
    }
    councils.get(a)?.lists.set(c.name, first);
    councils.get(b)?.lists.set(c.name, c.shared ? first : second);
  }
  return { councils, classic };
}

/** What the nightly reporting copy holds for a record: its state as at REPORTING_COPY_AT. */
export function asReported(collection: string, doc: Doc): Doc {
  if (!(Date.parse(String(doc.modified_at)) > Date.parse(REPORTING_COPY_AT))) return doc;
  const before: Record<string, Doc> = {
    tenancies: { status: 'pending' },
    repair_requests: { status: 'received' },
    work_orders: { status: 'assigned', status_code: '20' },
  };
  return { ...doc, ...(before[collection] ?? {}), modified_at: REPORTING_COPY_AT };
}

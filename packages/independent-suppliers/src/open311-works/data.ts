import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type Row = Record<string, unknown>;

const DAY_MS = 86_400_000;

/** Every field of the street-reports records that holds an instant. */
const INSTANT_FIELDS = ['requested_datetime', 'updated_datetime', 'expected_datetime', 'modified_at'];

function readFixture(specsDir: string, name: string): Row[] {
  return JSON.parse(
    readFileSync(join(specsDir, 'street-reports', 'fixtures', `${name}.json`), 'utf8'),
  ) as Row[];
}

function shift(row: Row, days: number): Row {
  const out: Row = { ...row };
  for (const field of INSTANT_FIELDS) {
    const value = out[field];
    if (typeof value === 'string') {
      out[field] = new Date(Date.parse(value) + days * DAY_MS).toISOString().replace('.000Z', 'Z');
    }
  }
  return out;
}

/**
 * Open311 Works' tables. Records are kept as GeoReport hands them out; the journal of each table is an
 * array in insertion order and an index by id, so a page is a slice of a filtered journal.
 */
export interface Table {
  readonly journal: Row[];
  readonly byId: Map<string, Row>;
}

function table(rows: Row[], idField: string): Table {
  return { journal: rows, byId: new Map(rows.map((row) => [String(row[idField]), row])) };
}

export interface Open311Data {
  readonly services: Table;
  readonly requests: Table;
  readonly updates: Table;
  /** Reporters per tenant ('a' | 'b'): personal, never mixed. */
  readonly reporters: { readonly a: Table; readonly b: Table };
}

const SWITCHBOARD_NOTE =
  ' For anything urgent call the council switchboard on 020 8356 3000 or write to streetscene@hackney.gov.uk.';
const BOOKED_NOTE = ' Repair booked for 14/12/2026, weather permitting.';

/**
 * Seeds from the reference fixtures. Their instants are moved forward by whole days so that the newest
 * record is four days old whatever today is: the 90-day default window then always holds some reports
 * and leaves most out. A few public notes carry the council's switchboard and street-scene mailbox, and a
 * prose booking date, as real officers write them.
 */
export function seed(specsDir: string, now = Date.now()): Open311Data {
  const requests = readFixture(specsDir, 'service_requests');
  const updates = readFixture(specsDir, 'service_request_updates');
  const newest = Math.max(...[...requests, ...updates].map((r) => Date.parse(String(r.modified_at))));
  const days = Math.floor((now - 4 * DAY_MS - newest) / DAY_MS);
  const shiftedRequests = requests.map((row, index) => {
    const shifted = shift(row, days);
    if (index % 11 === 3)
      shifted.status_notes = `${String(shifted.status_notes ?? '')}${SWITCHBOARD_NOTE}`.trim();
    if (index % 13 === 5) shifted.status_notes = `${String(shifted.status_notes ?? '')}${BOOKED_NOTE}`.trim();
    return shifted;
  });
  const shiftedUpdates = updates.map((row, index) => {
    const shifted = shift(row, days);
    if (index % 17 === 2) shifted.description = `${String(shifted.description)}${BOOKED_NOTE}`;
    return shifted;
  });
  const reportersA = readFixture(specsDir, 'reporters').map((row) => shift(row, days));
  const stamp = new Date(now - 10 * DAY_MS).toISOString().replace(/\.\d+Z$/, 'Z');
  // Waltham Forest's own reporters, on the same hosted platform: ids Hackney has never seen.
  const reportersB: Row[] = [
    ['2026-900101', 'Priya', 'Shah', 'priya.shah.wf@example.net'],
    ['2026-900102', 'Tom', 'Baker', 'tom.baker.e17@example.net'],
    ['2026-900103', 'Chidi', 'Eze', 'c.eze@example.org'],
  ].map(([id, first, last, email]) => ({
    id,
    service_request_id: id,
    first_name: first,
    last_name: last,
    email,
    public_anonymity_required: false,
    modified_at: stamp,
  }));
  return {
    services: table(
      readFixture(specsDir, 'services').map((row) => shift(row, days)),
      'service_code',
    ),
    requests: table(shiftedRequests, 'service_request_id'),
    updates: table(shiftedUpdates, 'update_id'),
    reporters: { a: table(reportersA, 'id'), b: table(reportersB, 'id') },
  };
}

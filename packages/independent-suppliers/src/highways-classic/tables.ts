import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The Highways Classic database, as the interface module sees it: one table per dataset, rows as tuples
 * in the table's column order, DATETIME columns held as epoch milliseconds.
 */
export interface HcTable {
  readonly columns: readonly string[];
  readonly datetimeColumns: ReadonlySet<string>;
  readonly rows: unknown[][];
}

const DATETIME = new Set(['requested_datetime', 'updated_datetime', 'expected_datetime', 'modified_at']);

function load(specsDir: string, name: string, columns: readonly string[]): HcTable {
  const records = JSON.parse(
    readFileSync(join(specsDir, 'street-reports', 'fixtures', `${name}.json`), 'utf8'),
  ) as Record<string, unknown>[];
  return {
    columns,
    datetimeColumns: new Set(columns.filter((c) => DATETIME.has(c))),
    rows: records.map((record) =>
      columns.map((column) =>
        DATETIME.has(column) && typeof record[column] === 'string'
          ? Date.parse(record[column] as string)
          : record[column],
      ),
    ),
  };
}

export const SERVICE_COLUMNS = [
  'id',
  'service_code',
  'service_name',
  'description',
  'metadata',
  'type',
  'keywords',
  'group',
  'groups',
  'attributes',
  'modified_at',
] as const;
export const REQUEST_COLUMNS = [
  'id',
  'service_request_id',
  'status',
  'status_notes',
  'service_name',
  'service_code',
  'title',
  'description',
  'agency_responsible',
  'service_notice',
  'requested_datetime',
  'updated_datetime',
  'expected_datetime',
  'address',
  'address_id',
  'uprn',
  'zipcode',
  'usrn',
  'lat',
  'long',
  'media_url',
  'modified_at',
] as const;
export const UPDATE_COLUMNS = [
  'id',
  'update_id',
  'service_request_id',
  'status',
  'description',
  'updated_datetime',
  'media_url',
  'external_status_code',
  'fixmystreet_id',
  'modified_at',
] as const;
export const REPORTER_COLUMNS = [
  'id',
  'service_request_id',
  'first_name',
  'last_name',
  'email',
  'phone',
  'device_id',
  'account_id',
  'public_anonymity_required',
  'modified_at',
] as const;

export interface HcDatabase {
  readonly services: HcTable;
  readonly requests: HcTable;
  readonly updates: HcTable;
  /** REPORTER rows carry the owning authority in the table name, as the multi-authority edition does. */
  readonly reporters: { readonly a: HcTable; readonly b: HcTable };
}

export function openDatabase(specsDir: string): HcDatabase {
  const reportersB: HcTable = {
    columns: REPORTER_COLUMNS,
    datetimeColumns: new Set(['modified_at']),
    rows: [
      [
        'HC-B-000011',
        'HC-B-000011',
        'Morag',
        'Lindsay',
        'morag.lindsay@example.net',
        undefined,
        undefined,
        undefined,
        false,
        Date.parse('2026-11-02T10:00:00Z'),
      ],
      [
        'HC-B-000012',
        'HC-B-000012',
        'Dev',
        'Patel',
        'dev.patel@example.org',
        undefined,
        undefined,
        undefined,
        true,
        Date.parse('2026-11-03T15:30:00Z'),
      ],
    ],
  };
  return {
    services: load(specsDir, 'services', SERVICE_COLUMNS),
    requests: load(specsDir, 'service_requests', REQUEST_COLUMNS),
    updates: load(specsDir, 'service_request_updates', UPDATE_COLUMNS),
    reporters: { a: load(specsDir, 'reporters', REPORTER_COLUMNS), b: reportersB },
  };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** How a DATETIME column leaves the database: ISO 8601 UTC, except the officer-entered target date. */
function formatDatetime(column: string, ms: number): string {
  const d = new Date(ms);
  if (column === 'expected_datetime') {
    // The target date is shown as officers typed it in the desktop client: dd/MM/yyyy HH:mm.
    return `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  }
  return d.toISOString().replace('.000Z', 'Z');
}

export function rowToRecord(table: HcTable, row: readonly unknown[]): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  table.columns.forEach((column, index) => {
    const value = row[index];
    if (value === undefined) return;
    record[column] = table.datetimeColumns.has(column) ? formatDatetime(column, value as number) : value;
  });
  return record;
}

export const columnIndex = (table: HcTable, column: string) => table.columns.indexOf(column);

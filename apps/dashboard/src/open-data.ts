import type { Reply } from './http.ts';
import { CLAUSE_COUNT, type LeagueRow } from './store.ts';

export const LICENCE = {
  name: 'Open Government Licence v3.0',
  url: 'https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/',
} as const;

/** Open data may be read by any site's scripts. */
export const OPEN = { 'access-control-allow-origin': '*' } as const;

/**
 * An open-data download (`council-conform-<name>.csv` or `.json`): readable by any site, cacheable for five
 * minutes, with its licence in a Link header and a file name for saving.
 */
export function openDataReply(name: string, format: 'csv' | 'json', body: string): Reply {
  return {
    status: 200,
    headers: {
      ...OPEN,
      'cache-control': 'public, max-age=300',
      link: `<${LICENCE.url}>; rel="license"`,
      'content-disposition': `attachment; filename="council-conform-${name}.${format}"`,
      'content-type':
        format === 'csv' ? 'text/csv; charset=utf-8; header=present' : 'application/json; charset=utf-8',
    },
    body,
  };
}

/**
 * A spreadsheet runs a cell starting with one of these as a formula, so a supplier named `=HYPERLINK(…)` could
 * act on the machine of whoever opens the file. A leading apostrophe makes the cell text (OWASP's advice).
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number | boolean): string {
  let text = String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  // RFC 4180: a field holding a quote, comma or line break is quoted, and its quotes doubled.
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const COLUMNS = [
  'position',
  'product',
  'supplier',
  'system_type',
  'level',
  'clauses_passed',
  'clauses_total',
  'status',
  'spec_version',
  'last_run',
  'issued_at',
  'expires_at',
  'product_page',
  'signed_report',
] as const;

const listingStatus = (row: LeagueRow) => (row.expired ? 'expired' : row.status);

function record(row: LeagueRow) {
  return {
    position: row.position,
    product: row.productName,
    supplier: row.supplierName,
    system_type: row.systemType,
    level: row.level,
    clauses_passed: row.clausesMet,
    clauses_total: CLAUSE_COUNT,
    status: listingStatus(row),
    spec_version: row.specVersion,
    last_run: row.runFinishedAt,
    issued_at: row.issuedAt,
    expires_at: row.expiresAt,
    product_page: `/products/${row.productId}`,
    signed_report: `/reports/${row.reportId}.json`,
  };
}

/** RFC 4180: a header line, CRLF line ends, every cell neutralised against formula injection. */
export function leagueTableCsv(rows: readonly LeagueRow[]): string {
  const lines = [COLUMNS.join(',')];
  for (const row of rows) {
    const values = record(row);
    lines.push(COLUMNS.map((column) => csvCell(values[column])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

export function leagueTableJson(rows: readonly LeagueRow[], generatedAt: Date): string {
  return `${JSON.stringify(
    {
      title:
        'Council Conform league table: council supplier APIs against the Local Gov Digital Procurement Checklist',
      publisher: 'LOTI (London Office of Technology and Innovation)',
      licence: LICENCE,
      generatedAt: generatedAt.toISOString(),
      clausesTotal: CLAUSE_COUNT,
      products: rows.map((row) => ({
        ...record(row),
        product_id: row.productId,
        supplier_id: row.supplierId,
        report_id: row.reportId,
        badge: `/badges/${row.productId}.svg`,
      })),
    },
    null,
    2,
  )}\n`;
}

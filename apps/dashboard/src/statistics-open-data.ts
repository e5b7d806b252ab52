/**
 * The service statistics as open data (`/data/service-statistics.csv` and `.json`): one record per listed
 * product and window (30 and 90 days), beside the league table's download and under the same licence.
 */
import { csvCell, LICENCE } from './open-data.ts';
import type { WindowStatistics } from './service-statistics.ts';
import type { LeagueRow } from './store.ts';

export interface ProductStatistics {
  readonly row: LeagueRow;
  readonly windows: readonly WindowStatistics[];
}

/** How the figures are defined, as the JSON states it for anyone reusing them (docs/dashboard.md too). */
export const STATISTICS_DEFINITIONS = {
  runs: "Every listed report of the product signed by a certifier (LOTI's scheduled runs and certification runs) whose run finished within the window; runs signed by the supplier alone are left out, as a supplier could choose when to make them.",
  exchanges:
    "HTTP requests the harness sent to the API at the run's target origin: those answered, plus those that got no answer (timeout, network or TLS failure). Requests never sent (run budget spent, another origin refused), observations, and probes of another scheme or protocol that a sound API refuses (plain http, TLS 1.0) do not count.",
  availability: 'answered (a response with a status below 500, or 501 Not Implemented) ÷ exchanges.',
  error_rate:
    '(5xx responses other than 501 + failures with no answer) ÷ exchanges; availability + error_rate = 1.',
  latency:
    'Time to the whole response of each exchange that got one (5xx included, failures not), in milliseconds; percentiles by nearest rank.',
  window: 'Runs that finished no more than window_days × 24 hours before generated_at.',
} as const;

const COLUMNS = [
  'product_id',
  'product',
  'supplier',
  'system_type',
  'window_days',
  'window_from',
  'window_to',
  'runs',
  'exchanges',
  'answered',
  'server_errors',
  'failures',
  'availability',
  'error_rate',
  'median_ms',
  'p95_ms',
  'product_page',
] as const;

/** Shares as fractions to six places: a figure for machines, not a rounded one for people. */
const fraction = (share: number | null) => (share === null ? null : Number(share.toFixed(6)));

function records(products: readonly ProductStatistics[]) {
  return products.flatMap(({ row, windows }) =>
    windows.map((w) => ({
      product_id: row.productId,
      product: row.productName,
      supplier: row.supplierName,
      system_type: row.systemType,
      window_days: w.days,
      window_from: w.from,
      window_to: w.to,
      runs: w.runs,
      exchanges: w.exchanges,
      answered: w.answered,
      server_errors: w.serverErrors,
      failures: w.failures,
      availability: fraction(w.availability),
      error_rate: fraction(w.errorRate),
      median_ms: w.medianMs,
      p95_ms: w.p95Ms,
      product_page: `/products/${row.productId}`,
    })),
  );
}

/** RFC 4180, CRLF line ends, cells neutralised against formula injection; a missing figure is an empty cell. */
export function serviceStatisticsCsv(products: readonly ProductStatistics[]): string {
  const lines = [COLUMNS.join(',')];
  for (const record of records(products))
    lines.push(COLUMNS.map((column) => csvCell(record[column] ?? '')).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export function serviceStatisticsJson(products: readonly ProductStatistics[], generatedAt: Date): string {
  return `${JSON.stringify(
    {
      title:
        'Council Conform service statistics: availability, latency and error rate of council supplier APIs',
      publisher: 'LOTI (London Office of Technology and Innovation)',
      licence: LICENCE,
      generatedAt: generatedAt.toISOString(),
      definitions: STATISTICS_DEFINITIONS,
      statistics: records(products),
    },
    null,
    2,
  )}\n`;
}

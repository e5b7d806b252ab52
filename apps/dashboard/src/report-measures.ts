/**
 * What the product page reads from a signed report's body beyond the clause and check tables: each counted
 * exchange's status and duration (for the service statistics), the data quality, and each failed check's
 * re-run command. A body can be megabytes of evidence, so each report's measures are read from it once, the
 * first time a page needs them, and kept small in `dashboard_report_measures`; reports stored before this
 * table existed get theirs the same way, with no backfill to run.
 */
import type { SqlClient } from '@council-conform/storage';
import { type DataQuality, readDataQuality } from './data-quality.ts';
import { type MeasuredExchange, type MeasuredRun, measuredExchanges } from './service-statistics.ts';
import { isoTimestamp } from './timestamps.ts';
import { fieldOf, listOf } from './unknown-value.ts';

export interface ReportMeasures extends MeasuredRun {
  readonly dataQuality: DataQuality | null;
  /** Check id → the command that runs that check alone again, for checks that failed or errored. */
  readonly rerunCommands: Readonly<Record<string, string>>;
}

/** Reads a stored signed report's body: `{ certificate, report, signatures }`. */
export function measuresOfBody(reportId: string, runFinishedAt: string, body: string): ReportMeasures {
  let report: unknown;
  try {
    report = fieldOf(JSON.parse(body), 'report');
  } catch {
    // Stored bodies were parsed and verified at ingest; one that no longer parses has nothing to measure.
    report = undefined;
  }
  const rerunCommands: Record<string, string> = {};
  for (const check of listOf(fieldOf(report, 'checks'))) {
    const id = fieldOf(check, 'id');
    const command = fieldOf(check, 'rerunCommand');
    if (typeof id === 'string' && typeof command === 'string' && command.length <= 4_000)
      rerunCommands[id] = command;
  }
  return {
    reportId,
    runFinishedAt,
    exchanges: measuredExchanges(fieldOf(report, 'exchanges'), fieldOf(fieldOf(report, 'target'), 'url')),
    dataQuality: readDataQuality(fieldOf(report, 'dataQuality')),
    rerunCommands,
  };
}

type Pair = [number | null, number];

const encodeExchanges = (exchanges: readonly MeasuredExchange[]) =>
  JSON.stringify(exchanges.map((e): Pair => [e.status, e.durationMs]));
const decodeExchanges = (text: string): MeasuredExchange[] =>
  (JSON.parse(text) as Pair[]).map(([status, durationMs]) => ({ status, durationMs }));

export interface ReportMeasuresStore {
  /** The measures of one stored report (held ones included: the page that shows it decides). */
  forReport(reportId: string): Promise<ReportMeasures | undefined>;
  /** The measures of a product's listed runs a certifier signed that finished at or after `since`, oldest first. */
  forProduct(productId: string, since: Date): Promise<ReportMeasures[]>;
}

interface MeasureRow {
  id: string;
  run_finished_at: unknown;
  exchanges: string | null;
  data_quality: string | null;
  rerun_commands: string | null;
}

export function createReportMeasuresStore(sql: SqlClient): ReportMeasuresStore {
  async function measures(row: MeasureRow): Promise<ReportMeasures> {
    const runFinishedAt = isoTimestamp(row.run_finished_at);
    if (row.exchanges !== null)
      return {
        reportId: row.id,
        runFinishedAt,
        exchanges: decodeExchanges(row.exchanges),
        dataQuality: row.data_quality === null ? null : (JSON.parse(row.data_quality) as DataQuality),
        rerunCommands: JSON.parse(row.rerun_commands ?? '{}') as Record<string, string>,
      };
    // One body at a time: each can be many megabytes.
    const [body] = await sql.query<{ body: string }>('SELECT body FROM dashboard_reports WHERE id = $1', [
      row.id,
    ]);
    const measured = measuresOfBody(row.id, runFinishedAt, body?.body ?? '');
    await sql.query(
      `INSERT INTO dashboard_report_measures (report_id, exchanges, data_quality, rerun_commands)
       VALUES ($1, $2, $3, $4) ON CONFLICT (report_id) DO NOTHING`,
      [
        row.id,
        encodeExchanges(measured.exchanges),
        measured.dataQuality ? JSON.stringify(measured.dataQuality) : null,
        JSON.stringify(measured.rerunCommands),
      ],
    );
    return measured;
  }

  const SELECT = `SELECT r.id, r.run_finished_at, m.exchanges, m.data_quality, m.rerun_commands
    FROM dashboard_reports r LEFT JOIN dashboard_report_measures m ON m.report_id = r.id`;

  return {
    async forReport(reportId) {
      const [row] = await sql.query<MeasureRow>(`${SELECT} WHERE r.id = $1`, [reportId]);
      return row ? measures(row) : undefined;
    },

    async forProduct(productId, since) {
      const rows = await sql.query<MeasureRow>(
        // Only runs a certifier signed (LOTI's scheduled runs, certificates and the sweep's evidence of runs that
        // proved no level): a supplier's own runs could be made against a warmed-up server at a quiet hour, and
        // would let it choose its figures.
        `${SELECT} WHERE r.product_id = $1 AND r.held_reason IS NULL AND r.run_finished_at >= $2
           AND EXISTS (SELECT 1 FROM dashboard_report_signatures s WHERE s.report_id = r.id AND s.role = 'certifier')
         ORDER BY r.run_finished_at, r.id`,
        [productId, since.toISOString()],
      );
      const result: ReportMeasures[] = [];
      for (const row of rows) result.push(await measures(row));
      return result;
    },
  };
}

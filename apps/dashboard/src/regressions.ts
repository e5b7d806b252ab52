import type { Level } from '@council-conform/runner';
import type { SqlClient } from '@council-conform/storage';

/** A product that got worse from one run to the next, as the league table and the monitor's notices say. */
export interface Regression {
  readonly kind: 'level-dropped' | 'must-failed-twice';
  readonly detail: string;
  /** The run before, which did better (or already failed the same way). */
  readonly previousReportId: string;
  /** For `must-failed-twice`: the must checks failing in this run. */
  readonly checks: readonly string[];
}

const LEVEL_TEXT: Record<Level, string> = {
  gold: 'gold',
  silver: 'silver',
  bronze: 'bronze',
  none: 'no level',
};

/**
 * Compares a report just listed with the product's listed run before it (by when the runs finished, so a late
 * upload of an old run is compared with its own predecessor) and stores what got worse: the level dropped, or
 * a certified product failed a must check in two runs in a row. Runs inside the ingest's transaction.
 */
export async function recordRegressions(
  tx: SqlClient,
  report: {
    readonly id: string;
    readonly productId: string;
    readonly level: Level;
    readonly levelRank: number;
    readonly status: 'certified' | 'self-assessed';
    readonly runFinishedAt: string;
    readonly failingMustChecks: readonly string[];
  },
): Promise<Regression[]> {
  const [previous] = await tx.query<{ id: string; level: Level; level_rank: number; status: string }>(
    `SELECT id, level, level_rank, status FROM dashboard_reports
     WHERE product_id = $1 AND id <> $2 AND run_finished_at < $3::timestamptz AND held_reason IS NULL
     ORDER BY run_finished_at DESC, id LIMIT 1`,
    [report.productId, report.id, report.runFinishedAt],
  );
  if (!previous) return [];
  const found: Regression[] = [];
  if (report.levelRank < Number(previous.level_rank))
    found.push({
      kind: 'level-dropped',
      detail: `the level fell from ${LEVEL_TEXT[previous.level]} to ${LEVEL_TEXT[report.level]}`,
      previousReportId: previous.id,
      checks: [],
    });
  // A certified product: this run is certified, or one before it was. A failing run never is (it is not
  // certifiable), so the product's history says whether it holds a certificate it is now failing.
  const [earlierCertificate] =
    report.status === 'certified'
      ? [{ id: report.id }]
      : await tx.query<{ id: string }>(
          `SELECT id FROM dashboard_reports WHERE product_id = $1 AND status = 'certified'
           AND id <> $2 AND run_finished_at < $3::timestamptz AND held_reason IS NULL LIMIT 1`,
          [report.productId, report.id, report.runFinishedAt],
        );
  const certified = earlierCertificate !== undefined;
  if (certified && report.failingMustChecks.length > 0) {
    const before = await tx.query<{ check_id: string }>(
      `SELECT check_id FROM dashboard_check_results
       WHERE report_id = $1 AND severity = 'must' AND status = 'fail' ORDER BY position`,
      [previous.id],
    );
    if (before.length > 0) {
      const again = report.failingMustChecks.filter((id) => before.some((b) => b.check_id === id));
      found.push({
        kind: 'must-failed-twice',
        detail: `a certified product failed must checks in two runs in a row: ${report.failingMustChecks.join(', ')}${again.length > 0 ? ` (${again.join(', ')} in both)` : ''}`,
        previousReportId: previous.id,
        checks: report.failingMustChecks,
      });
    }
  }
  for (const regression of found)
    await tx.query(
      `INSERT INTO dashboard_regressions (report_id, kind, previous_report_id, detail, checks)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [
        report.id,
        regression.kind,
        regression.previousReportId,
        regression.detail,
        JSON.stringify(regression.checks),
      ],
    );
  return found;
}

export async function regressionsOf(sql: SqlClient, reportId: string): Promise<Regression[]> {
  const rows = await sql.query<{
    kind: Regression['kind'];
    previous_report_id: string;
    detail: string;
    checks: string;
  }>(
    'SELECT kind, previous_report_id, detail, checks FROM dashboard_regressions WHERE report_id = $1 ORDER BY kind',
    [reportId],
  );
  return rows.map((row) => ({
    kind: row.kind,
    detail: row.detail,
    previousReportId: row.previous_report_id,
    checks: JSON.parse(row.checks) as string[],
  }));
}

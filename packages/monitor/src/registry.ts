import { migrate, type SqlClient } from '@council-conform/storage';
import { MONITOR_MIGRATIONS, MONITOR_MIGRATIONS_TABLE } from './migrations.ts';
import { checkTarget, type MonitorTarget, type MonitorTargetInput, TargetError } from './targets.ts';

/** What the dashboard said about a published run that got worse than the run before it. */
export interface Regression {
  readonly kind: 'level-dropped' | 'must-failed-twice';
  readonly detail: string;
  readonly previousReportId?: string;
  readonly checks?: readonly string[];
}

export interface NotificationRecord {
  readonly url: string;
  readonly delivered: boolean;
  readonly status?: number;
  readonly detail: string;
}

/** One scheduled run's single result, however many attempts it took. */
export interface RunRecord {
  readonly jobId: string;
  readonly targetId: string;
  readonly attempt: number;
  readonly worker: string;
  readonly startedAt: Date;
  readonly signedAt: Date;
  readonly level: string;
  readonly mustFailures: number;
  readonly summary: string;
  readonly signedReport: string;
  readonly publishedAt: Date | null;
  readonly reportId: string | null;
  readonly reportUrl: string | null;
  readonly regressions: readonly Regression[];
  readonly notifications: readonly NotificationRecord[];
}

export interface AttemptRecord {
  readonly jobId: string;
  readonly attempt: number;
  readonly targetId: string;
  readonly worker: string;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
  readonly outcome: string | null;
}

interface TargetRow {
  id: string;
  supplier: string;
  product: string;
  profile: string;
  base_url: string;
  mode: 'readonly' | 'sandbox';
  features: string[];
  credentials: MonitorTarget['credentials'];
  second_tenant: MonitorTarget['secondTenant'];
  schedule: string;
  run_budget_seconds: number;
  requests_per_second: number | null;
  notify: MonitorTarget['notify'];
  created_at: Date | string;
}

interface RunRow {
  job_id: string;
  target_id: string;
  attempt: number;
  worker: string;
  started_at: Date | string;
  signed_at: Date | string;
  level: string;
  must_failures: number;
  summary: string;
  signed_report: string;
  published_at: Date | string | null;
  report_id: string | null;
  report_url: string | null;
  regressions: Regression[];
  notifications: NotificationRecord[];
}

interface AttemptRow {
  job_id: string;
  attempt: number;
  target_id: string;
  worker: string;
  started_at: Date | string;
  finished_at: Date | string | null;
  outcome: string | null;
}

const date = (value: Date | string) => (value instanceof Date ? value : new Date(value));

function target(row: TargetRow): MonitorTarget {
  return {
    id: row.id,
    supplier: row.supplier,
    product: row.product,
    profile: row.profile,
    baseUrl: row.base_url,
    mode: row.mode,
    features: row.features,
    credentials: row.credentials,
    secondTenant: row.second_tenant,
    schedule: row.schedule,
    runBudgetSeconds: row.run_budget_seconds,
    ...(row.requests_per_second !== null ? { requestsPerSecond: row.requests_per_second } : {}),
    notify: row.notify,
    createdAt: date(row.created_at),
  };
}

function run(row: RunRow): RunRecord {
  return {
    jobId: row.job_id,
    targetId: row.target_id,
    attempt: row.attempt,
    worker: row.worker,
    startedAt: date(row.started_at),
    signedAt: date(row.signed_at),
    level: row.level,
    mustFailures: row.must_failures,
    summary: row.summary,
    signedReport: row.signed_report,
    publishedAt: row.published_at === null ? null : date(row.published_at),
    reportId: row.report_id,
    reportUrl: row.report_url,
    regressions: row.regressions,
    notifications: row.notifications,
  };
}

function attempt(row: AttemptRow): AttemptRecord {
  return {
    jobId: row.job_id,
    attempt: row.attempt,
    targetId: row.target_id,
    worker: row.worker,
    startedAt: date(row.started_at),
    finishedAt: row.finished_at === null ? null : date(row.finished_at),
    outcome: row.outcome,
  };
}

/**
 * The monitoring registry: which products are re-checked, where, how often and who hears of a regression;
 * and what each scheduled run found. It lives in the results store's PostgreSQL database, beside the queue.
 */
export class MonitorRegistry {
  private constructor(private readonly sql: SqlClient) {}

  static async open(sql: SqlClient): Promise<MonitorRegistry> {
    await migrate(sql, { migrations: MONITOR_MIGRATIONS, table: MONITOR_MIGRATIONS_TABLE });
    return new MonitorRegistry(sql);
  }

  /** Adds a target; an existing id is refused rather than silently replaced. */
  async addTarget(input: MonitorTargetInput): Promise<MonitorTarget> {
    const t = checkTarget(input);
    const rows = await this.sql.query<TargetRow>(
      `INSERT INTO monitor_targets (id, supplier, product, profile, base_url, mode, features, credentials, schedule,
         run_budget_seconds, requests_per_second, notify, second_tenant)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10, $11, $12::jsonb, $13::jsonb)
       ON CONFLICT (id) DO NOTHING RETURNING *`,
      [
        t.id,
        t.supplier,
        t.product,
        t.profile,
        t.baseUrl,
        t.mode,
        JSON.stringify(t.features),
        JSON.stringify(t.credentials),
        t.schedule,
        t.runBudgetSeconds,
        t.requestsPerSecond ?? null,
        JSON.stringify(t.notify),
        JSON.stringify(t.secondTenant),
      ],
    );
    if (!rows[0]) throw new TargetError(`a target "${t.id}" is already registered; remove it first`);
    return target(rows[0]);
  }

  async removeTarget(id: string): Promise<boolean> {
    const rows = await this.sql.query<{ id: string }>(
      'DELETE FROM monitor_targets WHERE id = $1 RETURNING id',
      [id],
    );
    return rows.length > 0;
  }

  async target(id: string): Promise<MonitorTarget | undefined> {
    const [row] = await this.sql.query<TargetRow>('SELECT * FROM monitor_targets WHERE id = $1', [id]);
    return row ? target(row) : undefined;
  }

  async targets(): Promise<MonitorTarget[]> {
    return (await this.sql.query<TargetRow>('SELECT * FROM monitor_targets ORDER BY id')).map(target);
  }

  async startAttempt(input: {
    jobId: string;
    attempt: number;
    targetId: string;
    worker: string;
    startedAt: Date;
  }): Promise<void> {
    await this.sql.query(
      `INSERT INTO monitor_attempts (job_id, attempt, target_id, worker, started_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (job_id, attempt) DO UPDATE SET worker = EXCLUDED.worker, started_at = EXCLUDED.started_at,
         finished_at = NULL, outcome = NULL`,
      [input.jobId, input.attempt, input.targetId, input.worker, input.startedAt.toISOString()],
    );
    // The queue only hands a job out again once its last holder stopped answering: that attempt is over.
    await this.sql.query(
      `UPDATE monitor_attempts SET finished_at = $3, outcome = 'lost: the worker stopped answering'
       WHERE job_id = $1 AND attempt < $2 AND finished_at IS NULL`,
      [input.jobId, input.attempt, input.startedAt.toISOString()],
    );
  }

  async finishAttempt(jobId: string, attemptNumber: number, outcome: string, at: Date): Promise<void> {
    await this.sql.query(
      'UPDATE monitor_attempts SET finished_at = $3, outcome = $4 WHERE job_id = $1 AND attempt = $2',
      [jobId, attemptNumber, at.toISOString(), outcome],
    );
  }

  async attempts(targetId?: string): Promise<AttemptRecord[]> {
    const rows = await this.sql.query<AttemptRow>(
      'SELECT * FROM monitor_attempts WHERE $1::text IS NULL OR target_id = $1 ORDER BY started_at, job_id, attempt',
      [targetId ?? null],
    );
    return rows.map(attempt);
  }

  /** Attempts not (yet) known to have ended: runs in progress, or lost with a worker and not yet retried. */
  async openAttempts(): Promise<AttemptRecord[]> {
    const rows = await this.sql.query<AttemptRow>(
      'SELECT * FROM monitor_attempts WHERE finished_at IS NULL ORDER BY started_at, job_id, attempt',
    );
    return rows.map(attempt);
  }

  /**
   * Keeps a run's signed report before it is published: an attempt killed after this point is retried by
   * publishing these same bytes, never by running again. Returns the run already kept for the job, if any.
   */
  async keepSignedRun(
    input: Omit<RunRecord, 'publishedAt' | 'reportId' | 'reportUrl' | 'regressions' | 'notifications'>,
  ): Promise<RunRecord> {
    await this.sql.query(
      `INSERT INTO monitor_runs (job_id, target_id, attempt, worker, started_at, signed_at, level, must_failures,
         summary, signed_report)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (job_id) DO NOTHING`,
      [
        input.jobId,
        input.targetId,
        input.attempt,
        input.worker,
        input.startedAt.toISOString(),
        input.signedAt.toISOString(),
        input.level,
        input.mustFailures,
        input.summary,
        input.signedReport,
      ],
    );
    return (await this.run(input.jobId)) as RunRecord;
  }

  async markPublished(
    jobId: string,
    publication: { reportId: string; reportUrl: string; regressions: readonly Regression[]; at: Date },
  ): Promise<void> {
    await this.sql.query(
      `UPDATE monitor_runs SET published_at = $2, report_id = $3, report_url = $4, regressions = $5::jsonb
       WHERE job_id = $1`,
      [
        jobId,
        publication.at.toISOString(),
        publication.reportId,
        publication.reportUrl,
        JSON.stringify(publication.regressions),
      ],
    );
  }

  async recordNotifications(jobId: string, notifications: readonly NotificationRecord[]): Promise<void> {
    await this.sql.query('UPDATE monitor_runs SET notifications = $2::jsonb WHERE job_id = $1', [
      jobId,
      JSON.stringify(notifications),
    ]);
  }

  async run(jobId: string): Promise<RunRecord | undefined> {
    const [row] = await this.sql.query<RunRow>('SELECT * FROM monitor_runs WHERE job_id = $1', [jobId]);
    return row ? run(row) : undefined;
  }

  /** Newest first. */
  async runs(options: { targetId?: string; limit?: number } = {}): Promise<RunRecord[]> {
    const rows = await this.sql.query<RunRow>(
      `SELECT * FROM monitor_runs WHERE $1::text IS NULL OR target_id = $1 ORDER BY signed_at DESC, job_id
       LIMIT $2`,
      [options.targetId ?? null, options.limit ?? 1000],
    );
    return rows.map(run);
  }

  async close(): Promise<void> {
    await this.sql.close();
  }
}

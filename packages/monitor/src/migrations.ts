import type { Migration } from '@council-conform/storage';

/** Its own history table, so the registry can live in the dashboard's database beside the results. */
export const MONITOR_MIGRATIONS_TABLE = 'council_conform_monitor_migrations';

/**
 * Append only: a released migration is never edited. No foreign key from runs to targets: removing a target
 * stops its schedule but keeps the history of what its runs found.
 */
export const MONITOR_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'registry',
    sql: `
      CREATE TABLE monitor_targets (
        id text PRIMARY KEY,
        supplier text NOT NULL,
        product text NOT NULL,
        profile text NOT NULL,
        base_url text NOT NULL,
        mode text NOT NULL CHECK (mode IN ('readonly', 'sandbox')),
        features jsonb NOT NULL DEFAULT '[]',
        credentials jsonb NOT NULL,
        schedule text NOT NULL,
        run_budget_seconds integer NOT NULL CHECK (run_budget_seconds > 0),
        requests_per_second double precision,
        notify jsonb NOT NULL DEFAULT '[]',
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE monitor_attempts (
        job_id text NOT NULL,
        attempt integer NOT NULL,
        target_id text NOT NULL,
        worker text NOT NULL,
        started_at timestamptz NOT NULL,
        finished_at timestamptz,
        outcome text,
        PRIMARY KEY (job_id, attempt)
      );
      CREATE INDEX monitor_attempts_target ON monitor_attempts (target_id, started_at);
      CREATE TABLE monitor_runs (
        job_id text PRIMARY KEY,
        target_id text NOT NULL,
        attempt integer NOT NULL,
        worker text NOT NULL,
        started_at timestamptz NOT NULL,
        signed_at timestamptz NOT NULL,
        level text NOT NULL,
        must_failures integer NOT NULL,
        summary text NOT NULL,
        signed_report text NOT NULL,
        published_at timestamptz,
        report_id text,
        report_url text,
        regressions jsonb NOT NULL DEFAULT '[]',
        notifications jsonb NOT NULL DEFAULT '[]'
      );
      CREATE INDEX monitor_runs_target ON monitor_runs (target_id, signed_at DESC)
    `,
  },
  {
    version: 2,
    name: 'second tenant',
    // Targets registered before it had none: their scheduled runs skip the cross-tenant checks, as they did.
    sql: `ALTER TABLE monitor_targets ADD COLUMN second_tenant jsonb NOT NULL DEFAULT '{"from":"none"}'`,
  },
];

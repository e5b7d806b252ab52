import { createHash } from 'node:crypto';
import type { SqlClient } from './sql.ts';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Append only: a released migration is never edited, since databases out there have already run it. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'records',
    // `json`, not `jsonb`: a record comes back with its keys in the order the supplier wrote them.
    sql: `
      CREATE TABLE records (
        space text NOT NULL,
        dataset text NOT NULL,
        tenant text NOT NULL,
        record_id text NOT NULL,
        seq bigint GENERATED ALWAYS AS IDENTITY,
        modified_at timestamptz,
        body json NOT NULL,
        PRIMARY KEY (space, dataset, tenant, record_id)
      );
      CREATE INDEX records_in_order ON records (space, dataset, tenant, seq);
      CREATE INDEX records_by_modified ON records (space, dataset, tenant, modified_at);
    `,
  },
];

export interface MigrateOptions {
  /** Default: MIGRATIONS, the record store's schema. */
  readonly migrations?: readonly Migration[];
  /**
   * Where the versions applied are kept. One per schema, so that two applications sharing a database (the
   * reference server and the dashboard) each keep their own history. Default: council_conform_migrations.
   */
  readonly table?: string;
}

export const DEFAULT_MIGRATIONS_TABLE = 'council_conform_migrations';

// Any constant will do, as long as it is this project's: with the table's own key beside it, it names the lock
// all migrators of one schema wait on, while migrators of another schema go ahead.
const MIGRATION_LOCK = 4_212_026;
// Interpolated into SQL, so only a plain, unquoted PostgreSQL identifier is let through.
const TABLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** A 32-bit key from the table name: the same in every process and release, unlike the server's hashtext. */
export function migrationLockKey(table: string): number {
  return createHash('sha256').update(table, 'utf8').digest().readInt32BE(0);
}

/** Brings the schema up to date; safe when several processes start at once against one server. */
export async function migrate(sql: SqlClient, options: MigrateOptions = {}): Promise<number[]> {
  const migrations = options.migrations ?? MIGRATIONS;
  const table = options.table ?? DEFAULT_MIGRATIONS_TABLE;
  if (!TABLE_NAME.test(table))
    throw new Error(
      `migrations table "${table}" is not a plain identifier (lower-case letters, digits and _, at most 63)`,
    );
  if (migrations.length === 0) throw new Error('migrate needs at least one migration');
  const versions = migrations.map((m) => m.version);
  if (new Set(versions).size !== versions.length)
    throw new Error(`migration versions must be unique, not ${versions.join(', ')}`);
  return sql.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1, $2)', [MIGRATION_LOCK, migrationLockKey(table)]);
    await tx.query(`CREATE TABLE IF NOT EXISTS ${table} (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const done = new Set(
      (await tx.query<{ version: number }>(`SELECT version FROM ${table}`)).map((row) => Number(row.version)),
    );
    const latest = Math.max(0, ...done);
    const known = Math.max(...versions);
    if (latest > known) {
      throw new Error(
        `the database is at schema version ${latest} (${table}), newer than this release knows (${known}): upgrade Council Conform`,
      );
    }
    const applied: number[] = [];
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(migration.version)) continue;
      for (const statement of migration.sql
        .split(';')
        .map((s) => s.trim())
        .filter(Boolean))
        await tx.query(statement);
      await tx.query(`INSERT INTO ${table} (version, name) VALUES ($1, $2)`, [
        migration.version,
        migration.name,
      ]);
      applied.push(migration.version);
    }
    return applied;
  });
}

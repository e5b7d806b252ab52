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

// Any constant will do, as long as it is this project's: it names the lock all migrators wait on.
const MIGRATION_LOCK = 4_212_026;

/** Brings the schema up to date; safe when several processes start at once against one server. */
export async function migrate(sql: SqlClient): Promise<number[]> {
  return sql.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query(`CREATE TABLE IF NOT EXISTS council_conform_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const done = new Set(
      (await tx.query<{ version: number }>('SELECT version FROM council_conform_migrations')).map((row) =>
        Number(row.version),
      ),
    );
    const latest = Math.max(0, ...done);
    const known = Math.max(...MIGRATIONS.map((m) => m.version));
    if (latest > known) {
      throw new Error(
        `the database is at schema version ${latest}, newer than this release knows (${known}): upgrade Council Conform`,
      );
    }
    const applied: number[] = [];
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version)) continue;
      for (const statement of migration.sql
        .split(';')
        .map((s) => s.trim())
        .filter(Boolean))
        await tx.query(statement);
      await tx.query('INSERT INTO council_conform_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      applied.push(migration.version);
    }
    return applied;
  });
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MIGRATIONS,
  type Migration,
  migrate,
  migrationLockKey,
  openPglite,
  openPostgres,
  type SqlClient,
} from '../src/index.ts';
import { createTestDatabase, postgresForTests, type TestDatabase } from '../src/testing.ts';

// With CI=true a missing PostgreSQL fails the run instead of skipping.
const postgres = await postgresForTests('PostgreSQL migration tests');

/** Another application's schema, as the dashboard keeps beside the record store. */
const OTHER: readonly Migration[] = [
  { version: 1, name: 'notes', sql: 'CREATE TABLE notes (id text PRIMARY KEY)' },
  {
    version: 2,
    name: 'note bodies',
    sql: 'ALTER TABLE notes ADD COLUMN body text; CREATE INDEX notes_body ON notes (body)',
  },
];
const OTHER_TABLE = 'other_app_migrations';

const versionsIn = async (sql: SqlClient, table: string) =>
  (await sql.query<{ version: number }>(`SELECT version FROM ${table} ORDER BY version`)).map((r) =>
    Number(r.version),
  );

describe('migrate', () => {
  let sql: SqlClient;
  beforeAll(async () => {
    sql = await openPglite();
  });
  afterAll(async () => {
    await sql.close();
  });

  it('keeps each schema’s history in its own table, so two applications can share a database', async () => {
    expect(await migrate(sql)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(await migrate(sql, { migrations: OTHER, table: OTHER_TABLE })).toEqual([1, 2]);
    expect(await migrate(sql)).toEqual([]);
    expect(await migrate(sql, { migrations: OTHER, table: OTHER_TABLE })).toEqual([]);
    expect(await versionsIn(sql, 'council_conform_migrations')).toEqual(MIGRATIONS.map((m) => m.version));
    expect(await versionsIn(sql, OTHER_TABLE)).toEqual([1, 2]);
    await sql.query("INSERT INTO notes (id, body) VALUES ('n1', 'hello')");
  });

  it('refuses a database newer than the release, naming the history table', async () => {
    await expect(migrate(sql, { migrations: OTHER.slice(0, 1), table: OTHER_TABLE })).rejects.toThrow(
      /schema version 2 \(other_app_migrations\), newer than this release knows \(1\)/,
    );
  });

  it('refuses a table name that is not a plain identifier, and migration lists that make no sense', async () => {
    await expect(migrate(sql, { migrations: OTHER, table: 'm; DROP TABLE records' })).rejects.toThrow(
      /not a plain identifier/,
    );
    await expect(migrate(sql, { migrations: OTHER, table: 'Quoted"Name' })).rejects.toThrow(
      /not a plain identifier/,
    );
    await expect(migrate(sql, { migrations: [], table: 'empty_migrations' })).rejects.toThrow(/at least one/);
    await expect(
      migrate(sql, { migrations: [OTHER[0] as Migration, OTHER[0] as Migration], table: 'twice_migrations' }),
    ).rejects.toThrow(/unique/);
    expect(await sql.query('SELECT 1 FROM records LIMIT 1')).toEqual([]);
  });

  it('derives a lock key per table that never changes between releases', () => {
    // Pinned: a release that changed these would let an old and a new process migrate one schema at once.
    expect(migrationLockKey('council_conform_migrations')).toBe(1_311_183_716);
    expect(migrationLockKey('council_conform_dashboard_migrations')).toBe(629_048_689);
  });
});

let database: TestDatabase | undefined;
describe.skipIf(!postgres.available)('migrate on a PostgreSQL server', () => {
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('applies each schema once when several processes migrate two schemas at the same moment', async () => {
    const url = (database as TestDatabase).url;
    const clients = await Promise.all([1, 2, 3, 4].map(() => openPostgres(url)));
    try {
      const applied = await Promise.all(
        clients.map((client, index) =>
          index % 2 === 0 ? migrate(client) : migrate(client, { migrations: OTHER, table: OTHER_TABLE }),
        ),
      );
      // One process of each pair did the work; the other found it done.
      expect(applied.map((versions) => versions.length).sort()).toEqual(
        [0, 0, MIGRATIONS.length, OTHER.length].sort(),
      );
      expect(await versionsIn(clients[0] as SqlClient, 'council_conform_migrations')).toEqual(
        MIGRATIONS.map((m) => m.version),
      );
      expect(await versionsIn(clients[0] as SqlClient, OTHER_TABLE)).toEqual([1, 2]);
    } finally {
      await Promise.all(clients.map((client) => client.close()));
    }
  });
});

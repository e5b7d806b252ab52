import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMemoryRecordStore,
  MIGRATIONS,
  openPostgres,
  openRecordStore,
  type RecordStore,
  StorageConnectionError,
} from '../src/index.ts';
import { createTestDatabase, postgresForTests, type TestDatabase } from '../src/testing.ts';

// With CI=true a missing PostgreSQL fails the run instead of skipping.
const postgres = await postgresForTests('PostgreSQL tests');

const scope = { space: 'housing-repairs', dataset: 'repairs', tenant: 'tenant-a' };
const record = (id: string, modified: string, extra: Record<string, unknown> = {}) => ({
  id,
  status: 'open',
  modified_at: modified,
  ...extra,
});

/** One behaviour, three stores: what the reference server promises does not depend on where it runs. */
function storeContract(name: string, open: () => Promise<RecordStore>, close?: () => Promise<void>) {
  describe(name, () => {
    let store: RecordStore;
    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      await store?.close();
      await close?.();
    });

    it('keeps records in the order first stored, replaces by id in place, and keeps key order', async () => {
      await store.upsert(scope, [
        { id: 'r1', record: record('r1', '2026-01-01T10:00:00Z') },
        { id: 'r2', record: record('r2', '2026-02-01T10:00:00Z', { zeta: 1, alpha: 2 }) },
        { id: 'r3', record: record('r3', 'not a date') },
      ]);
      await store.upsert(scope, [
        { id: 'r1', record: record('r1', '2026-03-01T10:00:00Z', { status: 'closed' }) },
      ]);
      const page = await store.page(scope, { offset: 0, limit: 10 });
      expect(page.total).toBe(3);
      expect(page.records.map((r) => r.id)).toEqual(['r1', 'r2', 'r3']);
      expect(page.records[0]?.status).toBe('closed');
      expect(Object.keys(page.records[1] ?? {})).toEqual(['id', 'status', 'modified_at', 'zeta', 'alpha']);
      expect(await store.count(scope)).toBe(3);
      expect(await store.fieldNames(scope)).toEqual(['id', 'status', 'modified_at', 'zeta', 'alpha']);
    });

    it('pages with offset and limit, filters by modified_at, and reads by id within the scope only', async () => {
      expect((await store.page(scope, { offset: 1, limit: 1 })).records.map((r) => r.id)).toEqual(['r2']);
      const since = await store.page(scope, {
        offset: 0,
        limit: 10,
        modifiedAfter: Date.parse('2026-01-15T00:00:00Z'),
      });
      expect(since.records.map((r) => r.id)).toEqual(['r1', 'r2']);
      expect(since.total).toBe(2);
      expect((await store.get(scope, 'r2'))?.zeta).toBe(1);
      expect(await store.get({ ...scope, tenant: 'tenant-b' }, 'r2')).toBeUndefined();
      expect(await store.count({ ...scope, space: 'planning' })).toBe(0);
    });

    it('reads many ids at once within the scope only, leaving out those it does not hold', async () => {
      const found = await store.getMany(scope, ['r3', 'missing', 'r1', 'r3']);
      expect([...found.keys()].sort()).toEqual(['r1', 'r3']);
      expect(found.get('r1')?.status).toBe('closed');
      expect((await store.getMany({ ...scope, tenant: 'tenant-b' }, ['r1'])).size).toBe(0);
      expect((await store.getMany(scope, [])).size).toBe(0);
    });

    it('streams a scope in batches, in order, without skipping', async () => {
      const big = { ...scope, dataset: 'big' };
      const many = Array.from({ length: 2503 }, (_, i) => ({
        id: `b${i}`,
        record: record(`b${i}`, '2026-01-01T00:00:00Z', { n: i }),
      }));
      await store.upsert(big, many);
      const seen: number[] = [];
      for await (const r of store.stream(big, 500)) seen.push(r.n as number);
      expect(seen).toEqual(many.map((_, i) => i));
    });

    it('keeps the last copy when one batch names an id twice', async () => {
      const twice = { ...scope, dataset: 'twice' };
      await store.upsert(twice, [
        { id: 'x', record: record('x', '2026-01-01T00:00:00Z', { v: 1 }) },
        { id: 'x', record: record('x', '2026-01-01T00:00:00Z', { v: 2 }) },
      ]);
      expect((await store.page(twice, { offset: 0, limit: 5 })).records).toEqual([
        record('x', '2026-01-01T00:00:00Z', { v: 2 }),
      ]);
    });
  });
}

storeContract('memory store', async () => createMemoryRecordStore());
storeContract('embedded PGlite', () => openRecordStore());

let database: TestDatabase | undefined;
describe.skipIf(!postgres.available)('PostgreSQL server', () => {
  storeContract(
    'PostgreSQL store',
    async () => {
      database = await createTestDatabase();
      return openRecordStore({ databaseUrl: database.url });
    },
    () => database?.drop() ?? Promise.resolve(),
  );

  it('migrates once, however many processes open the same database at once', async () => {
    const shared = await createTestDatabase();
    try {
      const stores = await Promise.all([1, 2, 3].map(() => openRecordStore({ databaseUrl: shared.url })));
      const sql = await openPostgres(shared.url);
      const rows = await sql.query<{ version: number }>('SELECT version FROM council_conform_migrations');
      expect(rows.map((row) => Number(row.version))).toEqual(MIGRATIONS.map((m) => m.version));
      await sql.close();
      await Promise.all(stores.map((store) => store.close()));
    } finally {
      await shared.drop();
    }
  });
});

describe('bad configuration', () => {
  it('names what is wrong with DATABASE_URL and never shows its password', async () => {
    await expect(openRecordStore({ databaseUrl: 'mysql://u:secret@localhost/db' })).rejects.toThrow(
      /must start with postgres:\/\//,
    );
    const refused = openRecordStore({ databaseUrl: 'postgres://u:hunter2@127.0.0.1:1/db' });
    await expect(refused).rejects.toBeInstanceOf(StorageConnectionError);
    await expect(refused).rejects.toThrow(
      /cannot connect to PostgreSQL at postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/db/,
    );
    await expect(refused).rejects.not.toThrow(/hunter2/);
  });
});

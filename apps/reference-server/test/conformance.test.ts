import { listSpecIds } from '@council-conform/specs';
import { openRecordStore, type RecordStore } from '@council-conform/storage';
import { createTestDatabase, postgresForTests, type TestDatabase } from '@council-conform/storage/testing';
import { BUDGET } from '@council-conform/test-budgets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningReferenceServer } from '../src/server.ts';
import { badMustChecks, runAgainstReference, startTestServer } from './support.ts';

// With CI=true a missing PostgreSQL fails the run instead of skipping.
const postgres = await postgresForTests('PostgreSQL conformance runs');

/**
 * The whole suite, every spec, in sandbox mode: the reference server must pass every `must` check, the
 * easy-exit round trip into a second, empty reference server included. Once on embedded PGlite, once on a
 * PostgreSQL server: storage must not change a verdict.
 */
function conformanceOn(name: string, openStores: () => Promise<[RecordStore, RecordStore]>, skip = false) {
  describe.skipIf(skip)(
    `every reference spec passes every must check on ${name}`,
    { timeout: BUDGET.realRun },
    () => {
      let stores: RecordStore[] = [];
      let server: RunningReferenceServer;
      let roundTrip: RunningReferenceServer;
      beforeAll(async () => {
        stores = await openStores();
        server = await startTestServer(stores[0] as RecordStore);
        roundTrip = await startTestServer(stores[1] as RecordStore, { CONFORM_SEED: 'none' });
      }, BUDGET.database);
      afterAll(async () => {
        await server?.close();
        await roundTrip?.close();
        for (const store of stores) await store.close();
      });

      for (const specId of listSpecIds()) {
        it(specId, async () => {
          const report = await runAgainstReference(specId, server, roundTrip);
          expect(badMustChecks(report)).toEqual([]);
          expect(report.checks.find((c) => c.id === 'easy-exit-round-trip')?.status).toBe('pass');
          expect(report.clauses.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual([]);
        });
      }
    },
  );
}

conformanceOn('embedded PGlite', async () => [await openRecordStore(), await openRecordStore()]);

const databases: TestDatabase[] = [];
conformanceOn(
  'a PostgreSQL server',
  async () => {
    databases.push(await createTestDatabase(), await createTestDatabase());
    return [
      await openRecordStore({ databaseUrl: databases[0]?.url }),
      await openRecordStore({ databaseUrl: databases[1]?.url }),
    ];
  },
  !postgres.available,
);
afterAll(async () => {
  for (const database of databases) await database.drop();
});

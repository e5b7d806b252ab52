import { openRecordStore, type RecordStore } from '@council-conform/storage';
import { createTestDatabase, postgresForTests, type TestDatabase } from '@council-conform/storage/testing';
import { BUDGET } from '@council-conform/test-budgets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningReferenceServer } from '../src/server.ts';
import { startTestServer, tenantToken } from './support.ts';

// With CI=true a missing PostgreSQL fails the run instead of skipping.
const postgres = await postgresForTests('PostgreSQL tenant import tests');

const SPEC = 'housing-repairs';
type Tenant = 'A' | 'B';
type ImportResult = {
  dataset: string;
  accepted: number;
  rejected: number;
  errors: { line: number; detail: string }[];
};
type ListedRecord = Record<string, unknown> & { id: string };

/** The records of a list page, at least `count` of them. */
function listed(text: string, count: number): ListedRecord[] {
  const { items } = JSON.parse(text) as { items: ListedRecord[] };
  expect(items.length).toBeGreaterThanOrEqual(count);
  return items;
}

/**
 * Tenant B's attempts on tenant A's records through `POST /imports`, over real HTTP with both tenants'
 * credentials: a public record (stored once, for everyone) must come through byte for byte, a personal one
 * must stay A's alone, and neither may see the other's import jobs. Once on PGlite, once on PostgreSQL.
 */
function tenantImportsOn(name: string, openStore: () => Promise<RecordStore>, skip = false) {
  describe.skipIf(skip)(`imports across tenants on ${name}`, { timeout: BUDGET.realRun }, () => {
    let store: RecordStore;
    let server: RunningReferenceServer;
    const tokens = new Map<Tenant, string>();
    const base = () => `${server.url}/${SPEC}`;

    async function token(tenant: Tenant): Promise<string> {
      const known = tokens.get(tenant);
      if (known) return known;
      const issued = await tenantToken(base(), tenant);
      tokens.set(tenant, issued);
      return issued;
    }

    async function get(path: string, tenant?: Tenant): Promise<{ status: number; text: string }> {
      const headers: Record<string, string> = tenant
        ? { authorization: `Bearer ${await token(tenant)}` }
        : {};
      const answer = await fetch(`${base()}${path}`, { headers });
      return { status: answer.status, text: await answer.text() };
    }

    async function importAs(tenant: Tenant, dataset: string, records: unknown[]) {
      const answer = await fetch(`${base()}/imports`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await token(tenant)}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          files: [{ dataset, format: 'ndjson', content: records.map((r) => JSON.stringify(r)).join('\n') }],
        }),
      });
      expect(answer.status).toBe(202);
      return (await answer.json()) as { id: string; results: ImportResult[] };
    }

    beforeAll(async () => {
      store = await openStore();
      server = await startTestServer(store);
    }, BUDGET.database);
    afterAll(async () => {
      await server?.close();
      await store?.close();
    });

    it("refuses B's lines naming A's public records and leaves them byte for byte, while B's own go in", async () => {
      const [first, second] = listed((await get('/properties?limit=2')).text, 2) as [
        ListedRecord,
        ListedRecord,
      ];
      const before = await get(`/properties/${first.id}`);
      expect(before.status).toBe(200);
      const own = { ...second, id: '99023001', estate_name: 'Camden Estate' };

      const job = await importAs('B', 'properties', [{ ...first, estate_name: 'Taken Over Estate' }, own]);

      const [result] = job.results as [ImportResult];
      expect(result).toMatchObject({ dataset: 'properties', accepted: 1, rejected: 1 });
      expect(result.errors).toEqual([
        { line: 1, detail: expect.stringMatching(/record 00023001 belongs to another tenant/) },
      ]);
      expect(await get(`/properties/${first.id}`)).toEqual(before);
      expect(JSON.parse((await get(`/properties/${own.id}`)).text)).toEqual(own);

      // B's new record is now B's: B may update it, and A's import may not take it over either.
      const updated = { ...own, estate_name: 'Camden Estate (renamed)' };
      expect((await importAs('B', 'properties', [updated])).results[0]).toMatchObject({ accepted: 1 });
      const takeover = await importAs('A', 'properties', [{ ...own, estate_name: 'Hackney again' }]);
      expect(takeover.results[0]).toMatchObject({ accepted: 0, rejected: 1 });
      expect(JSON.parse((await get(`/properties/${own.id}`)).text)).toEqual(updated);
      // A still updates its own published records.
      const renamed = { ...first, estate_name: 'Albion Estate (renamed)' };
      expect((await importAs('A', 'properties', [renamed])).results[0]).toMatchObject({ accepted: 1 });
      expect(JSON.parse((await get(`/properties/${first.id}`)).text)).toEqual(renamed);
    });

    it("files B's line naming A's personal record under B's own key, leaving A's untouched", async () => {
      const [tenancy] = listed((await get('/tenancies?limit=1', 'A')).text, 1) as [ListedRecord];
      const before = await get(`/tenancies/${tenancy.id}`, 'A');
      expect((await get(`/tenancies/${tenancy.id}`, 'B')).status).toBe(404);

      const job = await importAs('B', 'tenancies', [{ ...tenancy, start_date: '2001-01-01' }]);

      expect(job.results[0]).toMatchObject({ accepted: 1, rejected: 0 });
      expect(await get(`/tenancies/${tenancy.id}`, 'A')).toEqual(before);
      expect(JSON.parse((await get(`/tenancies/${tenancy.id}`, 'B')).text)).toMatchObject({
        start_date: '2001-01-01',
      });
    });

    it("never shows one tenant's import job to the other", async () => {
      const [property] = listed((await get('/properties?limit=1')).text, 1);
      const job = await importAs('A', 'properties', [property]);
      const own = await get(`/imports/${job.id}`, 'A');
      expect(own.status).toBe(200);
      expect(JSON.parse(own.text)).toMatchObject({ id: job.id, status: 'complete' });
      const stranger = await get(`/imports/${job.id}`, 'B');
      expect(stranger.status).toBe(404);
      expect(stranger.text).not.toContain(JSON.stringify(job.results));
      expect((await get(`/imports/${job.id}`)).status).toBe(401);
    });
  });
}

tenantImportsOn('embedded PGlite', () => openRecordStore());

let database: TestDatabase | undefined;
tenantImportsOn(
  'a PostgreSQL server',
  async () => {
    database = await createTestDatabase();
    return openRecordStore({ databaseUrl: database.url });
  },
  !postgres.available,
);
afterAll(async () => {
  await database?.drop();
});

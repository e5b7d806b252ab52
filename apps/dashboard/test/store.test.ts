import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SignedReport, verifySignedReport } from '@council-conform/certificates';
import type { RunReport } from '@council-conform/runner';
import { openPglite, openPostgres, type SqlClient } from '@council-conform/storage';
import { createTestDatabase, postgresForTests, type TestDatabase } from '@council-conform/storage/testing';
import { BUDGET } from '@council-conform/test-budgets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productIdOf, reportIdOf, supplierIdOf } from '../src/ids.ts';
import {
  CLAUSE_MET,
  createResultsStore,
  type IngestInput,
  type LeagueRow,
  openResultsStore,
  type ResultsStore,
  ResultsStoreError,
  SORT_KEYS,
  type SortKey,
} from '../src/store.ts';
import {
  asProduct,
  certify,
  type Keys,
  makeKeys,
  ranAt,
  runAgainstMock,
  selfAssess,
  withFailedCheck,
  withoutAttestation,
} from './support.ts';

// With CI=true a missing PostgreSQL fails the run instead of skipping.
const postgres = await postgresForTests('PostgreSQL store tests');

const DAY = 24 * 60 * 60 * 1000;
const keys: Keys = makeKeys();

/** What the server hands the store: a report verified against a trust list. */
function verified(signed: SignedReport): IngestInput {
  const result = verifySignedReport(JSON.parse(JSON.stringify(signed)), {
    trustedKeys: [
      { publicKeyPem: keys.certifier.publicKeyPem, role: 'certifier', name: 'assurer' },
      { publicKeyPem: keys.supplier.publicKeyPem, role: 'supplier', name: 'Gamma Ltd' },
    ],
  });
  if (!result.ok) throw new Error(`test report does not verify: ${result.message}`);
  return {
    signedReport: result.signedReport,
    // Indented, as `conform sign` writes it: the store must keep these exact bytes.
    text: JSON.stringify(signed, null, 2),
    status: result.status,
    validSignatures: result.validSignatures,
    receivedAt: new Date(),
  };
}

const clausesMetOf = (input: IngestInput) =>
  input.signedReport.report.clauses.filter((clause) => CLAUSE_MET.has(clause.status)).length;

let run: RunReport;
let alpha: IngestInput;
let beta: IngestInput;
let gamma: IngestInput;
let delta: IngestInput;
let racing: IngestInput;
let atomic: IngestInput;

beforeAll(async () => {
  run = await runAgainstMock();
  expect(run.level).toBe('gold');
  alpha = verified(
    certify(ranAt(asProduct(run, 'Alpha Civic Ltd', 'Alpha Reports'), '2026-01-04T10:00:00Z'), keys),
  );
  beta = verified(
    certify(ranAt(withoutAttestation(run), '2026-01-03T10:00:00Z'), keys, {
      supplier: 'Beta Systems',
      product: 'Beta Street',
    }),
  );
  gamma = verified(
    selfAssess(ranAt(asProduct(run, 'Gamma Ltd', 'Gamma Streets'), '2026-01-02T10:00:00Z'), keys.supplier),
  );
  // Expires in a day, so a clock two days on sees it expired while the others still stand.
  delta = verified(
    certify(
      ranAt(
        withFailedCheck(asProduct(run, 'Delta & Co', 'Delta Desk'), 'description-discoverable'),
        '2026-01-01T10:00:00Z',
      ),
      keys,
      { expiresInDays: 1 },
    ),
  );
  racing = verified(certify(asProduct(run, 'Racing Ltd', 'Twice At Once'), keys));
  atomic = verified(certify(asProduct(run, 'Atomic Ltd', 'Half Stored'), keys));
  expect([alpha, beta, gamma, delta].map((r) => [r.signedReport.certificate.level, r.status])).toEqual([
    ['gold', 'certified'],
    ['silver', 'certified'],
    ['gold', 'self-assessed'],
    // A failing run proves no level: the certifier's key on it certifies nothing.
    ['none', 'self-assessed'],
  ]);
}, BUDGET.realRun);

const names = (rows: readonly LeagueRow[]) => rows.map((row) => row.productName);

/** Where a row sits under each sort key, as the reader of that column expects it. */
const SORT_VALUE: Record<SortKey, (row: LeagueRow) => number | string> = {
  rank: (row) => row.position,
  product: (row) => row.productName.toLowerCase(),
  supplier: (row) => row.supplierName.toLowerCase(),
  system: (row) => row.systemType,
  level: (row) => ['none', 'bronze', 'silver', 'gold'].indexOf(row.level),
  clauses: (row) => row.clausesMet,
  status: (row) => (row.expired ? 2 : row.status === 'certified' ? 0 : 1),
  run: (row) => row.runFinishedAt,
};

/** A SQL client whose check-result inserts fail while `failing.on` is set: a disk filling mid-ingest. */
function failingChecks(inner: SqlClient, failing: { on: boolean }): SqlClient {
  return {
    query: <Row>(text: string, params?: readonly unknown[]) =>
      failing.on && /INSERT INTO dashboard_check_results/.test(text)
        ? Promise.reject(new Error('disk full while writing check results'))
        : inner.query<Row>(text, params),
    transaction: (work) => inner.transaction((tx) => work(failingChecks(tx, failing))),
    close: () => inner.close(),
  };
}

/** One behaviour, two databases: what the league table shows must not depend on where it is stored. */
function storeContract(name: string, openSql: () => Promise<SqlClient>, kind: 'pglite' | 'postgresql') {
  describe(name, () => {
    let store: ResultsStore;
    beforeAll(async () => {
      store = await createResultsStore(await openSql(), kind);
    });
    afterAll(async () => {
      await store?.close();
    });

    it('stores a verified report whole: product, supplier, clauses, checks, signatures and the exact text', async () => {
      const stored = await store.ingest(alpha);
      const { certificate } = alpha.signedReport;
      expect(stored).toEqual({
        id: reportIdOf(alpha.signedReport),
        created: true,
        productId: productIdOf(certificate.supplier, certificate.product, certificate.profile),
        supplierId: supplierIdOf(certificate.supplier),
        regressions: [],
        held: null,
      });
      expect(await store.signedReportText(stored.id)).toBe(alpha.text);
      const detail = await store.report(stored.id);
      expect(detail?.summary).toMatchObject({
        productId: stored.productId,
        profile: 'street-reports',
        specVersion: certificate.specVersion,
        level: 'gold',
        status: 'certified',
        clausesMet: clausesMetOf(alpha),
        issuedAt: certificate.issuedAt,
        expiresAt: certificate.expiresAt,
        runFinishedAt: '2026-01-04T10:00:00.000Z',
      });
      expect(detail?.clauses.map((c) => c.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
      expect(detail?.clauses.find((c) => c.clause === 'inclusion')).toMatchObject({
        assessment: 'attested',
        status: 'attested',
        attestedStatement: expect.stringMatching(/./),
      });
      expect(detail?.checks.map((c) => c.checkId)).toEqual(run.checks.map((c) => c.id));
      expect(detail?.signatures).toEqual([
        expect.objectContaining({ keyId: keys.certifier.keyId, role: 'certifier', signerName: 'assurer' }),
      ]);
      for (const input of [beta, gamma, delta]) expect((await store.ingest(input)).created).toBe(true);
      const failed = (await store.report(reportIdOf(delta.signedReport)))?.checks.find(
        (c) => c.checkId === 'description-discoverable',
      );
      expect(failed).toMatchObject({
        status: 'fail',
        violations: [{ kind: 'description missing', count: 2 }],
      });
    });

    it('stores the same signed report once, however it is indented, keeping the first upload’s bytes', async () => {
      const again = await store.ingest({ ...alpha, text: JSON.stringify(alpha.signedReport) });
      expect(again).toMatchObject({ id: reportIdOf(alpha.signedReport), created: false });
      expect(await store.signedReportText(again.id)).toBe(alpha.text);
      expect((await store.product(again.productId))?.reports).toHaveLength(1);
    });

    it('ranks by level, then clauses passed, certified before self-assessed, expired certificates last', async () => {
      const today = await store.leagueTable({ now: new Date() });
      expect(names(today)).toEqual(['Alpha Reports', 'Gamma Streets', 'Beta Street', 'Delta Desk']);
      // Equal level and clauses share a position.
      expect(today.map((row) => row.position)).toEqual([1, 1, 3, 4]);
      expect(today.map((row) => row.clausesMet)).toEqual([alpha, gamma, beta, delta].map(clausesMetOf));
      expect(today.every((row) => !row.expired)).toBe(true);
      // The clock two days on: Delta's one-day certificate has lapsed.
      const later = await store.leagueTable({ now: new Date(Date.now() + 2 * DAY) });
      expect(later.at(-1)).toMatchObject({ productName: 'Delta Desk', expired: true, position: 4 });
    });

    it('filters by system type, supplier, level and certificate status', async () => {
      const now = new Date();
      const later = new Date(Date.now() + 2 * DAY);
      expect(names(await store.leagueTable({ now, systemType: 'street-reports' }))).toHaveLength(4);
      expect(await store.leagueTable({ now, systemType: 'waste-collections' })).toEqual([]);
      expect(names(await store.leagueTable({ now, supplierId: supplierIdOf('Beta Systems') }))).toEqual([
        'Beta Street',
      ]);
      expect(names(await store.leagueTable({ now, level: 'gold' }))).toEqual([
        'Alpha Reports',
        'Gamma Streets',
      ]);
      expect(names(await store.leagueTable({ now, level: 'bronze' }))).toEqual([]);
      expect(names(await store.leagueTable({ now, status: 'certified' }))).toEqual([
        'Alpha Reports',
        'Beta Street',
      ]);
      expect(names(await store.leagueTable({ now, status: 'self-assessed' }))).toEqual([
        'Gamma Streets',
        'Delta Desk',
      ]);
      expect(names(await store.leagueTable({ now: later, status: 'expired' }))).toEqual(['Delta Desk']);
      expect(names(await store.leagueTable({ now: later, status: 'certified' }))).toEqual([
        'Alpha Reports',
        'Beta Street',
      ]);
      // A filtered table keeps each product's position among all of them.
      expect((await store.leagueTable({ now, level: 'silver' }))[0]?.position).toBe(3);
    });

    it('sorts by every column both ways, ties broken by rank', async () => {
      const now = new Date();
      for (const sort of SORT_KEYS)
        for (const order of ['asc', 'desc'] as const) {
          const rows = await store.leagueTable({ now, sort, order });
          const values = rows.map(SORT_VALUE[sort]);
          const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
          expect(values, `${sort} ${order}`).toEqual(order === 'asc' ? sorted : sorted.reverse());
        }
      expect(names(await store.leagueTable({ now, sort: 'product', order: 'asc' }))).toEqual([
        'Alpha Reports',
        'Beta Street',
        'Delta Desk',
        'Gamma Streets',
      ]);
      expect(names(await store.leagueTable({ now, sort: 'run', order: 'asc' }))).toEqual([
        'Delta Desk',
        'Gamma Streets',
        'Beta Street',
        'Alpha Reports',
      ]);
      // Same level: the tie keeps the ranking's order (certified first).
      expect(names(await store.leagueTable({ now, sort: 'level', order: 'asc' }))).toEqual([
        'Delta Desk',
        'Beta Street',
        'Alpha Reports',
        'Gamma Streets',
      ]);
    });

    it('refuses a sort that is not on its list before any SQL runs', async () => {
      const hostile = 'level; DROP TABLE dashboard_reports; --' as SortKey;
      await expect(store.leagueTable({ now: new Date(), sort: hostile })).rejects.toThrow(RangeError);
      await expect(
        store.leagueTable({
          now: new Date(),
          sort: 'level',
          order: 'desc; DELETE FROM dashboard_reports' as 'desc',
        }),
      ).rejects.toThrow(RangeError);
      expect(await store.leagueTable({ now: new Date() })).toHaveLength(4);
    });

    it('gives a product its supplier and run history, newest run first', async () => {
      const { certificate } = alpha.signedReport;
      const productId = productIdOf(certificate.supplier, certificate.product, certificate.profile);
      const newer = verified(
        certify(ranAt(asProduct(run, 'Alpha Civic Ltd', 'Alpha Reports'), '2026-02-01T10:00:00Z'), keys),
      );
      await store.ingest(newer);
      const product = await store.product(productId);
      expect(product).toMatchObject({
        name: 'Alpha Reports',
        systemType: 'street-reports',
        supplierName: 'Alpha Civic Ltd',
        supplierId: supplierIdOf('Alpha Civic Ltd'),
      });
      expect(product?.reports.map((r) => r.runFinishedAt)).toEqual([
        '2026-02-01T10:00:00.000Z',
        '2026-01-04T10:00:00.000Z',
      ]);
      // The league table lists a product by its latest run.
      const [first] = await store.leagueTable({ now: new Date() });
      expect(first).toMatchObject({ productId, reportId: reportIdOf(newer.signedReport) });
      expect(await store.leagueTable({ now: new Date() })).toHaveLength(4);
      expect(await store.product('no-such-product')).toBeUndefined();
      expect(await store.supplier(supplierIdOf('Delta & Co'))).toEqual({
        id: supplierIdOf('Delta & Co'),
        name: 'Delta & Co',
      });
      expect(await store.systemTypes()).toEqual(['street-reports']);
      expect(await store.latestSpecVersion('street-reports')).toBe(certificate.specVersion);
      const standings = await store.clauseStandings('open-api', new Date());
      expect(standings.map((s) => [s.productName, s.status])).toEqual([
        ['Alpha Reports', 'pass'],
        ['Beta Street', 'pass'],
        ['Delta Desk', 'fail'],
        ['Gamma Streets', 'pass'],
      ]);
    });

    it('registers a key once and keeps the first registration', async () => {
      const first = await store.registerKey({
        keyId: keys.supplier.keyId,
        publicKeyPem: keys.supplier.publicKeyPem,
        role: 'supplier',
        owner: 'Gamma Ltd',
        registeredAt: new Date('2026-01-01T00:00:00Z'),
      });
      expect(first).toMatchObject({ created: true, key: { owner: 'Gamma Ltd', role: 'supplier' } });
      const second = await store.registerKey({
        keyId: keys.supplier.keyId,
        publicKeyPem: keys.supplier.publicKeyPem,
        role: 'supplier',
        owner: 'Someone Else Ltd',
        registeredAt: new Date(),
      });
      expect(second).toMatchObject({
        created: false,
        key: { owner: 'Gamma Ltd', registeredAt: '2026-01-01T00:00:00.000Z' },
      });
      await store.registerKey({
        keyId: keys.certifier.keyId,
        publicKeyPem: keys.certifier.publicKeyPem,
        role: 'certifier',
        owner: 'assurer',
        registeredAt: new Date(),
      });
      expect((await store.keys('supplier')).map((k) => k.keyId)).toEqual([keys.supplier.keyId]);
      expect((await store.keys()).map((k) => k.keyId).sort()).toEqual(
        [keys.certifier.keyId, keys.supplier.keyId].sort(),
      );
      // A signature's key is looked up for its PEM, so a page can print what to verify with.
      const detail = await store.report(reportIdOf(alpha.signedReport));
      expect(detail?.signatures[0]?.publicKeyPem).toBe(keys.certifier.publicKeyPem);
    });

    it('opens a dispute on a failed check and decides it once, keeping the decision on record', async () => {
      const reportId = reportIdOf(delta.signedReport);
      const opened = await store.openDispute({
        reportId,
        checkId: 'description-discoverable',
        reason: 'The description moved to /v2/openapi.json, linked from the root',
        openedAt: new Date('2026-01-05T09:00:00Z'),
      });
      expect(opened).toMatchObject({
        reportId,
        productId: productIdOf('Delta & Co', 'Delta Desk', 'street-reports'),
        checkTitle: expect.stringMatching(/./),
        checkStatus: 'fail',
        state: 'open',
        decidedAt: null,
        waiverExpiresAt: null,
      });
      const decided = await store.decideDispute({
        id: opened.id,
        accept: true,
        reason: 'Moved with notice; the link relation is standard',
        waiverExpiresAt: new Date('2026-06-30T00:00:00Z'),
        decidedAt: new Date('2026-01-06T09:00:00Z'),
      });
      expect(decided).toMatchObject({
        state: 'accepted',
        decisionReason: 'Moved with notice; the link relation is standard',
        decidedAt: '2026-01-06T09:00:00.000Z',
        waiverExpiresAt: '2026-06-30T00:00:00.000Z',
      });
      await expect(
        store.decideDispute({
          id: opened.id,
          accept: false,
          reason: 'changed my mind',
          waiverExpiresAt: null,
          decidedAt: new Date(),
        }),
      ).rejects.toMatchObject({ code: 'DISPUTE_DECIDED' });
      expect(await store.dispute(opened.id)).toEqual(decided);
      expect(await store.disputesForProduct(opened.productId)).toEqual([decided]);

      const refusals = [
        [{ reportId: '0'.repeat(64), checkId: 'description-discoverable' }, 'REPORT_NOT_FOUND'],
        [{ reportId, checkId: 'no-such-check' }, 'CHECK_NOT_FOUND'],
        // Nothing to dispute in a check that passed.
        [
          {
            reportId,
            checkId: run.checks.find((c) => c.status === 'pass' && c.id !== 'description-discoverable')
              ?.id as string,
          },
          'CHECK_NOT_DISPUTABLE',
        ],
      ] as const;
      for (const [target, code] of refusals) {
        const attempt = store.openDispute({ ...target, reason: 'because', openedAt: new Date() });
        await expect(attempt).rejects.toBeInstanceOf(ResultsStoreError);
        await expect(attempt).rejects.toMatchObject({ code });
      }
      await expect(
        store.decideDispute({
          id: 'no-such-dispute',
          accept: false,
          reason: 'x',
          waiverExpiresAt: null,
          decidedAt: new Date(),
        }),
      ).rejects.toMatchObject({ code: 'DISPUTE_NOT_FOUND' });
    });

    it('stores one report sent twice at the same moment exactly once', async () => {
      const results = await Promise.all([store.ingest(racing), store.ingest(racing)]);
      expect(results.map((r) => r.created).sort()).toEqual([false, true]);
      expect((await store.product(results[0].productId))?.reports).toHaveLength(1);
    });

    it('stores nothing of a report whose ingest fails half-way, and stores it whole when retried', async () => {
      const failing = { on: true };
      const sql = await openSql();
      const broken = await createResultsStore(failingChecks(sql, failing), kind);
      try {
        const id = reportIdOf(atomic.signedReport);
        await expect(broken.ingest(atomic)).rejects.toThrow(/disk full/);
        const count = async (table: string, where: string, value: string) =>
          Number(
            (
              await sql.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table} WHERE ${where} = $1`, [
                value,
              ])
            )[0]?.n,
          );
        expect(await count('dashboard_reports', 'id', id)).toBe(0);
        expect(await count('dashboard_report_signatures', 'report_id', id)).toBe(0);
        expect(await count('dashboard_clause_results', 'report_id', id)).toBe(0);
        expect(await count('dashboard_check_results', 'report_id', id)).toBe(0);
        expect(await count('dashboard_products', 'name', 'Half Stored')).toBe(0);
        expect(await count('dashboard_suppliers', 'name', 'Atomic Ltd')).toBe(0);
        expect(await broken.signedReportText(id)).toBeUndefined();

        failing.on = false;
        expect((await broken.ingest(atomic)).created).toBe(true);
        expect((await broken.report(id))?.checks).toHaveLength(run.checks.length);
      } finally {
        await broken.close();
      }
    });
  });
}

storeContract('embedded PGlite', () => openPglite(), 'pglite');

let database: TestDatabase | undefined;
describe.skipIf(!postgres.available)('PostgreSQL server', () => {
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });
  storeContract('PostgreSQL store', () => openPostgres((database as TestDatabase).url), 'postgresql');
});

describe('openResultsStore', () => {
  it('keeps what it stored in CONFORM_DASHBOARD_DATA_DIR across a restart, migrating once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'conform-dashboard-store-'));
    try {
      const first = await openResultsStore({ dataDir: dir });
      expect(first.kind).toBe('pglite');
      await first.ingest(alpha);
      await first.close();
      const second = await openResultsStore({ dataDir: dir });
      expect(await second.signedReportText(reportIdOf(alpha.signedReport))).toBe(alpha.text);
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('names the database it cannot reach and never shows its password', async () => {
    const refused = openResultsStore({ databaseUrl: 'postgres://u:hunter2@127.0.0.1:1/db' });
    await expect(refused).rejects.toThrow(
      /cannot connect to PostgreSQL at postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/db/,
    );
    await expect(refused).rejects.not.toThrow(/hunter2/);
  });
});

import type { Server } from 'node:http';
import type { RunReport } from '@council-conform/runner';
import { BUDGET } from '@council-conform/test-budgets';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openResultsStore, type ResultsStore } from '../src/store.ts';
import {
  asProduct,
  bearer,
  CERTIFIER_TOKEN,
  certify,
  type Keys,
  makeKeys,
  ranAt,
  runAgainstMock,
  selfAssess,
  testDashboard,
  withFailedCheck,
} from './support.ts';

const keys: Keys = makeKeys();
let run: RunReport;
let store: ResultsStore;
let http: Server;

beforeAll(async () => {
  run = await runAgainstMock();
  expect(run.level).toBe('gold');
  store = await openResultsStore();
  ({ http } = await testDashboard(store, keys));
  const registered = await request(http)
    .post('/api/suppliers/keys')
    .set('authorization', bearer(CERTIFIER_TOKEN))
    .send({ publicKeyPem: keys.supplier.publicKeyPem, supplier: 'Selfie Ltd' });
  expect(registered.status, registered.text).toBe(201);
}, BUDGET.realRun);
afterAll(async () => {
  await store?.close();
});

const publish = async (signed: object) => {
  const answer = await request(http)
    .post('/api/reports')
    .set('content-type', 'application/json')
    .set('authorization', bearer(CERTIFIER_TOKEN))
    .send(JSON.stringify(signed));
  expect([200, 201], answer.text).toContain(answer.status);
  return answer.body as {
    id: string;
    created: boolean;
    regressions: { kind: string; detail: string; previousReportId: string; checks: string[] }[];
    links: { run: string; product: string };
  };
};

const FAILING = 'description-discoverable';

describe('regressions found at ingest', { timeout: BUDGET.realRun }, () => {
  it('marks a level drop, then a certified product failing a must check in two runs in a row', async () => {
    const product = (report: RunReport) => asProduct(report, 'Monitored Ltd', 'Nightly Streets');
    const first = await publish(certify(ranAt(product(run), '2026-03-01T02:00:00Z'), keys));
    expect(first.regressions).toEqual([]);

    const failing = withFailedCheck(product(run), FAILING);
    expect(failing.level).not.toBe('gold');
    const second = await publish(certify(ranAt(failing, '2026-03-02T02:00:00Z'), keys));
    expect(second.regressions).toEqual([
      {
        kind: 'level-dropped',
        detail: `the level fell from gold to ${failing.level === 'none' ? 'no level' : failing.level}`,
        previousReportId: first.id,
        checks: [],
      },
    ]);
    expect(second.links.run).toBe(`${second.links.product}?report=${second.id}`);

    const third = await publish(certify(ranAt(failing, '2026-03-03T02:00:00Z'), keys));
    expect(third.regressions).toEqual([
      {
        kind: 'must-failed-twice',
        detail: `a certified product failed must checks in two runs in a row: ${FAILING} (${FAILING} in both)`,
        previousReportId: second.id,
        checks: [FAILING],
      },
    ]);
    // Published again (a worker retrying after a crash): stored once, the same regressions answered.
    const again = await publish(certify(ranAt(failing, '2026-03-03T02:00:00Z'), keys));
    expect(again.id).not.toBe(third.id);
    const replay = await request(http)
      .post('/api/reports')
      .set('content-type', 'application/json')
      .set('authorization', bearer(CERTIFIER_TOKEN))
      .send(await store.signedReportText(third.id));
    expect(replay.status).toBe(200);
    expect(replay.body.regressions).toEqual(third.regressions);

    // A late upload of an older, better run is compared with its own predecessor, not with the newest.
    const late = await publish(certify(ranAt(product(run), '2026-02-28T02:00:00Z'), keys));
    expect(late.regressions).toEqual([]);

    const listed = (await store.leagueTable({ now: new Date('2026-03-04T00:00:00Z') })).find(
      (r) => r.productName === 'Nightly Streets',
    );
    expect(listed?.regressed).toBe(true);

    const page = await request(http).get(second.links.product);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Regression');
    expect(page.text).toContain('This run is worse than the one before it.');
    expect(page.text).toContain(`?report=${again.id}`);
    const table = await request(http).get('/');
    const nightly = table.text.slice(table.text.indexOf('Nightly Streets'));
    expect(nightly.slice(0, nightly.indexOf('</tr>'))).toMatch(/Regressed\s*<\/strong>/);
    expect(table.text).toContain(`?report=${again.id}`);
  });

  it('recovers: a run back at its level, with no failing must check, is not marked', async () => {
    const product = (report: RunReport) => asProduct(report, 'Recovering Ltd', 'Back On Track');
    await publish(certify(ranAt(withFailedCheck(product(run), FAILING), '2026-04-01T02:00:00Z'), keys));
    const back = await publish(certify(ranAt(product(run), '2026-04-02T02:00:00Z'), keys));
    expect(back.regressions).toEqual([]);
    const listed = (await store.leagueTable({ now: new Date('2026-04-03T00:00:00Z') })).find(
      (r) => r.productName === 'Back On Track',
    );
    expect(listed?.regressed).toBe(false);
  });

  it('does not call a self-assessed product failing twice a certified regression, but still marks its level drop', async () => {
    const product = (report: RunReport) => asProduct(report, 'Selfie Ltd', 'Own Word');
    await publish(selfAssess(ranAt(product(run), '2026-05-01T02:00:00Z'), keys.supplier));
    const failing = withFailedCheck(product(run), FAILING);
    const dropped = await publish(selfAssess(ranAt(failing, '2026-05-02T02:00:00Z'), keys.supplier));
    expect(dropped.regressions.map((r) => r.kind)).toEqual(['level-dropped']);
    const twice = await publish(selfAssess(ranAt(failing, '2026-05-03T02:00:00Z'), keys.supplier));
    expect(twice.regressions).toEqual([]);
  });
});

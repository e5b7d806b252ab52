import type { Server } from 'node:http';
import type { SignedReport } from '@council-conform/certificates';
import type { Exchange, RunReport } from '@council-conform/runner';
import { BUDGET } from '@council-conform/test-budgets';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productIdOf } from '../src/ids.ts';
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
  SPEC,
  selfAssess,
  supplierToken,
  testDashboard,
  withFailedCheck,
} from './support.ts';

const DAY = 24 * 60 * 60 * 1000;
const SUPPLIER = 'Stats Civic Ltd';
const PRODUCT = 'Stats Street';
const productId = productIdOf(SUPPLIER, PRODUCT, SPEC);
const SELF_ASSESSED_SUPPLIER = 'Own Figures Ltd';
const SELF_ASSESSED_PRODUCT = 'Own Street';
/** The dashboard's clock: fixed, so that the windows hold exactly the runs placed in them. */
const clock = Date.now();
const daysAgo = (days: number) => new Date(clock - days * DAY).toISOString();

const keys: Keys = makeKeys();
let store: ResultsStore;
let http: Server;
let run: RunReport;
let failedCheck: string;
const RERUN = 'conform run --spec street-reports --target https://api.example --only CHECK';

let sequence = 0;
/** A recorded exchange as the runner writes one: a response with its status, or an error with none. */
function exchange(
  outcome: number | 'TIMEOUT' | 'NETWORK' | 'BUDGET_EXHAUSTED' | 'observation',
  durationMs: number,
) {
  sequence += 1;
  const base = {
    id: `x${sequence}`,
    startedAt: new Date(clock).toISOString(),
    durationMs,
    request: { method: 'GET', url: 'https://api.example/reports', headers: {} },
  };
  if (typeof outcome === 'number')
    return { ...base, response: { status: outcome, headers: {}, bytes: 2, bodyPreview: '[]' } };
  if (outcome === 'observation') return { ...base, observation: 'the export finished' };
  return { ...base, error: { code: outcome, message: `${outcome} from the test` } };
}

/**
 * By hand. Last 30 days: the run of 5 days ago alone: 5 counted (200, 200, 404 answered; a 503; a timeout),
 * latencies 10, 20, 30, 40 → availability 3/5 = 60%, error rate 40%, median (nearest rank 2 of 4) 20 ms,
 * p95 (rank 4 of 4) 40 ms. Last 90 days adds the run of 40 days ago: 4 counted (200, 200 answered, a 500, a
 * network failure), latencies 50, 60, 70 → 9 counted, 5 answered: 55.56%, error rate 44.44%, latencies
 * 10…70: median (rank 4 of 7) 40 ms, p95 (rank 7 of 7) 70 ms. The run of 100 days ago is in neither.
 */
const EXCHANGES = {
  recent: [
    exchange(200, 10),
    exchange(200, 20),
    exchange(503, 30),
    exchange('TIMEOUT', 5000),
    exchange('observation', 0),
    exchange('BUDGET_EXHAUSTED', 0),
    exchange(404, 40),
  ],
  older: [exchange(200, 50), exchange(200, 60), exchange(500, 70), exchange('NETWORK', 1)],
  oldest: [exchange(200, 1000)],
};

const DATA_QUALITY = {
  datasets: [
    {
      dataset: 'street-reports',
      title: 'Street reports',
      recordsRead: 200,
      identifiers: [{ kind: 'usrn', field: 'usrn', present: 150, valid: 120 }],
      dates: { values: 400, parsed: 398 },
      filled: { values: 2000, filled: 1900 },
    },
  ],
};

/** The report as one from before `dataQuality` (which runs record since issue 22). */
function withoutDataQuality(report: RunReport): RunReport {
  const { dataQuality: _older, ...rest } = report as RunReport & { dataQuality?: unknown };
  return rest;
}

/** The exchanges as the report's own, at its target (only requests to the target's origin are counted). */
function withExchanges(report: RunReport, exchanges: readonly unknown[]): RunReport {
  return {
    ...report,
    target: { ...report.target, url: 'https://api.example' },
    exchanges: exchanges as Exchange[],
  };
}

const get = (path: string) => request(http).get(path);
const decode = (html: string) =>
  html
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');

beforeAll(async () => {
  run = asProduct(await runAgainstMock(), SUPPLIER, PRODUCT);
  store = await openResultsStore();
  ({ http } = await testDashboard(store, keys, {
    now: () => new Date(clock),
    suppliers: [SELF_ASSESSED_SUPPLIER],
  }));
  const publish = async (signed: SignedReport) => {
    const answer = await request(http)
      .post('/api/reports')
      .set('authorization', bearer(CERTIFIER_TOKEN))
      .send(signed);
    expect(answer.status, answer.text).toBe(201);
  };
  failedCheck =
    run.checks.find((c) => c.clause === 'open-api' && c.severity === 'must' && c.status === 'pass')?.id ?? '';
  const failing = withFailedCheck(run, failedCheck);
  const latest: RunReport = {
    ...failing,
    checks: failing.checks.map((c) =>
      c.id === failedCheck ? { ...c, rerunCommand: RERUN.replace('CHECK', failedCheck) } : c,
    ),
    ...({ dataQuality: DATA_QUALITY } as object),
  };
  await publish(certify(withExchanges(ranAt(run, daysAgo(100)), EXCHANGES.oldest), keys));
  // A report from before re-run commands: the same check failed, with no command recorded.
  await publish(
    certify(withExchanges(ranAt(withoutDataQuality(failing), daysAgo(40)), EXCHANGES.older), keys),
  );
  await publish(certify(withExchanges(ranAt(latest, daysAgo(5)), EXCHANGES.recent), keys));
  // A run its supplier signed alone, with its own exchanges: listed, but no evidence of the API's service.
  const ownToken = bearer(supplierToken(SELF_ASSESSED_SUPPLIER));
  const registered = await request(http)
    .post('/api/suppliers/keys')
    .set('authorization', ownToken)
    .send({ publicKeyPem: keys.supplier.publicKeyPem });
  expect(registered.status, registered.text).toBe(202);
  const approved = await request(http)
    .post('/api/keys/review')
    .set('authorization', bearer(CERTIFIER_TOKEN))
    .send({ keyId: keys.supplier.keyId, approve: true });
  expect(approved.status, approved.text).toBe(200);
  const own = await request(http)
    .post('/api/reports')
    .set('authorization', ownToken)
    .send(
      selfAssess(
        withExchanges(ranAt(asProduct(run, SELF_ASSESSED_SUPPLIER, SELF_ASSESSED_PRODUCT), daysAgo(3)), [
          exchange(200, 5),
        ]),
        keys.supplier,
      ),
    );
  expect(own.status, own.text).toBe(201);
}, BUDGET.realRun);

afterAll(async () => {
  await store?.close();
});

describe('the product page says why first', () => {
  it('opens with the level, what stops the next one, and each failing check with its re-run command', async () => {
    const page = await get(`/products/${productId}`);
    expect(page.status).toBe(200);
    const summary = page.text.slice(page.text.indexOf('id="summary"'), page.text.indexOf('app-certificate'));
    expect(summary).toContain('This run reached no level.');
    expect(summary).toMatch(/What stops the bronze level/);
    // The clause the failed check belongs to is named, with the check behind it.
    const blocker = /<li data-clause="open-api">[\s\S]*?<\/li>/.exec(summary)?.[0] ?? '';
    expect(blocker).toContain('failed: a must check failed');
    expect(blocker).toContain(failedCheck);
    const failing = /<div class="app-failing-check"[\s\S]*?<\/div>/.exec(summary)?.[0] ?? '';
    expect(failing).toContain(`data-check="${failedCheck}"`);
    expect(failing).toContain('no OpenAPI description at /openapi.json');
    expect(decode(failing)).toContain(`<code>${RERUN.replace('CHECK', failedCheck)}</code>`);
    expect(failing).toContain('stops the bronze level');
    // The summary comes before anything else the page says about the run.
    expect(page.text.indexOf('id="summary"')).toBeLessThan(page.text.indexOf('app-clause-matrix'));
  });

  it('keeps the evidence folded away in a details element that works without JavaScript', async () => {
    const page = await get(`/products/${productId}`);
    const details = /<details class="govuk-details app-evidence"[^>]*>/.exec(page.text)?.[0] ?? '';
    expect(details).not.toBe('');
    expect(details).not.toContain('open');
    const folded = page.text.slice(page.text.indexOf(details));
    expect(folded.indexOf('app-clause-matrix')).toBeGreaterThan(0);
    expect(folded).toContain(`id="check-${failedCheck}"`);
  });

  it('gives a report without re-run commands the bare command, and says what to add', async () => {
    const product = await store.product(productId);
    const older = await get(`/products/${productId}?report=${product?.reports[1]?.id}`);
    const failing = /<div class="app-failing-check"[\s\S]*?<\/div>/.exec(older.text)?.[0] ?? '';
    expect(failing).toContain(`<code>conform run --only ${failedCheck}</code>`);
    expect(failing).toContain('add your run’s target and options');
    // A run that passed every check says so, and lists none.
    const oldest = await get(`/products/${productId}?report=${product?.reports[2]?.id}`);
    expect(oldest.text).toMatch(/This run reached the (bronze|silver|gold) level\. No check failed\./);
    expect(oldest.text).not.toContain('app-failing-check');
  });
});

describe('the history chart', () => {
  it('has one point per run, oldest first, with its clauses passed and level, and a text alternative', async () => {
    const page = await get(`/products/${productId}`);
    const product = await store.product(productId);
    const runs = [...(product?.reports ?? [])].reverse();
    expect(runs).toHaveLength(3);
    const chart = /<svg[^>]*id="history-clauses-chart"[\s\S]*?<\/svg>/.exec(page.text)?.[0] ?? '';
    expect(chart).toMatch(/role="img"/);
    expect(chart).toMatch(/<title id="history-clauses-chart-title">Clauses passed in each run<\/title>/);
    expect(chart).toMatch(/<desc id="history-clauses-chart-desc">3 runs from/);
    const values = [...chart.matchAll(/data-value="(\d+)"/g)].map((m) => Number(m[1]));
    expect(values).toEqual(runs.map((r) => r.clausesMet));
    expect(values[2]).toBeLessThan(values[0] as number);
    const levels = /<svg[^>]*id="history-level-chart"[\s\S]*?<\/svg>/.exec(page.text)?.[0] ?? '';
    const rank = { none: 0, bronze: 1, silver: 2, gold: 3 } as const;
    expect([...levels.matchAll(/data-value="(\d+)"/g)].map((m) => Number(m[1]))).toEqual(
      runs.map((r) => rank[r.level]),
    );
    expect(runs.at(-1)?.level).toBe('none');
    // The same figures as a table, for anyone the picture does not reach.
    const table = page.text.slice(page.text.indexOf('The figures in these charts'));
    expect(table.slice(0, table.indexOf('</table>')).match(/<tr class="govuk-table__row">/g)).toHaveLength(4);
  });
});

describe('service statistics', () => {
  it('shows availability, latency, error rate, runs and requests for 30 and 90 days, as computed by hand', async () => {
    const page = await get(`/products/${productId}`);
    const cell = (figure: string, days: number) =>
      new RegExp(`data-figure="${figure}">[\\s\\S]*?data-days="${days}">([^<]*)<`).exec(page.text)?.[1];
    expect(cell('availability', 30)).toBe('60%');
    expect(cell('availability', 90)).toBe('55.56%');
    expect(cell('errorRate', 30)).toBe('40%');
    expect(cell('errorRate', 90)).toBe('44.44%');
    expect(cell('median', 30)).toBe('20 ms');
    expect(cell('median', 90)).toBe('40 ms');
    expect(cell('p95', 30)).toBe('40 ms');
    expect(cell('p95', 90)).toBe('70 ms');
    expect(cell('runs', 30)).toBe('1');
    expect(cell('runs', 90)).toBe('2');
    expect(cell('exchanges', 30)).toBe('5');
    expect(cell('exchanges', 90)).toBe('9');
    const chart = /<svg[^>]*id="latency-chart"[\s\S]*?<\/svg>/.exec(page.text)?.[0] ?? '';
    expect([...chart.matchAll(/data-series="Median"[^>]*data-value="(\d+)"/g)].map((m) => m[1])).toEqual([
      '60',
      '20',
    ]);
  });

  it('publishes them as open data, JSON and CSV, with their definitions and licence', async () => {
    const json = await get(`/data/service-statistics.json?product=${productId}`);
    expect(json.status).toBe(200);
    expect(json.headers['access-control-allow-origin']).toBe('*');
    const body = json.body as {
      licence: { name: string };
      definitions: Record<string, string>;
      statistics: Record<string, unknown>[];
    };
    expect(body.licence.name).toBe('Open Government Licence v3.0');
    expect(Object.keys(body.definitions)).toContain('availability');
    expect(
      body.statistics.map((s) => [s.window_days, s.runs, s.exchanges, s.availability, s.median_ms, s.p95_ms]),
    ).toEqual([
      [30, 1, 5, 0.6, 20, 40],
      [90, 2, 9, 0.555556, 40, 70],
    ]);
    const csv = await get(`/data/service-statistics.csv?product=${productId}`);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const [header, ...rows] = csv.text.trimEnd().split('\r\n');
    const columns = header?.split(',') ?? [];
    const row90 = rows.map((r) => r.split(',')).find((r) => r[columns.indexOf('window_days')] === '90') ?? [];
    expect(row90[columns.indexOf('error_rate')]).toBe('0.444444');
    expect(row90[columns.indexOf('failures')]).toBe('2');
    expect(row90[columns.indexOf('server_errors')]).toBe('2');
    // Every listed product without the filter; a malformed filter is refused, naming the parameter.
    const all = await get('/data/service-statistics.json');
    expect((all.body as { statistics: unknown[] }).statistics).toHaveLength(4);
    // The run its supplier signed alone is listed, and counts for nothing: a supplier cannot choose its figures.
    const own = await get(
      `/data/service-statistics.json?product=${productIdOf(SELF_ASSESSED_SUPPLIER, SELF_ASSESSED_PRODUCT, SPEC)}`,
    );
    expect(
      (own.body as { statistics: Record<string, unknown>[] }).statistics.map((s) => [
        s.window_days,
        s.runs,
        s.exchanges,
      ]),
    ).toEqual([
      [30, 0, 0],
      [90, 0, 0],
    ]);
    const bad = await get('/data/service-statistics.json?product=%3Cx%3E');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('product');
  });
});

describe('data quality', () => {
  it('shows each dataset’s identifiers, dates and fields as shares of what the run read', async () => {
    const page = await get(`/products/${productId}`);
    const table =
      /<table class="govuk-table app-data-quality" data-dataset="street-reports">[\s\S]*?<\/table>/.exec(
        page.text,
      )?.[0];
    expect(table).toContain('Street reports');
    expect(table).toContain('200 records read');
    expect(table).toContain('75% (150 of 200)');
    expect(table).toContain('80% (120 of 150)');
    expect(table).toContain('99.5% (398 of 400)');
    expect(table).toContain('95% (1900 of 2000)');
  });

  it('shows nothing for a report that has none', async () => {
    const product = await store.product(productId);
    const page = await get(`/products/${productId}?report=${product?.reports[1]?.id}`);
    expect(page.text).not.toContain('id="data-quality"');
  });
});

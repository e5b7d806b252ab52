import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Check,
  type CheckOutcome,
  type Exchange,
  type Reference,
  resolveRunConfig,
  runConformance,
  withEvidenceRule,
} from '../src/index.ts';
import { json, serve } from './support.ts';

const answered: Exchange = {
  id: 'ex-0001',
  startedAt: '2026-12-06T00:00:00.000Z',
  durationMs: 1,
  request: { method: 'GET', url: 'http://127.0.0.1/items', headers: {} },
  response: { status: 200, headers: {}, bytes: 2, bodyPreview: '[]' },
};
const unanswered: Exchange = {
  id: 'ex-0002',
  startedAt: '2026-12-06T00:00:00.000Z',
  durationMs: 1,
  request: { method: 'GET', url: 'http://127.0.0.1/items', headers: {} },
  error: { code: 'NETWORK', message: 'other side closed' },
};
const exchanges = new Map([answered, unanswered].map((e) => [e.id, e]));
const lookup = (id: string) => exchanges.get(id);
const pass = (extra: Partial<CheckOutcome>): CheckOutcome => ({ status: 'pass', message: 'fine', ...extra });

describe('the evidence rule', () => {
  it('keeps a pass that judged something and cites an answered exchange', () => {
    const outcome = pass({ exchangeIds: ['ex-0001'], judged: { count: 3, of: 'records' } });
    expect(withEvidenceRule(outcome, lookup)).toBe(outcome);
  });

  it.each([
    [
      'judged nothing',
      { exchangeIds: ['ex-0001'], judged: { count: 0, of: 'records' } },
      /judged no records/,
    ],
    ['says nothing of what it judged', { exchangeIds: ['ex-0001'] }, /judged no records, files or responses/],
    ['cites no exchange', { judged: { count: 2, of: 'pages' } }, /cites no exchange/],
    [
      'cites only exchanges that got no answer',
      { exchangeIds: ['ex-0002', 'ex-9999'], judged: { count: 1, of: 'pages' } },
      /none of the exchanges it cites \(ex-0002, ex-9999\) got an answer/,
    ],
  ] as const)('turns a pass that %s into an error naming what was missing', (_story, extra, reason) => {
    const outcome = withEvidenceRule(pass(extra), lookup);
    expect(outcome.status).toBe('error');
    expect(outcome.message).toMatch(reason);
    expect(outcome.message).toMatch(/it said: fine$/);
  });

  it('leaves fails, warnings and not-applicable as they are, and gives a not-judged outcome a pointer', () => {
    for (const status of ['fail', 'warn', 'not-applicable', 'error'] as const)
      expect(withEvidenceRule({ status, message: 'x' }, lookup).status).toBe(status);
    expect(withEvidenceRule({ status: 'not-judged', message: 'x' }, lookup).toJudge).toMatch(/message/);
  });
});

describe('runConformance applies the evidence rule to every check', () => {
  let server: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    server = await serve({
      '/openapi.json': (_request, response) =>
        json(response, 200, { openapi: '3.1.0', info: { title: 'tiny', version: '1.0.0' }, paths: {} }),
      '/items': (_request, response) => json(response, 200, []),
    });
  });
  afterAll(() => server.close());

  const reference: Reference = {
    profile: {
      id: 'tiny',
      version: '1.0.0',
      datasets: [],
      operations: { required: [], optional: [] },
    },
    document: { openapi: '3.1.0', info: { title: 'tiny', version: '1.0.0' }, paths: {} },
    sha256: '0'.repeat(64),
  };
  const check = (id: string, run: Check['run']): Check => ({
    id,
    clause: 'open-api',
    severity: 'must',
    title: id,
    description: id,
    sampling: 'one list page',
    run,
  });

  it('reports a check that passes vacuously as an error, and one with evidence as a pass', async () => {
    const report = await runConformance({
      config: resolveRunConfig({ target: server.url, credentials: { token: 'x' }, requestsPerSecond: 100 }),
      reference,
      personalFields: new Set(),
      runner: { name: 'test', version: '0' },
      checks: [
        // An empty list read and called a pass: the vacuous pass the rule exists to stop.
        check('vacuous', async (ctx) => {
          const response = await ctx.http.request({ url: '/items', auth: 'primary' });
          const records = response.json() as unknown[];
          return {
            status: 'pass',
            message: `all ${records.length} records are valid`,
            exchangeIds: [response.exchange.id],
            judged: { count: records.length, of: 'records' },
          };
        }),
        check('grounded', async (ctx) => {
          const response = await ctx.http.request({ url: '/items', auth: 'primary' });
          return {
            status: 'pass',
            message: 'the list answered 200',
            exchangeIds: [response.exchange.id],
            judged: { count: 1, of: 'responses' },
          };
        }),
      ],
    });
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ['vacuous', 'error'],
      ['grounded', 'pass'],
    ]);
    expect(report.checks[0]?.message).toMatch(/^passed without evidence \(it judged no records\)/);
    expect(report.certifiable).toBe(false);
  });
});

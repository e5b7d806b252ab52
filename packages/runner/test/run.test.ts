import { BUDGET } from '@council-conform/test-budgets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ABANDON_AFTER_BUDGET_MS,
  AuthError,
  type Check,
  type CheckResult,
  ConfigError,
  certifiability,
  judgeClauses,
  judgeLevel,
  levelOf,
  PreflightError,
  type Reference,
  type RunContext,
  type RunInput,
  type RunReport,
  resolveRunConfig,
  runConformance,
  SelectionError,
  TokenManager,
} from '../src/index.ts';
import { json, serve } from './support.ts';

const CLIENT = { clientId: 'client-a', clientSecret: 'client-secret-a-123456' };
let server: Awaited<ReturnType<typeof serve>>;
let tokensIssued = 0;
let tokenLifetime = 3600;

const reference: Reference = {
  profile: {
    id: 'tiny',
    version: '1.0.0',
    datasets: [
      {
        id: 'items',
        title: 'Items',
        schema: 'Item',
        classification: 'public',
        idField: 'id',
        list: 'listItems',
        get: 'getItem',
      },
    ],
    operations: { required: ['listItems', 'getItem'], optional: ['exportItems'] },
  },
  document: {
    openapi: '3.1.0',
    info: { title: 'Tiny', version: '1.0.0' },
    paths: {
      '/items': { get: { operationId: 'listItems', responses: { '200': { description: 'ok' } } } },
      '/items/{id}': { get: { operationId: 'getItem', responses: { '200': { description: 'ok' } } } },
    },
    components: { schemas: { Item: { type: 'object' } } },
  },
  sha256: '0'.repeat(64),
};

beforeAll(async () => {
  server = await serve({
    '/': (_req, res) => json(res, 200, { name: 'tiny' }, { link: '</openapi.json>; rel="service-desc"' }),
    '/openapi.json': (_req, res) => json(res, 200, reference.document),
    '/items': (_req, res) => json(res, 200, { items: [{ id: '1' }], next: null }),
    '/oauth/token': (req, res, body) => {
      // client_secret_basic, as Council API Baseline 1.1 requires (RFC 6749 §2.3.1).
      const basic = /^Basic (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
      const [id, secret] = Buffer.from(basic ?? '', 'base64')
        .toString()
        .split(':')
        .map(decodeURIComponent);
      if (id !== CLIENT.clientId || secret !== CLIENT.clientSecret)
        return json(res, 401, { error: 'invalid_client' });
      void body;
      tokensIssued += 1;
      json(res, 200, {
        access_token: `access-token-${tokensIssued}-abcdef`,
        token_type: 'Bearer',
        expires_in: tokenLifetime,
      });
    },
  });
});
afterAll(() => server.close());

describe('run configuration', () => {
  it('fills in the defaults and derives the token endpoint from the target', () => {
    const config = resolveRunConfig({ target: `${server.url}/api/`, credentials: CLIENT });
    expect(config.mode).toBe('readonly');
    expect(config.requestsPerSecond).toBe(5);
    expect(config.tokenUrl).toBe(`${server.url}/api/oauth/token`);
    expect(config.features).toEqual([]);
  });

  it('names every problem at once, with a suggestion for a misspelt key', () => {
    const attempt = () => resolveRunConfig({ target: 'ftp://x', mode: 'live', requestsPerScond: 3 } as never);
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toMatch(/must be http or https/);
      expect(message).toMatch(/"mode" must be readonly or sandbox/);
      expect(message).toMatch(/unknown setting "requestsPerScond".*requestsPerSecond/);
    }
  });

  it('refuses credentials in the target URL and a client id without its secret', () => {
    expect(() => resolveRunConfig({ target: 'https://user:pw@api.example' })).toThrow(
      /must not carry credentials/,
    );
    expect(() => resolveRunConfig({ target: 'https://api.example', credentials: { clientId: 'x' } })).toThrow(
      /clientId but no clientSecret/,
    );
  });
});

describe('the token manager', () => {
  it('obtains a client-credentials token once, reuses it, and refreshes it near expiry', async () => {
    const secrets: string[] = [];
    tokenLifetime = 3600;
    const manager = new TokenManager(CLIENT, `${server.url}/oauth/token`, (s) => secrets.push(s));
    const before = tokensIssued;
    const first = await manager.token();
    expect(await manager.token()).toBe(first);
    expect(tokensIssued - before).toBe(1);
    expect(secrets).toContain(first);
    expect(secrets).toContain(CLIENT.clientSecret);

    tokenLifetime = 1; // inside the refresh margin: every use fetches a fresh one
    const short = new TokenManager(CLIENT, `${server.url}/oauth/token`, () => undefined);
    const a = await short.token();
    const b = await short.token();
    expect(a).not.toBe(b);
    tokenLifetime = 3600;
  });

  it('says plainly when the token endpoint refuses the credentials', async () => {
    const manager = new TokenManager(
      { clientId: 'x', clientSecret: 'wrong-secret-123' },
      `${server.url}/oauth/token`,
      () => undefined,
    );
    const error = await manager.token().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toMatch(/refused the client credentials \(HTTP 401\)/);
  });

  it('waits as a rate-limited token endpoint asks, and says so when it stays busy', async () => {
    let busyFor = 2;
    const busy = await serve({
      '/oauth/token': (_request, response) => {
        if (busyFor-- > 0) {
          response.writeHead(429, { 'retry-after': '0', 'content-type': 'application/problem+json' });
          response.end('{"title":"Too Many Requests","status":429}');
          return;
        }
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{"access_token":"after-the-wait","token_type":"Bearer","expires_in":3600}');
      },
    });
    try {
      const manager = new TokenManager(CLIENT, `${busy.url}/oauth/token`, () => undefined);
      expect(await manager.token()).toBe('after-the-wait');
      expect(busy.hits.get('/oauth/token')).toBe(3);
      busyFor = 100;
      const again = new TokenManager(CLIENT, `${busy.url}/oauth/token`, () => undefined);
      const error = await again.token().catch((e: unknown) => e);
      expect((error as Error).message).toMatch(/stayed busy \(HTTP 429\) after 4 tries/);
    } finally {
      await busy.close();
    }
  });
});

const passing: Check = {
  id: 'tiny-pass',
  clause: 'open-api',
  severity: 'must',
  title: 'passes',
  description: 'reads the list',
  sampling: 'The list, once.',
  async run(ctx) {
    const response = await ctx.http.request({ url: '/items', auth: 'primary', note: 'read items' });
    return {
      status: response.status === 200 ? 'pass' : 'fail',
      message: 'read',
      exchangeIds: [response.exchange.id],
      judged: { count: 1, of: 'responses' },
    };
  },
};
const failing: Check = {
  id: 'tiny-fail',
  clause: 'public-data',
  severity: 'must',
  title: 'fails',
  description: 'always finds a fault',
  sampling: 'Nothing.',
  run: async () => ({ status: 'fail', message: `token ${CLIENT.clientSecret} leaked` }),
};
const throwing: Check = {
  id: 'tiny-throw',
  clause: 'secure',
  severity: 'must',
  title: 'throws',
  description: 'has a bug',
  sampling: 'Nothing.',
  run: async () => {
    throw new Error('boom');
  },
};
const sandboxOnly: Check = { ...passing, id: 'tiny-sandbox', modes: ['sandbox'] };

/** A run of the tiny catalogue, with what a test gives it. */
const runTiny = (input: Pick<RunInput, 'config'> & Partial<RunInput>) =>
  runConformance({
    reference,
    checks: [passing, failing, throwing, sandboxOnly],
    personalFields: new Set(),
    runner: { name: 'test', version: '0' },
    ...input,
  });

describe('runConformance', () => {
  it('runs pre-flight, then every check: a throw is an error, not a crash, and no secret is in the report', async () => {
    const config = resolveRunConfig({ target: server.url, credentials: CLIENT, requestsPerSecond: 100 });
    const report = await runTiny({ config });
    const status = Object.fromEntries(report.checks.map((c) => [c.id, c.status]));
    expect(status).toEqual({
      'tiny-pass': 'pass',
      'tiny-fail': 'fail',
      'tiny-throw': 'error',
      'tiny-sandbox': 'not-judged',
    });
    expect(report.notJudged).toEqual([
      expect.objectContaining({ check: 'tiny-sandbox', toJudge: expect.stringMatching(/--mode sandbox/) }),
    ]);
    expect(report.checks.find((c) => c.id === 'tiny-throw')?.message).toMatch(/boom/);
    expect(report.preflight.every((step) => step.ok)).toBe(true);
    // tiny-sandbox is an open-api must check this readonly run did not judge: the clause has not passed.
    expect(report.clauses.find((c) => c.id === 'open-api')?.status).toBe('not-judged');
    expect(report.clauses.find((c) => c.id === 'public-data')?.status).toBe('fail');
    expect(report.certifiable).toBe(false);
    const text = JSON.stringify(report);
    expect(text).not.toContain(CLIENT.clientSecret);
    expect(text).not.toMatch(/access-token-\d+-abcdef/);
  });

  it('runs only the selected checks: the rest are not judged, the run is partial and never certifiable', async () => {
    const config = resolveRunConfig({
      target: server.url,
      credentials: CLIENT,
      requestsPerSecond: 100,
      mode: 'sandbox',
    });
    const started: string[] = [];
    const report = await runTiny({
      config,
      selection: { only: ['open-api'], skip: ['tiny-sandbox'] },
      events: { onCheckStart: (check, index, total) => started.push(`${index + 1}/${total} ${check.id}`) },
    });
    expect(started).toEqual(['1/1 tiny-pass']);
    const status = Object.fromEntries(report.checks.map((c) => [c.id, c.status]));
    expect(status).toEqual({
      'tiny-pass': 'pass',
      'tiny-fail': 'not-judged',
      'tiny-throw': 'not-judged',
      'tiny-sandbox': 'not-judged',
    });
    expect(report.checks.find((c) => c.id === 'tiny-fail')?.message).toBe(
      'not run: this partial run left it out (only open-api; skipping tiny-sandbox)',
    );
    expect(report.partial).toEqual({
      only: ['open-api'],
      skip: ['tiny-sandbox'],
      leftOut: ['tiny-fail', 'tiny-throw', 'tiny-sandbox'],
    });
    expect(report.certifiable).toBe(false);
    // The left-out checks are named once, as the selection: nothing else stands in the way here.
    expect(report.certifiableReasons).toEqual([
      'a partial run (only open-api; skipping tiny-sandbox): 3 of the 4 checks were left out, and only a run of every check can be certified',
    ]);
    expect(report.settings).toMatchObject({ requestsPerSecond: 100, tokenUrl: `${server.url}/oauth/token` });
  });

  it('refuses a selection naming no check or clause before any request', async () => {
    const config = resolveRunConfig({ target: 'http://127.0.0.1:9', credentials: CLIENT });
    const error = await runTiny({ config, selection: { only: ['tiny-pas'], skip: [] } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SelectionError);
    expect((error as Error).message).toContain('"tiny-pas" (did you mean "tiny-pass"?)');
  });

  it('stops at pre-flight with a configuration error when the target does not answer', async () => {
    const config = resolveRunConfig({
      target: 'http://127.0.0.1:9',
      credentials: CLIENT,
      requestTimeoutMs: 2_000,
    });
    const error = await runConformance({
      config,
      reference,
      checks: [passing],
      personalFields: new Set(),
      runner: { name: 'test', version: '0' },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreflightError);
    expect((error as Error).message).toMatch(/target reachable/);
    // The run that stopped still has its report: its pre-flight, and the check it did not run.
    const report = (error as PreflightError).report;
    expect(report?.preflight.find((s) => s.step === 'target reachable')?.ok).toBe(false);
    expect(report?.checks.map((c) => [c.id, c.status, c.message])).toEqual([
      ['tiny-pass', 'error', 'not run: pre-flight failed at “target reachable”'],
    ]);
    expect(report?.certifiable).toBe(false);
  });

  it('abandons a check still waiting after the budget is spent, and still writes the report', async () => {
    const stuck: Check = {
      ...passing,
      id: 'tiny-stuck',
      // Waits on nothing the run's budget can abort: only the runner's own deadline ends it.
      run: () => new Promise(() => undefined),
    };
    const config = resolveRunConfig({
      target: server.url,
      credentials: CLIENT,
      requestsPerSecond: 100,
      // Enough for pre-flight on a busy machine, so that the budget runs out in the stuck check.
      runBudgetMs: 1_000,
    });
    const started = Date.now();
    const report = await runConformance({
      config,
      reference,
      checks: [stuck, passing],
      personalFields: new Set(),
      runner: { name: 'test', version: '0' },
    });
    // The run ended on its own, the budget and the grace after it spent (without the abandon it would never
    // end, as the stuck check never settles); not that it was quick: a loaded machine adds what it adds.
    expect(Date.now() - started).toBeLessThan(1_000 + ABANDON_AFTER_BUDGET_MS + BUDGET.settle);
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ['tiny-stuck', 'error'],
      ['tiny-pass', 'error'],
    ]);
    expect(report.checks[0]?.message).toBe(
      `abandoned: the check had not finished ${ABANDON_AFTER_BUDGET_MS} ms after the run’s time budget of 1000 ms was spent`,
    );
    expect(report.checks[1]?.message).toMatch(/^not run: the run’s time budget of 1000 ms was spent/);
  });

  it('measures data quality once the checks have run, never on a dry run, and it changes no verdict', async () => {
    const config = resolveRunConfig({ target: server.url, credentials: CLIENT, requestsPerSecond: 100 });
    const measured: string[][] = [];
    const measureDataQuality = async (ctx: RunContext) => {
      measured.push([...(await ctx.recordsRead())].map((r) => r.dataset.id));
      return {
        datasets: [
          {
            dataset: 'd',
            title: 'D',
            recordsRead: 1,
            identifiers: [],
            dates: { values: 0, parsed: 0 },
            filled: { values: 1, filled: 0 },
          },
        ],
      };
    };
    const plain = await runTiny({ config });
    const report = await runTiny({ config, measureDataQuality });
    expect(plain.dataQuality).toBeUndefined();
    expect(report.reportVersion).toBe('2.2.0');
    expect(report.dataQuality?.datasets.map((d) => d.dataset)).toEqual(['d']);
    // The tiny checks read no dataset, so the run read nothing.
    expect(measured).toEqual([[]]);
    const verdict = (r: RunReport) => [r.checks.map((c) => [c.id, c.status]), r.level, r.certifiable];
    expect(verdict(report)).toEqual(verdict(plain));
    const dry = await runTiny({ config, measureDataQuality, dryRun: true });
    expect(dry.dataQuality).toBeUndefined();
    expect(measured).toHaveLength(1);
  });

  it('names a declared feature the profile does not have', async () => {
    const config = resolveRunConfig({ target: server.url, credentials: CLIENT, features: ['exportItem'] });
    const error = await runConformance({
      config,
      reference,
      checks: [passing],
      personalFields: new Set(),
      runner: { name: 'test', version: '0' },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreflightError);
    expect((error as Error).message).toMatch(
      /"exportItem" is not an optional operation of tiny.*exportItems/,
    );
  });
});

describe('clauses, levels and certifiability', () => {
  const result = (id: string, clause: CheckResult['clause'], status: CheckResult['status']): CheckResult => ({
    id,
    clause,
    severity: 'must',
    title: id,
    status,
    message: '',
    durationMs: 0,
  });
  const bronze = ['open-api', 'public-data', 'personal-data', 'secure'] as const;
  const silver = ['right-to-data', 'open-standards', 'transparent', 'seamless'] as const;

  it('reaches bronze on its four clauses, silver on four more, and no further without attestations', () => {
    const onlyBronze = bronze.map((c) => result(c, c, 'pass'));
    expect(levelOf(judgeClauses(onlyBronze, undefined))).toBe('bronze');
    const both = [...onlyBronze, ...silver.map((c) => result(c, c, 'pass'))];
    expect(levelOf(judgeClauses(both, undefined))).toBe('silver');
    const oneFailed = both.map((r) => (r.id === 'secure' ? { ...r, status: 'fail' as const } : r));
    expect(levelOf(judgeClauses(oneFailed, undefined))).toBe('none');
  });

  it('shows a clause judged only by attestation as attested, never as passed', () => {
    const clauses = judgeClauses([], {
      supplier: 'S',
      product: 'P',
      signedBy: { name: 'N', role: 'R' },
      date: '2026-01-01',
      statements: [{ clause: 'inclusion', statement: 'We meet WCAG 2.2 AA.' }],
    });
    expect(clauses.find((c) => c.id === 'inclusion')?.status).toBe('attested');
    expect(clauses.find((c) => c.id === 'no-lock-in')?.status).toBe('not-attested');
  });

  it('counts a clause with a must check not judged towards a provisional level, never as passed', () => {
    const all = [...bronze, ...silver].map((c) => result(c, c, 'pass'));
    const tlsUnjudged = [
      ...all,
      { ...result('secure-tls-version', 'secure', 'not-judged'), toJudge: 'https' },
    ];
    const clauses = judgeClauses(tlsUnjudged, undefined);
    expect(clauses.find((c) => c.id === 'secure')?.status).toBe('not-judged');
    expect(judgeLevel(clauses)).toEqual({ level: 'silver', provisional: true });
    expect(judgeLevel(judgeClauses(all, undefined))).toEqual({ level: 'silver', provisional: false });
    const verdict = certifiability(tlsUnjudged, 'sandbox');
    expect(verdict.certifiable).toBe(false);
    expect(verdict.reasons).toEqual(['must check secure-tls-version was not judged: give https']);
  });

  it('certifies only a sandbox run with no failed or errored check', () => {
    const ok = [result('a', 'open-api', 'pass')];
    expect(certifiability(ok, 'sandbox').certifiable).toBe(true);
    expect(certifiability(ok, 'readonly').reasons.join()).toMatch(/sandbox-mode run/);
    expect(certifiability([result('b', 'secure', 'error')], 'sandbox').reasons.join()).toMatch(
      /could not run: b/,
    );
  });
});

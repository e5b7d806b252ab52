import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createMockSupplier,
  type FaultId,
  mockRunTarget,
  type RunningMockServer,
  startMockServer,
} from '@council-conform/mocks';
import { createHarnessHttp, Redactor, TokenManager } from '@council-conform/runner';
import { BUDGET } from '@council-conform/test-budgets';
import { afterEach, describe, expect, it } from 'vitest';
import { ExploreError, explore, exploreTarget, internalsIn } from '../src/index.ts';

const SPEC = 'council-tax';
const BUDGET_REQUESTS = 250;
let server: RunningMockServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(faults: readonly FaultId[] = []) {
  // The mock's own rate limit is lifted: these tests are about what exploration finds, not about 429s.
  const supplier = await createMockSupplier(SPEC, { faults, rateLimit: { limit: 100_000, windowMs: 1000 } });
  server = await startMockServer(supplier);
  return { url: server.url, credentials: mockRunTarget(supplier, server.url).credentials };
}

async function exploreMock(faults: readonly FaultId[], seed = 1) {
  const { url, credentials } = await serve(faults);
  return exploreTarget({
    target: url,
    seed,
    mode: 'readonly',
    budget: { requests: BUDGET_REQUESTS, timeMs: BUDGET.realRun },
    requestsPerSecond: Number.POSITIVE_INFINITY,
    credentials,
  });
}

/** Makes harness clients on the mock, each with exchanges of its own, sharing one token. */
function harnessClientFor(url: string, credentials: Awaited<ReturnType<typeof serve>>['credentials']) {
  const redactor = new Redactor(new Set());
  const tokens = new TokenManager(credentials, `${url}/oauth/token`, (s) => redactor.addSecret(s));
  return () =>
    createHarnessHttp({
      target: new URL(url),
      requestsPerSecond: 1000,
      requestTimeoutMs: BUDGET.request,
      maxResponseBytes: 1024 * 1024,
      maxRetryAfterMs: 1000,
      redactor,
      signal: new AbortController().signal,
      tokenFor: (_which, refresh) => tokens.token(refresh),
    });
}

describe('exploring a mock supplier from its own description', { timeout: BUDGET.realRun }, () => {
  it('finds nothing wrong with the conformant mock, within its budget, and says what it tried', async () => {
    const report = await exploreMock([]);
    expect(report.findings.map((f) => `${f.kind}: ${f.message}`)).toEqual([]);
    expect(report.used.requests).toBeLessThanOrEqual(BUDGET_REQUESTS);
    expect(report.judged).toBeGreaterThan(BUDGET_REQUESTS / 2);
    expect(report.seed).toBe(1);
    expect(report.description).toMatch(/\/openapi\.json$/);
    const explored = report.operations.filter((o) => o.requests > 0);
    expect(explored.length).toBeGreaterThan(10);
    expect(explored.some((o) => o.byIntent.invalid > 0 && o.byIntent.valid > 0)).toBe(true);
    // Readonly: writes are listed as not explored, with why.
    expect(report.operations.find((o) => o.operation === 'POST /exports')?.skipped).toMatch(/sandbox/);
  });

  it('catches a 500 at a documented maximum, shrunk to the parameter at its edge', async () => {
    const report = await exploreMock(['explore-500-on-boundary']);
    const errors = report.findings.filter((f) => f.kind === 'server-error');
    expect(errors.length).toBeGreaterThan(0);
    for (const finding of errors) {
      // Shrunk: the edge value stays, every optional parameter not needed falls away (a request's one
      // deliberate change, such as a value outside an enum, stays with it).
      expect(finding.request.path).toMatch(/[?&]limit=1000(&|$)/);
      expect(new URL(finding.request.path, 'http://x').searchParams.size).toBeLessThanOrEqual(2);
      expect(finding.status).toBe(500);
      expect(finding.curl).toMatch(/^curl .*limit=1000/);
    }
  });

  it('catches invalid input accepted, shrunk to the smallest value past the maximum', async () => {
    const report = await exploreMock(['explore-accepts-invalid-parameter']);
    const accepted = report.findings.filter((f) => f.kind === 'invalid-input-accepted');
    expect(accepted.length).toBeGreaterThan(0);
    expect(accepted.map((f) => f.request.path)).toContainEqual(expect.stringMatching(/\?limit=1001$/));
    expect(accepted[0]?.how).toBe('limit above maximum');
  });

  it('catches a stack trace in the answer to a wrong type, with a curl that reads the token from the environment', async () => {
    const report = await exploreMock(['explore-stack-trace-on-wrong-type']);
    const leak = report.findings.find((f) => f.kind === 'internals-in-error');
    expect(leak?.message).toMatch(/a stack trace/);
    expect(leak?.request.path).toMatch(/\?limit=[^&]+$/);
    const secured = report.findings.find((f) => f.curl.includes('authorization'));
    expect(secured?.curl).toContain('$CONFORM_TOKEN');
    expect(JSON.stringify(report)).not.toMatch(/Bearer [A-Za-z0-9_-]{16,}/);
  });

  it('replays a run with its seed: the same requests, the same findings', async () => {
    const first = await exploreMock(['explore-500-on-boundary'], 42);
    await server?.close();
    const again = await exploreMock(['explore-500-on-boundary'], 42);
    const shape = (report: typeof first) => ({
      operations: report.operations,
      findings: report.findings.map((f) => [f.kind, f.operation, f.request.path, f.replay.seed]),
    });
    expect(shape(again)).toEqual(shape(first));
  });

  it('sends only GET in readonly mode, and only to the target', async () => {
    const { url, credentials } = await serve([]);
    const http = harnessClientFor(url, credentials)();
    const description = (await http.request({ url: '/openapi.json' })).json() as Record<string, unknown>;
    const report = await explore({
      http,
      document: description,
      descriptionSource: 'test',
      seed: 7,
      mode: 'readonly',
      budget: { requests: 60, timeMs: BUDGET.realRun },
      hasCredentials: true,
    });
    expect(report.used.requests).toBeLessThanOrEqual(60);
    expect(new Set(http.exchanges.map((e) => e.request.method))).toEqual(new Set(['GET']));
    expect(http.exchanges.every((e) => e.request.url.startsWith(url))).toBe(true);
  });

  it('sends writes with generated bodies in sandbox mode only, and only to the target', async () => {
    const { url, credentials } = await serve([]);
    const httpFor = harnessClientFor(url, credentials);
    const description = (await httpFor().request({ url: '/openapi.json' })).json() as Record<string, unknown>;
    const runIn = async (mode: 'readonly' | 'sandbox') => {
      const http = httpFor();
      const report = await explore({
        http,
        document: description,
        descriptionSource: 'test',
        seed: 11,
        mode,
        budget: { requests: 120, timeMs: BUDGET.realRun },
        hasCredentials: true,
      });
      return { report, exchanges: http.exchanges };
    };
    const readonly = await runIn('readonly');
    const sandbox = await runIn('sandbox');
    expect(new Set(readonly.exchanges.map((e) => e.request.method))).toEqual(new Set(['GET']));
    expect(readonly.report.operations.find((o) => o.operation === 'POST /exports')?.skipped).toMatch(
      /sandbox/,
    );
    const writes = sandbox.exchanges.filter((e) => e.request.method === 'POST');
    expect(writes.length).toBeGreaterThan(0);
    // Every write sent is one of the description's POST operations, counted in its summary.
    const posts = sandbox.report.operations.filter((o) => o.operation.startsWith('POST '));
    expect(posts.reduce((sum, o) => sum + o.requests, 0)).toBe(writes.length);
    expect(posts.find((o) => o.operation === 'POST /exports')?.requests).toBeGreaterThan(0);
    expect(
      readonly.report.operations
        .filter((o) => o.operation.startsWith('POST '))
        .every((o) => o.requests === 0),
    ).toBe(true);
    // Writes, like reads, go to the target's origin and nowhere else.
    expect(sandbox.exchanges.every((e) => new URL(e.request.url).origin === new URL(url).origin)).toBe(true);
    expect(sandbox.report.used.requests).toBeLessThanOrEqual(120);
  });

  it('explores from a description file, and names what is wrong with one it cannot read', async () => {
    const { url, credentials } = await serve([]);
    const file = join(tmpdir(), `explore-${process.pid}.json`);
    await writeFile(file, JSON.stringify({ swagger: '1.2', paths: {} }));
    await expect(
      exploreTarget({
        target: url,
        description: file,
        seed: 1,
        mode: 'readonly',
        budget: { requests: 10, timeMs: BUDGET.request },
        requestsPerSecond: 100,
        credentials,
      }),
    ).rejects.toThrow(/Swagger version|not an OpenAPI/);
    await expect(
      exploreTarget({
        target: 'not a url',
        seed: 1,
        mode: 'readonly',
        budget: { requests: 1, timeMs: 1000 },
        requestsPerSecond: 1,
      }),
    ).rejects.toBeInstanceOf(ExploreError);
  });
});

describe('the internals detector shared with secure-no-internals-in-errors', () => {
  it('names each kind of detail once, with the text that gave it away', () => {
    const seen = internalsIn(
      'TypeError: x\n    at parse (/srv/app/src/lists.js:42:17)\nSQLSTATE[42P01] relation "residents" does not exist',
    );
    expect(seen.map((s) => s.kind)).toEqual([
      'a stack trace',
      'a server file path',
      'SQL or a database error',
    ]);
    expect(internalsIn('{"title":"Bad Request","detail":"limit must be an integer"}')).toEqual([]);
  });

  it.for([
    ["/srv/app/models/user.rb:12:in `find'", 'a stack trace', '/srv/app/models/user.rb:12:in `'],
    ['goroutine 7 [running]:', 'a stack trace', 'goroutine 7 [running]'],
    ['    at Object.<anonymous> (/srv/x.js:1:2)', 'a stack trace', 'at Object.<anonymous> (/srv/x.js:1:2)'],
    ['{"detail":"failed in /srv/app/lists.py"}', 'a server file path', '/srv/app/lists.py'],
    ['see https://host/app/server.js', 'a server file path', '/host/app/server.js'],
    [
      '   at App.Home.Index(String id) in C:\\src\\Home.cs:line 42',
      'a stack trace',
      'at App.Home.Index(String id) in C:\\src\\Home.cs:line 42',
    ],
    [
      'query: SELECT id, "name" FROM residents',
      'SQL or a database error',
      'SELECT id, "name" FROM residents',
    ],
    ['Server=db1;Database=app', 'a connection string', 'Server=db1;Database='],
  ] as const)('finds %s', ([text, kind, excerpt], { expect }) => {
    expect(internalsIn(text)).toContainEqual({ kind, excerpt });
  });

  // Backtracking without bound made these hours long at a megabyte (4 s at 40 KB): a supplier could stall a
  // run with one large answer. Each is a megabyte; searched in linear time, all of them take well under a second.
  it.for([
    ['letters', 'a'.repeat(1_000_000), []],
    ['a long path', '/a'.repeat(500_000), []],
    ['dotted names', 'a.'.repeat(500_000), []],
    ['words after "at"', 'at '.repeat(333_333), []],
    ['a SELECT with no FROM', `SELECT ${'a, '.repeat(333_333)}`, []],
    ['a Windows path', `C:\\${'a\\'.repeat(333_333)}`, ['a server file path']],
    ['SELECTs with no FROM', 'SELECT '.repeat(142_857), []],
    ['connection string keys with no ;', 'Host='.repeat(200_000), []],
    ['.NET frames with no )', 'at a('.repeat(200_000), []],
  ] as const)('searches a megabyte of %s without backtracking on it', ([, text, kinds], { expect }) => {
    expect(internalsIn(text).map((seen) => seen.kind)).toEqual(kinds);
  });
});

/**
 * Runs that go straight to the point (issue 21): --only and --skip, --rerun-failed, the command each failure
 * shows, --expected-failures, the curl command of failed evidence and --har, each against a mock over HTTP.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CHECKS } from '@council-conform/checks';
import { createMockSupplier, type FaultId, type MockSupplier, startMockServer } from '@council-conform/mocks';
import { type CheckResult, didYouMean, type Exchange, type RunReport } from '@council-conform/runner';
import { BUDGET } from '@council-conform/test-budgets';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { checkExpectedFailureIds, readExpectedFailures } from '../src/commands/expected-failures.ts';
import { runCli } from '../src/index.ts';
import { capture, mockRunArgs, repoRoot, serveCertifiableMock } from './support.ts';

const run = promisify(execFile);

interface Served {
  url: string;
  supplier: MockSupplier;
  /** Bearer tokens the mock accepts for its tenants, for runs and curl commands that use tokens. */
  tokens: readonly [string, string];
}

const closers: (() => Promise<void>)[] = [];
async function serve(faults: FaultId[] = []): Promise<Served> {
  const tokens = [
    `tenant-a-token-${Math.random().toString(36).slice(2)}`,
    `tenant-b-token-${Math.random().toString(36).slice(2)}`,
  ] as const;
  const supplier = await createMockSupplier('street-reports', {
    faults,
    tokens,
    rateLimit: { limit: 400, windowMs: 1000 },
  });
  const server = await startMockServer(supplier);
  closers.push(() => server.close());
  return { url: server.url, supplier, tokens };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'conform-to-the-point-'));
});
afterEach(() => {
  vi.unstubAllEnvs();
});
afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
  await rm(dir, { recursive: true, force: true });
});

const readReport = async (path: string) => JSON.parse(await readFile(path, 'utf8')) as RunReport;

/** Whether a report keeps to docs/report-schema.json, with the first problems when it does not. */
async function schemaProblems(report: RunReport): Promise<string | undefined> {
  const schema = JSON.parse(await readFile(join(repoRoot, 'docs', 'report-schema.json'), 'utf8')) as object;
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats.default(ajv);
  const validate = ajv.compile(schema);
  return validate(report) ? undefined : JSON.stringify(validate.errors?.slice(0, 5));
}

/** The checks a run ran: every check but those its selection left out. */
const ran = (report: RunReport) => {
  const leftOut = new Set(report.partial?.leftOut ?? []);
  return report.checks.filter((c) => !leftOut.has(c.id)).map((c) => c.id);
};
/** The checks the progress on stderr says were started, in order. */
const started = (stderr: string) => [...stderr.matchAll(/^\[ *\d+\/\d+\] (\S+) \(/gm)].map((m) => m[1]);
const failedOrErrored = (report: RunReport) =>
  report.checks.filter((c) => c.status === 'fail' || c.status === 'error').map((c) => c.id);

/** The words a POSIX shell makes of a command line (bash reads it and a function prints each word). */
async function shellWords(command: string, env: Record<string, string> = {}): Promise<string[]> {
  const script = `conform() { printf '%s\\0' "$@"; }\ncurl() { printf '%s\\0' "$@"; }\n${command}\n`;
  const { stdout } = await run('bash', ['-c', script], { env: { PATH: process.env.PATH ?? '', ...env } });
  return stdout.split('\0').slice(0, -1);
}

/** Tenants on tokens from the environment, as a supplier's CI gives them: nothing secret on argv. */
function tokensInEnvironment(served: Served): void {
  vi.stubEnv('CONFORM_TOKEN', served.tokens[0]);
  vi.stubEnv('CONFORM_SECOND_TOKEN', served.tokens[1]);
}

const baseArgs = (served: Served) => [
  'run',
  '--profile',
  'street-reports',
  '--target',
  served.url,
  '--mode',
  'sandbox',
  '--rps',
  '250',
  ...served.supplier.features.flatMap((feature) => ['--feature', feature]),
];

describe('conform run --only and --skip', { timeout: BUDGET.realRun }, () => {
  it('--only runs just the checks and clauses named, and the report says the run is partial and not certifiable', async () => {
    const served = await serve();
    tokensInEnvironment(served);
    const io = capture();
    const path = join(dir, 'only.json');
    const args = [
      ...baseArgs(served),
      '--only',
      'personal-data-requires-token,secure-hsts',
      '--only',
      'seamless',
    ];
    expect(await runCli([...args, '--report', path], io), io.stderr()).toBe(0);
    const report = await readReport(path);
    const seamless = report.checks.filter((c) => c.clause === 'seamless').map((c) => c.id);
    const chosen = ['personal-data-requires-token', 'secure-hsts', ...seamless];
    expect(seamless.length).toBeGreaterThan(1);
    expect(new Set(ran(report))).toEqual(new Set(chosen));
    expect(new Set(started(io.stderr()))).toEqual(new Set(chosen));
    expect(started(io.stderr())).toHaveLength(chosen.length);
    // Every check of the catalogue is in the report; those left out are not judged, saying why.
    for (const check of report.checks.filter((c) => !chosen.includes(c.id))) {
      expect(check.status).toBe('not-judged');
      expect(check.message).toContain('this partial run left it out');
    }
    expect(report.partial).toMatchObject({
      only: ['personal-data-requires-token', 'secure-hsts', 'seamless'],
      skip: [],
    });
    expect(report.certifiable).toBe(false);
    expect(report.certifiableReasons[0]).toMatch(
      /^a partial run \(only personal-data-requires-token, secure-hsts, seamless\): \d+ of the \d+ checks were left out/,
    );
    // Left-out checks are named once, as the selection, not each as a must check not judged.
    expect(report.certifiableReasons.join('\n')).not.toContain('must check personal-data-tenant-isolation');
    expect(io.stdout()).toMatch(/A partial run \(only .*\): \d+ of the \d+ checks ran/);
    expect(io.stdout()).toContain('Certifiable: no.');
  });

  it('--skip leaves out the checks and clauses named: a run certifiable otherwise is not, and says so', async () => {
    const served = await serveCertifiableMock(dir);
    closers.push(() => served.close());
    const io = capture();
    const path = join(dir, 'skip.json');
    const args = [
      ...mockRunArgs(served.supplier, served.url, path),
      ...served.certifiableArgs,
      '--skip',
      'no-advertising,secure-burst-rate-limited',
    ];
    expect(await runCli(args, io), io.stderr()).toBe(0);
    const report = await readReport(path);
    const skipped = report.checks
      .filter((c) => c.clause === 'no-advertising' || c.id === 'secure-burst-rate-limited')
      .map((c) => c.id);
    expect(new Set(report.partial?.leftOut)).toEqual(new Set(skipped));
    expect(started(io.stderr())).not.toEqual(expect.arrayContaining(skipped.slice(0, 1)));
    expect(started(io.stderr())).toHaveLength(report.checks.length - skipped.length);
    // The partial run is the only thing between this run and a certificate.
    expect(report.certifiable).toBe(false);
    expect(report.certifiableReasons).toEqual([
      expect.stringMatching(
        /^a partial run \(skipping no-advertising, secure-burst-rate-limited\): \d+ of the \d+ checks were left out, and only a run of every check can be certified$/,
      ),
    ]);
  });

  it('an unknown id is a usage error naming the valid ids, before any request', async () => {
    const served = await serve();
    tokensInEnvironment(served);
    const io = capture();
    expect(await runCli([...baseArgs(served), '--only', 'secure-hst,no-such-clause'], io)).toBe(2);
    expect(io.stderr()).toContain('SELECTION_UNKNOWN_ID');
    expect(io.stderr()).toContain('"secure-hst" (did you mean "secure-hsts"?)');
    expect(io.stderr()).toContain('"no-such-clause"');
    expect(io.stderr()).toMatch(/Check ids: description-discoverable, .*secure-hsts/);
    expect(io.stderr()).toMatch(/Clause ids \(each stands for its checks\): open-api, /);
    expect(io.stderr()).not.toContain('conform run:');
  });
});

describe('conform run --rerun-failed and the command each failure shows', { timeout: BUDGET.realRun }, () => {
  let served: Served;
  let first: RunReport;
  let outputs: string;
  let stdout: string;

  beforeAll(async () => {
    served = await serve(['personal-endpoint-open', 'no-licence']);
    outputs = join(dir, 'faulty');
    vi.stubEnv('CONFORM_TOKEN', served.tokens[0]);
    vi.stubEnv('CONFORM_SECOND_TOKEN', served.tokens[1]);
    const io = capture();
    const args = [
      ...baseArgs(served),
      '--seed',
      'faulty-seed-1',
      '--report',
      join(outputs, 'report.json'),
      '--junit',
      join(outputs, 'junit.xml'),
      '--html',
      join(outputs, 'report.html'),
      '--markdown',
      join(outputs, 'report.md'),
    ];
    expect(await runCli(args, io), io.stderr()).toBe(1);
    stdout = io.stdout();
    first = await readReport(join(outputs, 'report.json'));
    vi.unstubAllEnvs();
  }, BUDGET.realRun);

  it('repeats exactly what failed or errored, with the report’s settings and credentials from the environment', async () => {
    const failed = failedOrErrored(first);
    expect(failed).toEqual(expect.arrayContaining(['personal-data-requires-token']));
    tokensInEnvironment(served);
    const io = capture();
    const path = join(dir, 'rerun.json');
    expect(
      await runCli(['run', '--rerun-failed', join(outputs, 'report.json'), '--report', path], io),
      io.stderr(),
    ).toBe(1);
    const rerun = await readReport(path);
    expect(await schemaProblems(rerun)).toBeUndefined();
    expect(ran(rerun)).toEqual(failed);
    expect(started(io.stderr())).toEqual(failed);
    expect(rerun.target).toEqual(first.target);
    expect(rerun.sampling.seed).toBe('faulty-seed-1');
    expect(rerun.settings).toEqual(first.settings);
    expect(rerun.partial?.rerunOf).toEqual({ startedAt: first.startedAt, checks: failed });
    expect(rerun.certifiable).toBe(false);
    expect(rerun.certifiableReasons[0]).toContain(
      `a partial run (re-running what failed or errored in the run of ${first.startedAt})`,
    );
  });

  it('refuses flags that would contradict the report, and says when there is nothing to repeat', async () => {
    let io = capture();
    expect(
      await runCli(
        ['run', '--rerun-failed', join(outputs, 'report.json'), '--target', 'http://127.0.0.1:9'],
        io,
      ),
    ).toBe(2);
    expect(io.stderr()).toContain('RERUN_CONFLICT');
    expect(io.stderr()).toContain('drop --target');
    const clean = join(dir, 'clean.json');
    await writeFile(
      clean,
      JSON.stringify({
        ...first,
        checks: first.checks.map((c) =>
          c.status === 'fail' || c.status === 'error' ? { ...c, status: 'pass' } : c,
        ),
      }),
    );
    io = capture();
    expect(await runCli(['run', '--rerun-failed', clean], io)).toBe(0);
    expect(io.stdout()).toContain('Nothing to re-run: no check failed or errored');
  });

  it('every failure shows, in every format, the command that runs it alone again, and it does', async () => {
    const failures = first.checks.filter((c) => c.status === 'fail' || c.status === 'error');
    const texts = {
      stdout,
      'junit.xml': await readFile(join(outputs, 'junit.xml'), 'utf8'),
      'report.html': await readFile(join(outputs, 'report.html'), 'utf8'),
      'report.md': await readFile(join(outputs, 'report.md'), 'utf8'),
    };
    const escapeXml = (text: string) =>
      text
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/"/g, '&quot;')
        .replace(/'/g, '&#39;');
    for (const check of failures) {
      const command = check.rerunCommand as string;
      expect(command, check.id).toMatch(/^conform run --profile street-reports --target \S+ --mode sandbox /);
      expect(command).toContain('--seed faulty-seed-1');
      expect(command.endsWith(`--only ${check.id}`)).toBe(true);
      for (const token of served.tokens) expect(command).not.toContain(token);
      expect(texts.stdout).toContain(`run it again: ${command}`);
      expect(texts['report.md']).toContain(`\`${command}\``);
      expect(texts['junit.xml']).toContain(escapeXml(command));
      expect(texts['report.html']).toContain(escapeXml(command));
    }
    // No passing check has one.
    expect(first.checks.filter((c) => c.status === 'pass' && c.rerunCommand)).toEqual([]);

    // Typed into a shell with the credentials in the environment, the command runs that check alone.
    const check = failures.find((c) => c.id === 'personal-data-requires-token') as CheckResult;
    const words = await shellWords(check.rerunCommand as string);
    expect(words[0]).toBe('run');
    tokensInEnvironment(served);
    const io = capture();
    const path = join(dir, 'one-check.json');
    expect(await runCli([...words, '--report', path], io), io.stderr()).toBe(1);
    expect(started(io.stderr())).toEqual(['personal-data-requires-token']);
    const again = await readReport(path);
    expect(ran(again)).toEqual(['personal-data-requires-token']);
    expect(again.checks.find((c) => c.id === check.id)?.status).toBe('fail');
    expect(again.sampling.seed).toBe('faulty-seed-1');
  });
});

describe('conform run --expected-failures', { timeout: BUDGET.realRun }, () => {
  const list = async (name: string, text: string) => {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  };

  it('a listed failure does not fail the run, and the report and stdout say it was expected and why', async () => {
    const served = await serve(['personal-endpoint-open']);
    tokensInEnvironment(served);
    const path = await list(
      'expected.yaml',
      'personal-data-requires-token: The open endpoint is closed in release 4.3 (ticket SR-88)\n',
    );
    const io = capture();
    const report = join(dir, 'expected.json');
    const args = [
      ...baseArgs(served),
      '--only',
      'personal-data-requires-token',
      '--expected-failures',
      path,
      '--report',
      report,
    ];
    expect(await runCli(args, io), io.stderr()).toBe(0);
    const written = await readReport(report);
    expect(await schemaProblems(written)).toBeUndefined();
    const check = written.checks.find((c) => c.id === 'personal-data-requires-token');
    expect(check?.status).toBe('fail');
    expect(check?.expectedFailure).toEqual({
      reason: 'The open endpoint is closed in release 4.3 (ticket SR-88)',
      status: 'expected',
    });
    expect(io.stdout()).toContain('fail   personal-data-requires-token (must, expected):');
    expect(io.stdout()).toContain(
      'personal-data-requires-token (must): failed, as expected. Listed because: The open endpoint is closed in release 4.3 (ticket SR-88)',
    );
    // Still a failure for a certifier.
    expect(written.certifiable).toBe(false);
    // Without the list the same run fails.
    expect(await runCli([...baseArgs(served), '--only', 'personal-data-requires-token'], capture())).toBe(1);
  });

  it('a listed check that passes fails the run, so the list cannot go stale', async () => {
    const served = await serve();
    tokensInEnvironment(served);
    const path = await list(
      'stale.json',
      JSON.stringify({ 'personal-data-requires-token': 'Open until 4.3' }),
    );
    const io = capture();
    const args = [...baseArgs(served), '--only', 'personal-data-requires-token', '--expected-failures', path];
    expect(await runCli(args, io), io.stderr()).toBe(1);
    expect(io.stdout()).toContain(
      'personal-data-requires-token (must): PASSED: take it off the list (the run fails until it is). Listed because: Open until 4.3',
    );
    // Without the list the same run passes.
    expect(await runCli(args.slice(0, -2), capture())).toBe(0);
  });

  it('accepts the expected failures file docs/suppliers.md shows', async () => {
    const guide = await readFile(join(repoRoot, 'docs', 'suppliers.md'), 'utf8');
    const example = /```yaml\n# conform-expected-failures\.yaml\n([\s\S]*?)```/.exec(guide)?.[1];
    expect(example).toBeDefined();
    const listed = await readExpectedFailures(await list('guide.yaml', example as string));
    expect(listed.reasons.size).toBeGreaterThan(0);
    checkExpectedFailureIds(
      listed,
      CHECKS.map((c) => c.id),
      didYouMean,
    );
  });

  it('an unknown id or a missing reason in the list is a usage error, before any request', async () => {
    const served = await serve();
    tokensInEnvironment(served);
    let io = capture();
    const unknown = await list('unknown.yaml', 'secure-hst: typo\n');
    expect(await runCli([...baseArgs(served), '--expected-failures', unknown], io)).toBe(2);
    expect(io.stderr()).toContain('EXPECTED_FAILURES_UNKNOWN_CHECK');
    expect(io.stderr()).toContain('no check has the id "secure-hst" (did you mean "secure-hsts"?)');
    expect(io.stderr()).toMatch(/Check ids: description-discoverable, /);
    expect(io.stderr()).not.toContain('conform run:');
    io = capture();
    const reasonless = await list('reasonless.yaml', 'secure-hsts: ""\n');
    expect(await runCli([...baseArgs(served), '--expected-failures', reasonless], io)).toBe(2);
    expect(io.stderr()).toContain('"secure-hsts" needs a reason');
  });
});

/** HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/): what every log, entry and message must have. */
const HAR_SCHEMA = (() => {
  const pair = {
    type: 'object',
    required: ['name', 'value'],
    properties: { name: { type: 'string' }, value: { type: 'string' }, comment: { type: 'string' } },
  };
  const pairs = { type: 'array', items: pair };
  const integer = { type: 'integer', minimum: -1 };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    required: ['log'],
    additionalProperties: false,
    properties: {
      log: {
        type: 'object',
        required: ['version', 'creator', 'entries'],
        properties: {
          version: { const: '1.2' },
          creator: {
            type: 'object',
            required: ['name', 'version'],
            properties: { name: { type: 'string' }, version: { type: 'string' } },
          },
          entries: {
            type: 'array',
            items: {
              type: 'object',
              required: ['startedDateTime', 'time', 'request', 'response', 'cache', 'timings'],
              properties: {
                startedDateTime: {
                  type: 'string',
                  pattern: '^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?(Z|[+-]\\d\\d:\\d\\d)$',
                },
                time: { type: 'number', minimum: 0 },
                request: {
                  type: 'object',
                  required: [
                    'method',
                    'url',
                    'httpVersion',
                    'cookies',
                    'headers',
                    'queryString',
                    'headersSize',
                    'bodySize',
                  ],
                  properties: {
                    method: { type: 'string' },
                    url: { type: 'string' },
                    httpVersion: { type: 'string' },
                    cookies: { type: 'array' },
                    headers: pairs,
                    queryString: pairs,
                    postData: { type: 'object', required: ['mimeType'] },
                    headersSize: integer,
                    bodySize: integer,
                  },
                },
                response: {
                  type: 'object',
                  required: [
                    'status',
                    'statusText',
                    'httpVersion',
                    'cookies',
                    'headers',
                    'content',
                    'redirectURL',
                    'headersSize',
                    'bodySize',
                  ],
                  properties: {
                    status: { type: 'integer' },
                    statusText: { type: 'string' },
                    httpVersion: { type: 'string' },
                    cookies: { type: 'array' },
                    headers: pairs,
                    content: {
                      type: 'object',
                      required: ['size', 'mimeType'],
                      properties: {
                        size: { type: 'integer' },
                        mimeType: { type: 'string' },
                        text: { type: 'string' },
                      },
                    },
                    redirectURL: { type: 'string' },
                    headersSize: integer,
                    bodySize: integer,
                  },
                },
                cache: { type: 'object' },
                timings: {
                  type: 'object',
                  required: ['send', 'wait', 'receive'],
                  properties: { send: integer, wait: integer, receive: integer },
                },
              },
            },
          },
        },
      },
    },
  };
})();

describe('curl commands and --har', { timeout: BUDGET.realRun }, () => {
  let served: Served;
  let report: RunReport;
  let har: string;

  beforeAll(async () => {
    served = await serve(['export-payment-required']);
    tokensInEnvironment(served);
    const io = capture();
    const path = join(dir, 'export.json');
    const harPath = join(dir, 'export.har');
    const args = [...baseArgs(served), '--only', 'right-to-data', '--report', path, '--har', harPath];
    expect(await runCli(args, io), io.stderr()).toBe(1);
    expect(io.stdout()).toContain(`Wrote ${harPath}`);
    report = await readReport(path);
    har = await readFile(harPath, 'utf8');
    vi.unstubAllEnvs();
  }, BUDGET.realRun);

  /** The exchanges cited by the checks that failed or errored. */
  const failedEvidence = (): Exchange[] => {
    const ids = new Set(
      report.checks
        .filter((c) => c.status === 'fail' || c.status === 'error')
        .flatMap((c) => [
          ...(c.exchangeIds ?? []),
          ...(c.violations ?? []).flatMap((g) => g.examples.map((e) => e.exchangeId)),
        ]),
    );
    return report.exchanges.filter((e) => ids.has(e.id) && e.observation === undefined);
  };

  it('every failed exchange has a curl command naming $CONFORM_TOKEN, never the token, that the shell reads back as the request', async () => {
    const evidence = failedEvidence();
    expect(evidence.length).toBeGreaterThan(0);
    for (const exchange of evidence) expect(exchange.curl, exchange.id).toBeDefined();
    // Exchanges nobody cites as a failure's evidence carry none.
    expect(report.exchanges.filter((e) => e.curl && !evidence.includes(e)).length).toBe(0);
    const post = evidence.find((e) => e.request.method === 'POST' && e.credential === 'primary') as Exchange;
    expect(post, 'the refused export request').toBeDefined();
    expect(post.response?.status).toBe(402);
    const curl = post.curl as string;
    expect(curl).toContain('$CONFORM_TOKEN');
    for (const token of served.tokens) expect(curl).not.toContain(token);
    const words = await shellWords(curl, { CONFORM_TOKEN: 'token-from-the-environment' });
    expect(words).toContain('authorization: Bearer token-from-the-environment');
    expect(words).toContain(post.request.url);
    expect(words[words.indexOf('--data-raw') + 1]).toBe(post.request.bodyPreview);
    expect(words).not.toContain('--request');
  });

  it('the curl command, run with a token of the tenant, gets the answer the evidence holds', async () => {
    const post = failedEvidence().find(
      (e) => e.request.method === 'POST' && e.credential === 'primary',
    ) as Exchange;
    const { stdout } = await run('bash', ['-c', post.curl as string], {
      env: { PATH: process.env.PATH ?? '', CONFORM_TOKEN: served.tokens[0] },
    });
    expect(stdout).toMatch(new RegExp(`^HTTP/1.1 ${post.response?.status}`));
  });

  it('--har writes the run’s evidence as HAR 1.2, redacted as the report is', () => {
    const parsed = JSON.parse(har) as {
      log: {
        entries: { request: { headers: { name: string; value: string }[] }; _conformExchangeId: string }[];
      };
    };
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(HAR_SCHEMA);
    expect(validate(parsed), JSON.stringify(validate.errors?.slice(0, 5))).toBe(true);
    const http = report.exchanges.filter((e) => e.observation === undefined);
    expect(parsed.log.entries.map((e) => e._conformExchangeId)).toEqual(http.map((e) => e.id));
    for (const token of served.tokens) expect(har).not.toContain(token);
    const authorized = parsed.log.entries
      .flatMap((e) => e.request.headers)
      .filter((h) => h.name === 'authorization');
    expect(authorized.length).toBeGreaterThan(0);
    expect(new Set(authorized.map((h) => h.value))).toEqual(new Set(['[redacted]']));
  });
});

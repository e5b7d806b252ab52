import { readFile, writeFile } from 'node:fs/promises';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { SignedReport } from '@council-conform/certificates';
import type { RunReport } from '@council-conform/runner';
import { BUDGET } from '@council-conform/test-budgets';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientAddressKey } from '../src/client-address.ts';
import {
  CHECKS_PER_PAGE,
  EVIDENCE_CHARS_PER_CHECK,
  EVIDENCE_CHARS_PER_PAGE,
  SHOWN_EXAMPLE_CHARS,
  SHOWN_EXAMPLES_PER_GROUP,
  SHOWN_REGRESSION_CHARS,
  SHOWN_TEXT_CHARS,
} from '../src/evidence-pages.ts';
import { productIdOf, reportIdOf } from '../src/ids.ts';
import { DEFAULT_PAGE_CACHE } from '../src/page-cache.ts';
import {
  MAX_ATTESTATION_STATEMENTS,
  MAX_CHECKS,
  MAX_CLAUSES,
  MAX_EVIDENCE_PER_STATEMENT,
  MAX_EXAMPLES_PER_GROUP,
  MAX_EXCHANGES,
  MAX_FEATURES,
  MAX_NAME_CHARS,
  MAX_PREFLIGHT_STEPS,
  MAX_SIGNATURES,
  MAX_TEXT_CHARS,
  MAX_VIOLATION_GROUPS_PER_CHECK,
  REPORT_LIMITS,
  reportLimitExcesses,
  reportLimitUsage,
} from '../src/report-limits.ts';
import { DEFAULT_MAX_REPORT_BYTES, DEFAULT_PAGE_RATE_LIMIT } from '../src/server.ts';
import { openResultsStore, type ResultsStore } from '../src/store.ts';
import {
  asProduct,
  bearer,
  CERTIFIER_TOKEN,
  certify,
  type Keys,
  makeKeys,
  runAgainstMock,
  SPEC,
  testDashboard,
} from './support.ts';

/** What the tests hold a product page to, whatever report it shows. */
const PAGE_HTML_BOUND = 1_000_000;

const PUBLIC_URL = 'https://conform.example';
const keys: Keys = makeKeys();
let run: RunReport;
let faulty: RunReport;
let store: ResultsStore;
let http: Server;
/** Calls of `store.report`, which reads a whole report: what one page render costs most. */
let reportReads = 0;

beforeAll(async () => {
  [run, faulty] = await Promise.all([runAgainstMock(), runAgainstMock(['dates-ddmmyyyy'])]);
  store = await openResultsStore();
  // Counts whole-report reads, to see pages rendered once and then served from the cache.
  const counted = new Proxy(store, {
    get(target, property) {
      if (property === 'report')
        return (id: string) => {
          reportReads += 1;
          return target.report(id);
        };
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  // A public URL keeps cache keys the same whichever port supertest listens on.
  ({ http } = await testDashboard(counted, keys, { publicUrl: PUBLIC_URL }));
}, BUDGET.realRun);
afterAll(async () => {
  await store?.close();
});

const publish = (signed: SignedReport | object) =>
  request(http).post('/api/reports').set('authorization', bearer(CERTIFIER_TOKEN)).send(signed);

const fill = (length: number, tail = '') => {
  // `&` and `'` each take five characters once escaped into HTML: the most a character of JSON can grow.
  const body = "&'".repeat(Math.ceil(length / 2)).slice(0, length - tail.length);
  return `${body}${tail}`;
};
const escapeHtml = (text: string) =>
  text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Check = Mutable<RunReport['checks'][number]>;

describe('caps at ingest', () => {
  it('keeps real runs of the whole check catalogue within a quarter of every cap', () => {
    for (const report of [run, faulty]) {
      const usage = reportLimitUsage(certify(report, keys));
      for (const limit of REPORT_LIMITS) {
        const used = usage.get(limit.name);
        expect(used?.found ?? 0, `${limit.name} at ${used?.at}`).toBeLessThanOrEqual(limit.cap / 4);
      }
    }
  });

  /** The run as another product, with one list or text one past its cap. */
  const overCaps: Record<string, (report: Mutable<RunReport>) => void> = {
    MAX_CHECKS: (report) => {
      const first = report.checks[0] as Check;
      report.checks = Array.from({ length: MAX_CHECKS + 1 }, (_, i) => ({ ...first, id: `check-${i}` }));
    },
    MAX_VIOLATION_GROUPS_PER_CHECK: (report) => {
      const group = { kind: 'wrong', count: 1, examples: [{ message: 'wrong' }] };
      (report.checks[0] as Check).violations = Array(MAX_VIOLATION_GROUPS_PER_CHECK + 1).fill(group);
    },
    MAX_EXAMPLES_PER_GROUP: (report) => {
      const examples = Array(MAX_EXAMPLES_PER_GROUP + 1).fill({ message: 'wrong', location: '/x' });
      (report.checks[0] as Check).violations = [{ kind: 'wrong', count: examples.length, examples }];
    },
    MAX_EXCHANGES: (report) => {
      const exchange = {
        id: 'ex',
        startedAt: report.startedAt,
        durationMs: 1,
        request: { method: 'GET', url: '/', headers: {} },
      };
      report.exchanges = Array(MAX_EXCHANGES + 1).fill(exchange);
    },
    MAX_CLAUSES: (report) => {
      const clause = report.clauses[0] as RunReport['clauses'][number];
      report.clauses = Array.from({ length: MAX_CLAUSES + 1 }, (_, i) => ({
        ...clause,
        id: `clause-${i}` as typeof clause.id,
        number: i + 1,
      }));
    },
    MAX_ATTESTATION_STATEMENTS: (report) => {
      const attestation = report.attestation;
      if (!attestation) throw new Error('the run has no attestation');
      const statement = attestation.statements[0];
      if (!statement) throw new Error('the attestation has no statement');
      report.attestation = {
        ...attestation,
        statements: Array(MAX_ATTESTATION_STATEMENTS + 1).fill(statement),
      };
    },
    MAX_EVIDENCE_PER_STATEMENT: (report) => {
      const clause = report.clauses.find((c) => c.attested) as RunReport['clauses'][number];
      const attested = {
        statement: 'we do',
        evidence: Array(MAX_EVIDENCE_PER_STATEMENT + 1).fill('https://x.example/'),
      };
      report.clauses = report.clauses.map((c) => (c === clause ? { ...c, attested } : c));
    },
    MAX_PREFLIGHT_STEPS: (report) => {
      report.preflight = Array(MAX_PREFLIGHT_STEPS + 1).fill({ step: 'reach', ok: true });
    },
    MAX_FEATURES: (report) => {
      report.target = { ...report.target, features: Array(MAX_FEATURES + 1).fill('feature') };
    },
    MAX_NAME_CHARS: (report) => {
      (report.checks[0] as Check).id = 'c'.repeat(MAX_NAME_CHARS + 1);
    },
    MAX_TEXT_CHARS: (report) => {
      (report.checks[0] as Check).message = 'm'.repeat(MAX_TEXT_CHARS + 1);
    },
  };

  it('has an over-cap case below for every cap', () => {
    expect(Object.keys(overCaps).sort()).toEqual(
      REPORT_LIMITS.map((l) => l.name)
        .filter((name) => name !== 'MAX_SIGNATURES')
        .sort(),
    );
  });

  it.each(Object.keys(overCaps))(
    'refuses a report past %s with a problem naming the cap and the count, and stores nothing',
    async (limit) => {
      const product = `Over ${limit}`;
      const report = asProduct(run, 'Over Cap Ltd', product) as Mutable<RunReport>;
      overCaps[limit]?.(report);
      const signed = certify(report, keys);
      const answer = await publish(signed);
      expect(answer.status, answer.text).toBe(422);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(answer.body.reason).toBe('over-limit');
      const cap = REPORT_LIMITS.find((l) => l.name === limit)?.cap;
      expect(answer.body.limits).toContainEqual(
        expect.objectContaining({ limit, cap, found: (cap ?? 0) + 1 }),
      );
      expect(answer.body.detail).toContain(`over the cap ${limit} of ${cap}`);
      expect(answer.body.detail).toContain(`holds ${(cap ?? 0) + 1} `);
      expect(await store.report(reportIdOf(signed))).toBeUndefined();
      expect(await store.product(productIdOf('Over Cap Ltd', product, SPEC))).toBeUndefined();
    },
  );

  it('refuses a report carrying more signatures than MAX_SIGNATURES before checking any', async () => {
    const signed = certify(asProduct(run, 'Over Cap Ltd', 'Many signatures'), keys);
    const first = signed.signatures[0];
    if (!first) throw new Error('no signature');
    const padded = { ...signed, signatures: Array(MAX_SIGNATURES + 1).fill(first) };
    const answer = await publish(padded);
    expect(answer.status, answer.text).toBe(422);
    expect(answer.body.limits).toContainEqual(
      expect.objectContaining({ limit: 'MAX_SIGNATURES', cap: MAX_SIGNATURES, found: MAX_SIGNATURES + 1 }),
    );
  });
});

/**
 * Every cap reached at once where the 20 MB body allows it, with text that grows five-fold when escaped:
 * the most HTML a product page could be asked to show.
 */
function largestAccepted(base: RunReport): RunReport {
  const clauses = Array.from({ length: MAX_CLAUSES }, (_, i) => ({
    id: fill(MAX_NAME_CHARS, `-clause-${i}`) as RunReport['clauses'][number]['id'],
    number: i + 1,
    title: fill(MAX_TEXT_CHARS),
    assessment: 'both' as const,
    status: 'attested' as const,
    attested: {
      statement: fill(MAX_TEXT_CHARS),
      evidence: Array<string>(MAX_EVIDENCE_PER_STATEMENT).fill(fill(MAX_TEXT_CHARS)),
    },
  }));
  const fullGroup = {
    kind: fill(MAX_TEXT_CHARS),
    count: 1_000_000,
    // Full where the page shows them; the body has no room for more.
    examples: [
      ...Array(SHOWN_EXAMPLES_PER_GROUP).fill({
        message: fill(MAX_TEXT_CHARS),
        location: fill(MAX_TEXT_CHARS),
      }),
      ...Array(MAX_EXAMPLES_PER_GROUP - SHOWN_EXAMPLES_PER_GROUP).fill({ message: 'x' }),
    ],
  };
  const smallGroup = {
    kind: 'more',
    count: 1,
    examples: Array(MAX_EXAMPLES_PER_GROUP).fill({ message: 'x' }),
  };
  const template = base.checks[0] as Check;
  const FULL_GROUPS = 10;
  const checks = Array.from({ length: MAX_CHECKS }, (_, i) => ({
    ...template,
    id: fill(MAX_NAME_CHARS, `-check-${i}`),
    clause: clauses[i % MAX_CLAUSES]?.id ?? template.clause,
    title: fill(MAX_TEXT_CHARS),
    message: fill(MAX_TEXT_CHARS),
    status: 'fail' as const,
    // The first checks hold every kind of violation there may be, more full ones than one check shows.
    violations:
      i < 3
        ? [
            ...Array(FULL_GROUPS).fill(fullGroup),
            ...Array(MAX_VIOLATION_GROUPS_PER_CHECK - FULL_GROUPS).fill(smallGroup),
          ]
        : [],
  }));
  return structuredClone({
    ...base,
    checks,
    clauses,
    level: 'none' as const,
    levelProvisional: false,
    certifiable: false,
  });
}

describe('product pages', () => {
  it(
    'show a report at the largest size accepted over pages of bounded HTML, every check on exactly one',
    async () => {
      const report = asProduct(largestAccepted(run), 'Largest Ltd', 'Largest Product');
      const signed = certify(report, keys);
      expect(reportLimitExcesses(signed)).toEqual([]);
      const usage = reportLimitUsage(signed);
      for (const limit of [
        'MAX_CHECKS',
        'MAX_CLAUSES',
        'MAX_VIOLATION_GROUPS_PER_CHECK',
        'MAX_EXAMPLES_PER_GROUP',
        'MAX_EVIDENCE_PER_STATEMENT',
        'MAX_NAME_CHARS',
        'MAX_TEXT_CHARS',
      ])
        expect(usage.get(limit)?.found, limit).toBe(REPORT_LIMITS.find((l) => l.name === limit)?.cap);
      const body = JSON.stringify(signed);
      expect(Buffer.byteLength(body)).toBeLessThan(DEFAULT_MAX_REPORT_BYTES);
      const answer = await publish(signed);
      expect(answer.status, answer.text).toBe(201);
      const product = answer.body.links.product as string;

      const first = await request(http).get(product);
      expect(first.status).toBe(200);
      const pages = Number(/\(page 1 of (\d+)\)/.exec(first.text)?.[1]);
      expect(pages).toBeGreaterThan(1);
      const seen = new Map<string, number>();
      for (let n = 1; n <= pages; n += 1) {
        const page =
          n === 1 ? first : await request(http).get(`${product}?report=${answer.body.id}&page=${n}`);
        expect(page.status, `page ${n}`).toBe(200);
        expect(Buffer.byteLength(page.text), `page ${n}`).toBeLessThan(PAGE_HTML_BOUND);
        expect(page.text).toContain(`(page ${n} of ${pages})`);
        if (n < pages)
          expect(page.text).toContain(`href="${product}?report=${answer.body.id}&amp;page=${n + 1}#checks"`);
        else expect(page.text).not.toContain('govuk-pagination__next');
        for (const [, id] of page.text.matchAll(/id="check-([^"]*)"/g))
          seen.set(id as string, (seen.get(id as string) ?? 0) + 1);
      }
      expect(seen.size).toBe(MAX_CHECKS);
      for (const check of report.checks) expect(seen.get(escapeHtml(check.id)), check.id).toBe(1);
      expect(first.text).toMatch(/And \d+ more kinds of violation in the signed report\./);
      expect(first.text).toMatch(/And \d+ more examples in the signed report\./);
      expect((await request(http).get(`${product}?report=${answer.body.id}&page=${pages + 1}`)).status).toBe(
        404,
      );
      expect((await request(http).get(`${product}?page=0`)).status).toBe(404);
    },
    BUDGET.heavy,
  );

  it('show a real run on one page, with nothing cut short', async () => {
    const answer = await publish(certify(asProduct(faulty, 'Real Run Ltd', 'Real Product'), keys));
    expect(answer.status, answer.text).toBe(201);
    const page = await request(http).get(answer.body.links.product);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('govuk-pagination');
    expect(page.text).not.toContain('in the signed report.</p>');
    for (const check of faulty.checks) {
      expect(page.text).toContain(`id="check-${check.id}"`);
      expect(page.text).toContain(escapeHtml(check.message));
      for (const group of check.violations ?? [])
        for (const example of group.examples) expect(page.text).toContain(escapeHtml(example.message));
    }
  });
});

describe('page rendering', () => {
  it('serves a cached page until a write says data changed, rendering it once however many ask at once', async () => {
    const answer = await publish(certify(asProduct(run, 'Cache Ltd', 'Cache One'), keys));
    expect(answer.status, answer.text).toBe(201);
    const path = answer.body.links.product as string;
    const before = reportReads;
    const pages = await Promise.all([1, 2, 3].map(() => request(http).get(path)));
    expect(pages.map((p) => p.status)).toEqual([200, 200, 200]);
    expect(reportReads - before).toBe(1);
    await request(http).get(path).expect(200);
    expect(reportReads - before).toBe(1);
    // Each answer carries its own script nonce, the same in its policy and on its page.
    const nonces = pages.map((p) => /'nonce-([^']+)'/.exec(p.headers['content-security-policy'] ?? '')?.[1]);
    expect(new Set(nonces).size).toBe(3);
    for (const [index, page] of pages.entries()) expect(page.text).toContain(`nonce="${nonces[index]}"`);

    const league = await request(http).get('/');
    expect(league.text).not.toContain('Cache Two');
    const second = await publish(certify(asProduct(run, 'Cache Ltd', 'Cache Two'), keys));
    expect(second.status, second.text).toBe(201);
    expect((await request(http).get('/')).text).toContain('Cache Two');
    await request(http).get(path).expect(200);
    expect(reportReads - before).toBe(2);
  });

  it('does not see a write made behind its back until told, then does', async () => {
    const seen = await testDashboard(store, keys, { publicUrl: PUBLIC_URL });
    const other = await testDashboard(store, keys, { publicUrl: PUBLIC_URL });
    const league = () => request(seen.http).get('/');
    expect((await league()).text).not.toContain('Behind Its Back');
    const answer = await request(other.http)
      .post('/api/reports')
      .set('authorization', bearer(CERTIFIER_TOKEN))
      .send(certify(asProduct(run, 'Cache Ltd', 'Behind Its Back'), keys));
    expect(answer.status, answer.text).toBe(201);
    expect((await league()).text).not.toContain('Behind Its Back');
    seen.dashboard.dataChanged();
    expect((await league()).text).toContain('Behind Its Back');
  });

  it('limits page renders per address: past the allowance 429 with Retry-After, while /healthz, assets and other addresses are served', async () => {
    const { http: limited } = await testDashboard(store, keys, {
      pageRateLimit: { limit: 3, windowMs: 60_000 },
    });
    await new Promise<void>((resolve) => limited.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = limited.address() as AddressInfo;
      const get = (path: string, localAddress = '127.0.0.1') => fetchFrom(port, path, localAddress);
      for (let i = 0; i < 3; i += 1) expect((await get('/clauses')).status).toBe(200);
      const refused = await get('/clauses');
      expect(refused.status).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(refused.headers['content-type']).toMatch(/^text\/html/);
      expect(refused.body).toContain('<title>Sorry, there have been too many requests');
      expect(refused.body).toContain('govuk-template');
      const data = await get('/data/league-table.json');
      expect(data.status).toBe(429);
      expect(JSON.parse(data.body).type).toBe('urn:council-conform:problem:rate-limited');
      expect((await get('/healthz')).status).toBe(200);
      expect((await get('/assets/dashboard.css')).status).toBe(200);
      expect((await get('/clauses', '127.0.0.2')).status).toBe(200);
    } finally {
      await new Promise((resolve) => limited.close(resolve));
    }
  });

  it('counts an IPv6 client by its /64 network, and an IPv4-mapped address as IPv4', () => {
    expect(clientAddressKey('2001:db8:1:2:aaaa::1')).toBe(
      clientAddressKey('2001:db8:1:2:bbbb:cccc:dddd:eeee'),
    );
    expect(clientAddressKey('2001:db8:1:2::1')).not.toBe(clientAddressKey('2001:db8:1:3::1'));
    expect(clientAddressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientAddressKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(clientAddressKey('192.0.2.1')).not.toBe(clientAddressKey('192.0.2.2'));
  });
});

function fetchFrom(
  port: number,
  path: string,
  localAddress: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest({ host: '127.0.0.1', port, path, localAddress, agent: false }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () =>
        resolve({
          status: answer.statusCode ?? 0,
          headers: answer.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      answer.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

// ---- docs/dashboard.md's "Limits" section, written from the constants ----

const DOC = join(import.meta.dirname, '..', '..', '..', 'docs', 'dashboard.md');
const START = '<!-- limits:start';
const END = '<!-- limits:end -->';
const n = (value: number) => value.toLocaleString('en-GB');

function limitsSection(): string {
  const caps = REPORT_LIMITS.map((limit) => `| \`${limit.name}\` | ${n(limit.cap)} | ${limit.counts} |`);
  const pages: [string, string, string][] = [
    [
      '`DEFAULT_MAX_REPORT_BYTES`',
      `${n(DEFAULT_MAX_REPORT_BYTES / 1024 / 1024)} MB`,
      'a signed report’s body (413 past it)',
    ],
    ['`CHECKS_PER_PAGE`', n(CHECKS_PER_PAGE), 'checks on one product page'],
    [
      '`EVIDENCE_CHARS_PER_PAGE`',
      n(EVIDENCE_CHARS_PER_PAGE),
      'characters of evidence HTML on one product page, as estimated before rendering; the page breaks before the check that would pass it',
    ],
    [
      '`EVIDENCE_CHARS_PER_CHECK`',
      n(EVIDENCE_CHARS_PER_CHECK),
      'characters of violations shown for one check, estimated likewise; kinds past it are left to the signed report',
    ],
    ['`SHOWN_EXAMPLES_PER_GROUP`', n(SHOWN_EXAMPLES_PER_GROUP), 'examples shown for one kind'],
    [
      '`SHOWN_TEXT_CHARS`',
      n(SHOWN_TEXT_CHARS),
      'characters of a title, message or kind shown before it is cut short',
    ],
    [
      '`SHOWN_EXAMPLE_CHARS`',
      n(SHOWN_EXAMPLE_CHARS),
      'characters of an example shown before it is cut short (an exploration finding’s curl command)',
    ],
    ['`SHOWN_REGRESSION_CHARS`', n(SHOWN_REGRESSION_CHARS), 'characters of a regression’s description shown'],
    [
      '`DEFAULT_PAGE_RATE_LIMIT`',
      `${n(DEFAULT_PAGE_RATE_LIMIT.limit)} a minute`,
      'pages, open data, signed reports and badges one address (an IPv6 /64) may ask for',
    ],
    [
      '`DEFAULT_PAGE_CACHE`',
      `${n(DEFAULT_PAGE_CACHE.ttlMs / 1000)} s, ${n(DEFAULT_PAGE_CACHE.maxBytes / 1024 / 1024)} MB`,
      'how long a rendered page is served again, and how much the cache holds',
    ],
  ];
  return [
    `${START} (written by apps/dashboard/test/bounded-work.test.ts from the constants it names; rewrite with UPDATE_DASHBOARD_DOC=1) -->`,
    '',
    '| Cap | At most | Of |',
    '| --- | ---: | --- |',
    ...caps,
    '',
    '| Page limit | Value | Of |',
    '| --- | ---: | --- |',
    ...pages.map(([name, value, of]) => `| ${name} | ${value} | ${of} |`),
    '',
    END,
  ].join('\n');
}

it('has the limits in docs/dashboard.md as the code sets them', async () => {
  const doc = await readFile(DOC, 'utf8');
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  expect(start, 'docs/dashboard.md has no limits section').toBeGreaterThan(-1);
  const expected = `${doc.slice(0, start)}${limitsSection()}${doc.slice(end + END.length)}`;
  if (process.env.UPDATE_DASHBOARD_DOC === '1') await writeFile(DOC, expected);
  const written = await readFile(DOC, 'utf8');
  expect(written, 'docs/dashboard.md is stale: run this test with UPDATE_DASHBOARD_DOC=1').toBe(expected);
});

import { setTimeout as sleep } from 'node:timers/promises';
import { BUDGET } from '@council-conform/test-budgets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Check,
  type CheckResult,
  PreflightError,
  type PreflightStep,
  REDACTED,
  type RunReport,
  resolveRunConfig,
  runConformance,
} from '../src/index.ts';
import { HOSTILE_REFERENCE, PERSONAL_FIELDS } from './hostile/reference.ts';
import { type Handler, type HostileSupplier, json, startHostileSupplier } from './hostile/server.ts';
import { seededRandom as random } from './support.ts';

/**
 * A property over many generated runs: whatever a supplier echoes back, and wherever, no secret the runner was
 * given or saw (client secret, token, cookie, API key) and no personal field value the supplier served ever
 * reaches the report, the events the runner emits, or the error it throws. Each run draws, from one seed, its
 * secrets, its residents, and which of the leaks below the supplier commits; a failure names its run's seed.
 */
const SEED = 0x5eed_2026;
const RUNS = 100;

class Draw {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = random(seed);
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** Token68 characters, the ones bearer tokens and secrets are made of, `+ / =` included. */
  secret(prefix: string): string {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/=';
    let out = prefix;
    for (let i = this.int(14, 40); i > 0; i--) out += alphabet[this.int(0, alphabet.length - 1)];
    return out;
  }
  /** A made-up word no report would hold by chance. */
  word(): string {
    const syllables = ['zor', 'bel', 'qui', 'nax', 'ter', 'vol', 'mip', 'dru', 'ska', 'fen', 'yth', 'ogo'];
    let out = '';
    for (let i = this.int(3, 4); i > 0; i--) out += syllables[this.int(0, syllables.length - 1)];
    return out;
  }
}

interface Person {
  readonly id: string;
  readonly full_name: string;
  readonly email: string;
  readonly date_of_birth: string;
  readonly phone: string;
  readonly ward: string;
}

/** One generated run: its secrets, its residents, and where the supplier leaks them. */
interface Plan {
  readonly seed: number;
  readonly clientSecret: string;
  readonly bearer: boolean;
  readonly token: string;
  readonly cookie: string;
  readonly apiKey: string;
  readonly preference: string;
  readonly people: readonly Person[];
  readonly peopleBody: 'json' | 'padded' | 'html' | 'invalid' | 'text-plain';
  readonly leaks: {
    readonly recordEchoesSecrets: boolean;
    readonly redirectCarriesToken: boolean;
    readonly whoamiEchoesAuthorization: boolean;
    readonly nextLinkCarriesEmail: boolean;
    readonly errorEchoesSecret: boolean;
    readonly tokenEndpointRefusesEchoingSecret: boolean;
  };
}

function plan(seed: number): Plan {
  const draw = new Draw(seed);
  const people = Array.from({ length: draw.int(1, 12) }, (_, i): Person => {
    const first = draw.word();
    const last = draw.word();
    return {
      id: `p${i + 1}`,
      full_name: `${first[0]?.toUpperCase()}${first.slice(1)} ${last[0]?.toUpperCase()}${last.slice(1)}`,
      email: `${first}.${last}${draw.int(10, 99)}@${draw.word()}.example`,
      date_of_birth: `19${draw.int(30, 99)}-0${draw.int(1, 9)}-${draw.int(10, 28)}`,
      phone: `07700 9${draw.int(10000, 99999)}`,
      ward: ['Abbey', 'Castle', 'Riverside'][draw.int(0, 2)] as string,
    };
  });
  return {
    seed,
    clientSecret: draw.secret('cs-'),
    bearer: draw.chance(0.3),
    token: draw.secret('tok-'),
    cookie: draw.secret('sid-'),
    apiKey: draw.secret('key-'),
    preference: draw.secret('pref-'),
    people,
    peopleBody: (['json', 'padded', 'html', 'invalid', 'text-plain'] as const)[draw.int(0, 4)] ?? 'json',
    leaks: {
      recordEchoesSecrets: draw.chance(0.5),
      redirectCarriesToken: draw.chance(0.5),
      whoamiEchoesAuthorization: draw.chance(0.7),
      nextLinkCarriesEmail: draw.chance(0.5),
      errorEchoesSecret: draw.chance(0.7),
      tokenEndpointRefusesEchoingSecret: draw.chance(0.1),
    },
  };
}

const PERSONAL_KEYS = ['full_name', 'email', 'date_of_birth', 'phone'] as const;

function peopleCsv(people: readonly Person[]): string {
  const quote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  const header = ['id', ...PERSONAL_KEYS, 'ward'];
  return `${header.join(',')}\r\n${people.map((p) => header.map((k) => quote(p[k as keyof Person])).join(',')).join('\r\n')}\r\n`;
}

/** The supplier's answers for the current plan; swapped between runs so one server serves them all. */
function routesFor(current: () => Plan): (supplier: HostileSupplier) => Record<string, Handler> {
  return (supplier) => ({
    '/oauth/token': (_q, res, { body }) => {
      const p = current();
      if (p.leaks.tokenEndpointRefusesEchoingSecret)
        return json(res, 401, {
          error: 'invalid_client',
          error_description: `unknown secret ${p.clientSecret}`,
        });
      if (new URLSearchParams(body).get('client_secret') !== p.clientSecret)
        return json(res, 401, { error: 'invalid_client' });
      supplier.issued.push(p.token);
      json(res, 200, { access_token: p.token, token_type: 'Bearer', expires_in: 3600 });
    },
    '/items/1': (_q, res, { url, authorised }) => {
      const p = current();
      if (!authorised) return json(res, 401, { title: 'Unauthorized' });
      if (p.leaks.redirectCarriesToken && !url.searchParams.has('access_token')) {
        res.writeHead(302, {
          location: `/items/1?access_token=${p.token}&trace=${encodeURIComponent(p.cookie)}`,
        });
        return res.end();
      }
      json(res, 200, {
        id: '1',
        name: 'Garden waste',
        ...(p.leaks.recordEchoesSecrets ? { debug: `${p.token} ${p.clientSecret} ${p.cookie}` } : {}),
      });
    },
    '/whoami': (request, res, { authorised }) => {
      const p = current();
      if (!authorised) return json(res, 401, { title: 'Unauthorized' });
      json(
        res,
        200,
        { tenant: 'a', ...(p.leaks.whoamiEchoesAuthorization ? { saw: request.headers.authorization } : {}) },
        { 'x-echo': `${p.token}`, 'set-cookie': [`sid=${p.cookie}; Path=/; HttpOnly`, 'theme=dark'] },
      );
    },
    '/echo-headers': (request, res) => json(res, 200, { headers: request.headers }),
    '/people': (_q, res, { url, authorised }) => {
      const p = current();
      if (!authorised) return json(res, 401, { title: 'Unauthorized' });
      const second = url.searchParams.get('cursor') === '2';
      const items = second ? p.people.slice(1) : p.people.slice(0, 1);
      const next = second
        ? null
        : `/people?limit=100&cursor=2${p.leaks.nextLinkCarriesEmail ? `&email=${encodeURIComponent(p.people[0]?.email ?? '')}` : ''}`;
      const page = { items, next, ...(p.peopleBody === 'padded' ? { padding: 'x'.repeat(300 * 1024) } : {}) };
      if (p.peopleBody === 'html') {
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.end(`<html><script>window.page = ${JSON.stringify(page)};</script></html>`);
      }
      if (p.peopleBody === 'text-plain') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        return res.end(JSON.stringify(page));
      }
      if (p.peopleBody === 'invalid') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify(page).slice(0, -3));
      }
      json(res, 200, page);
    },
    '/people/deep': (_q, res) => {
      const [first, ...rest] = current().people;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        `{"person":${JSON.stringify(first)},"nested":${'['.repeat(20_000)}${JSON.stringify(rest)}${']'.repeat(20_000)}}`,
      );
    },
    '/people/missing': (_q, res) => {
      const p = current();
      json(
        res,
        404,
        {
          title: 'Not Found',
          detail: p.leaks.errorEchoesSecret
            ? `no person; you sent ${p.token} (client ${p.clientSecret})`
            : 'none',
        },
        { 'content-type': 'application/problem+json' },
      );
    },
    '/exports/job-1': (_q, res) =>
      json(res, 200, {
        id: 'job-1',
        status: 'complete',
        manifest: {
          files: [
            { dataset: 'people', format: 'csv', url: '/exports/job-1/people.csv' },
            { dataset: 'people', format: 'ndjson', url: '/exports/job-1/people.ndjson' },
          ],
        },
      }),
    '/exports/job-1/people.csv': (_q, res) => {
      res.writeHead(200, { 'content-type': 'text/csv' });
      res.end(peopleCsv(current().people));
    },
    '/exports/job-1/people.ndjson': (_q, res) => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.end(
        current()
          .people.map((person) => `${JSON.stringify(person)}\n`)
          .join(''),
      );
    },
  });
}

const check = (id: string, run: Check['run']): Check => ({
  id,
  clause: 'personal-data',
  severity: 'must',
  title: id,
  description: 'a property-test check',
  sampling: 'What the leaky supplier serves, once.',
  run,
});

/**
 * Checks that quote what they were answered, secrets and all, in messages, violations and data, as a careless
 * check would: the runner is what must keep those out of the report. None quotes a personal value (a check
 * points at records by location; see docs/security.md).
 */
const CHECKS: readonly Check[] = [
  check('prop-record', async (ctx) => {
    const response = await ctx.http.request({ url: '/items/1', auth: 'primary' });
    return {
      status: 'pass',
      message: `item 1 said ${response.text()}`,
      exchangeIds: [response.exchange.id],
      judged: { count: 1, of: 'records' },
    };
  }),
  check('prop-whoami', async (ctx) => {
    const response = await ctx.http.request({ url: '/whoami', auth: 'primary' });
    return {
      status: 'fail',
      message: `whoami said ${response.text()}`,
      violations: [
        { kind: 'echo', count: 1, examples: [{ message: `x-echo: ${response.header('x-echo')}` }] },
      ],
      data: { headers: response.headers },
    };
  }),
  check('prop-headers', async (ctx) => {
    const response = await ctx.http.request({
      url: '/echo-headers',
      headers: { 'x-api-key': current().apiKey, cookie: `pref=${current().preference}; lang=en` },
    });
    return {
      status: 'pass',
      message: `the server saw ${response.text()}`,
      exchangeIds: [response.exchange.id],
      judged: { count: 1, of: 'responses' },
    };
  }),
  check('prop-people', async (ctx) => {
    const people = ctx.reference.profile.datasets.find((d) => d.id === 'people');
    if (!people) throw new Error('no people dataset');
    const crawl = await ctx.crawl(people);
    const deep = await ctx.http.request({ url: '/people/deep', auth: 'primary' });
    return {
      status: 'pass',
      message: `${crawl.records.length} people in ${crawl.pages} pages${crawl.problem ? ` (${crawl.problem})` : ''}; the deep body answered ${deep.status}`,
      exchangeIds: [deep.exchange.id],
      judged: { count: 1, of: 'responses' },
    };
  }),
  check('prop-errors', async (ctx) => {
    const response = await ctx.http.request({ url: '/people/missing', auth: 'primary' });
    return { status: 'fail', message: `answered ${response.status}: ${response.text()}` };
  }),
  check('prop-export', async (ctx) => {
    const job = await ctx.http.request({ url: '/exports/job-1', auth: 'primary' });
    const files = (job.json() as { manifest: { files: { url: string }[] } }).manifest.files;
    let bytes = 0;
    for (const file of files)
      bytes += (await ctx.http.download({ url: file.url, auth: 'primary' }, () => undefined)).bytes;
    return {
      status: 'pass',
      message: `${files.length} files, ${bytes} bytes`,
      exchangeIds: [job.exchange.id],
      judged: { count: Math.max(files.length, 1), of: 'export files' },
    };
  }),
];

let currentPlan: Plan;
const current = () => currentPlan;
let supplier: HostileSupplier;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => {
  unhandled.push(reason);
};

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  supplier = await startHostileSupplier({ routes: routesFor(current) });
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await supplier.close();
});

/** Every form a value could leak in: as it is, URL-encoded, form-encoded, or escaped inside a JSON string. */
function forms(value: string): string[] {
  return [
    value,
    encodeURIComponent(value),
    new URLSearchParams({ v: value }).toString().slice(2),
    JSON.stringify(value).slice(1, -1),
  ];
}

describe('redaction, over generated runs', () => {
  it(`keeps every secret and personal value out of ${RUNS} runs' reports, events and errors`, {
    timeout: BUDGET.heavy,
  }, async () => {
    const found: string[] = [];
    let redacted = 0;
    let preflightStops = 0;
    for (let run = 0; run < RUNS; run++) {
      currentPlan = plan(SEED + run);
      const p = currentPlan;
      supplier.issued.length = 0;
      if (p.bearer) supplier.issued.push(p.token);
      const steps: PreflightStep[][] = [];
      const ended: CheckResult[] = [];
      let report: RunReport | undefined;
      let thrown = '';
      try {
        report = await runConformance({
          config: resolveRunConfig({
            target: supplier.url,
            credentials: p.bearer
              ? { token: p.token }
              : { clientId: 'client-a', clientSecret: p.clientSecret },
            requestsPerSecond: 1000,
            requestTimeoutMs: 2_000,
            runBudgetMs: 20_000,
          }),
          reference: HOSTILE_REFERENCE,
          checks: CHECKS,
          personalFields: PERSONAL_FIELDS,
          runner: { name: 'property', version: '0' },
          events: {
            onPreflight: (s) => steps.push([...s]),
            onCheckEnd: (result) => ended.push(result),
          },
        });
      } catch (error) {
        if (!(error instanceof PreflightError) || !error.report) throw error;
        preflightStops += 1;
        report = error.report;
        thrown = error.message;
      }
      const returned = `${JSON.stringify(report)}\n${thrown}`;
      const emitted = `${JSON.stringify(steps)}\n${JSON.stringify(ended)}`;
      const text = `${returned}\n${emitted}`;
      redacted += text.split(REDACTED).length - 1;
      const secrets = {
        token: p.token,
        cookie: p.cookie,
        apiKey: p.apiKey,
        preference: p.preference,
        ...(p.bearer ? {} : { clientSecret: p.clientSecret }),
      };
      for (const [name, value] of Object.entries(secrets)) {
        // The session cookie is first set by /whoami, after prop-record's event went out quoting it: an event
        // cannot be scrubbed of a secret not yet seen. The report, written at the end, is held to it.
        const where = name === 'cookie' ? returned : text;
        if (forms(value).some((form) => where.includes(form))) found.push(`seed ${p.seed}: ${name} ${value}`);
      }
      for (const person of p.people)
        for (const key of PERSONAL_KEYS)
          if (forms(person[key]).some((form) => text.includes(form)))
            found.push(`seed ${p.seed}: ${key} ${person[key]} (${p.peopleBody})`);
    }
    await sleep(20);
    expect(found).toEqual([]);
    expect(unhandled).toEqual([]);
    // The property held over runs that really were exposed: secrets and residents were served and redacted.
    expect(redacted).toBeGreaterThan(RUNS * 10);
    expect(preflightStops).toBeGreaterThan(0);
    expect(preflightStops).toBeLessThan(RUNS / 2);
    expect(supplier.hits.get('/exports/job-1/people.csv') ?? 0).toBeGreaterThan(RUNS / 2);
  });
});

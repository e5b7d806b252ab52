import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadReference } from '@council-conform/checks';
import {
  createMockSupplier,
  type FaultId,
  type MockSupplier,
  type MockTenant,
  startMockServer,
} from '@council-conform/mocks';
import { type JsonObject, resolvePointer } from '@council-conform/openapi';
import { REDACTED, type ReferenceDataset } from '@council-conform/runner';
import { loadFixtures } from '@council-conform/specs';
import { createMemoryRecordStore } from '@council-conform/storage';
import { BUDGET } from '@council-conform/test-budgets';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RUN_ENV } from '../src/commands/run.ts';
import { runCli } from '../src/index.ts';
import { capture, repoRoot } from './support.ts';

/**
 * A property over many generated runs of the real `conform run`, in process: whatever a supplier echoes back,
 * and wherever, no secret given to the command (a client secret or bearer token, on the command line, in the
 * environment or in the config file; the round trip's client secret) or served to it (an access token the
 * token endpoint issued, a session cookie) and no value of a field the reference spec classifies as personal
 * or special-category that the supplier served ever appears in the JSON, HTML, JUnit or Markdown report, or in
 * anything the command printed: not as it is, not encoded or escaped, and, for a secret, not even 12 of its
 * characters together (a secret cut short by a check quoting the start of an answer).
 *
 * Each run draws, from one seed: a profile (street reports, with residents made up for the run, half the time;
 * another profile with personal data, with the mock's own records, otherwise), its credentials and how each
 * reaches the command, a few of the mock's seeded faults, an easy-exit round trip into a second mock or not,
 * and which of the leaks below a proxy in front of each mock commits. A failure names its run's seed;
 * CONFORM_PROPERTY_SEED replays another sequence. The default sequence is one in which every leak this test has
 * found so far (a day-first date of birth or a home's UPRN quoted by a check, personal values in a CSV whose
 * broken quoting shifted its columns or in an import request's NDJSON, a round trip quoting what changed, a
 * token cut short) would be caught again.
 */
const SEED = Number(process.env.CONFORM_PROPERTY_SEED ?? 19_139);
const RUNS = Number(process.env.CONFORM_PROPERTY_RUNS ?? 24);
const PROFILES = [
  'childrens-social-care',
  'housing-repairs',
  'council-tax',
  'business-rates',
  'planning-applications',
  'premises-licences',
  'waste-collections',
] as const;
/** Where the proxy serves the token endpoint when the run is told of it by CONFORM_TOKEN_URL or the file. */
const TOKEN_ALIAS = '/auth/connect/token';
/** Marks the links the proxy leaks secrets through; it takes its parameters off again on the way in. */
const LEAK_MARK = '_leak';
/** Characters of a secret that, found together in an output, count as a leak of it. */
const FRAGMENT = 12;
const OUTPUTS = {
  json: 'report.json',
  html: 'report.html',
  junit: 'junit.xml',
  markdown: 'report.md',
} as const;

/** mulberry32: small, seeded, good enough to draw test cases from. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)] as T;
  }
  /** Token68 characters, what bearer tokens are made of, `+ / =` included. */
  token(prefix: string): string {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/=';
    let out = prefix;
    for (let i = this.int(16, 40); i > 0; i--) out += alphabet[this.int(0, alphabet.length - 1)];
    return out;
  }
  /** A client secret: token characters, now and then with characters that HTML, XML, Markdown or URLs escape. */
  clientSecret(): string {
    let out = this.token('cs-');
    if (this.chance(0.5))
      for (let i = this.int(1, 3); i > 0; i--) {
        const at = this.int(4, out.length);
        out = `${out.slice(0, at)}${this.pick(['&', '<', '>', '"', "'", '|', '`', '%', ' '])}${out.slice(at)}`;
      }
    return out;
  }
  /** A session cookie's value: no `;`, `,` or spaces. */
  cookie(): string {
    return this.token('sid-').replace(/[+/=]/g, '_');
  }
  /** A made-up word no report would hold by chance. */
  word(): string {
    const syllables = ['zor', 'bel', 'qui', 'nax', 'ter', 'vol', 'mip', 'dru', 'ska', 'fen', 'yth', 'ogo'];
    let out = '';
    for (let i = this.int(3, 4); i > 0; i--) out += this.pick(syllables);
    return out;
  }
  /** A made-up name, now and then with an apostrophe or a letter beyond ASCII. */
  name(): string {
    const word = this.word();
    const capital = `${word[0]?.toUpperCase()}${word.slice(1)}`;
    return this.chance(0.15) ? `O'${capital}` : this.chance(0.1) ? `${capital}-Ågren` : capital;
  }
}

type Rec = Record<string, unknown>;
type Via = 'argv' | 'env' | 'file';

const isObject = (value: unknown): value is Rec =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Mock faults that change what the checks see and say (and so what reaches a report), without slowing a run. */
const FAULTS: readonly FaultId[] = [
  'personal-endpoint-open',
  'personal-bad-token-accepted',
  'cross-tenant-readable',
  'personal-query-parameter',
  'credentials-in-query-accepted',
  'html-errors-with-stack-trace',
  'errors-not-problem-json',
  'inconsistent-error-shape',
  'export-payment-required',
  'export-contact-sales',
  'export-extra-records',
  'export-stale-snapshot',
  'export-truncated-file',
  'export-csv-broken-quoting',
  'export-manifest-count-lies',
  'dates-ddmmyyyy',
  'uprn-with-spaces',
  'description-lies-about-shape',
  'write-without-token',
];

/** One generated run: the profile, how credentials reach the command, the mock's faults, and the leaks. */
interface Plan {
  readonly seed: number;
  readonly profile: string;
  readonly credentials: 'client' | 'bearer';
  readonly primaryVia: Via;
  readonly secondVia: Via | 'none';
  readonly tokenUrlVia: 'default' | 'env' | 'file';
  readonly targetVia: Via;
  readonly profileVia: Via;
  readonly modeVia: Via;
  readonly featuresVia: 'argv' | 'env';
  readonly reportsVia: 'argv' | 'file';
  readonly mode: 'sandbox' | 'readonly';
  readonly tenants: readonly [MockTenant, MockTenant];
  readonly tokens: readonly [string, string];
  /** The easy-exit round trip into a second, empty mock (sandbox runs), and how its target is given. */
  readonly roundTrip?: { readonly via: Via; readonly tenant: MockTenant };
  /** Street reports only: the reporters each tenant holds, made up for this run. */
  readonly residents?: { readonly a: readonly Rec[]; readonly b: readonly Rec[] };
  readonly faults: readonly FaultId[];
  /** How the first page of the personal dataset's list comes back. */
  readonly personalBody: 'json' | 'text-plain' | 'html' | 'truncated';
  readonly leaks: {
    /** The token endpoint refuses the client, quoting the secret it was sent: the run stops at pre-flight. */
    readonly tokenEndpointRefuses: boolean;
    /** Every answer sets a session cookie, one per caller. */
    readonly sessionCookie: boolean;
    /** Answers carry the caller's Authorization header and session in headers (and WWW-Authenticate). */
    readonly headersEcho: boolean;
    /** JSON objects gain a `_debug` member quoting the Authorization header, session and client secret. */
    readonly bodyEcho: boolean;
    /** Records in bare-array lists gain a `_trace` member quoting the Authorization header. */
    readonly recordsEcho: boolean;
    /** Errors quote the credentials in `detail`, with a resident's value under its personal field name. */
    readonly problemEcho: boolean;
    /** The token endpoint's answers quote the client secret it was sent and the token it issued. */
    readonly tokenEcho: boolean;
    /** The personal list first answers with a redirect to itself carrying the token, session and a resident. */
    readonly redirect: boolean;
    /** Next links carry the token and a resident's value under its personal field name. */
    readonly nextLink: boolean;
    /** Non-JSON errors quote the credentials too, after padding that puts them where checks cut text short. */
    readonly paddedErrors: boolean;
    /** The round-trip target refuses the import, quoting the credentials it was sent. */
    readonly importRefused: boolean;
    /** The round-trip target reads personal values back changed, so the round trip reports them differing. */
    readonly importMangles: boolean;
  };
}

/** Street reports' reporters with every personal field made up, in the shape the fixtures have. */
function madeUpReporters(draw: Draw, base: readonly Rec[], suffix: string): Rec[] {
  return base.map((record) => {
    const first = draw.name();
    const last = draw.name();
    const plain = (name: string) => name.toLowerCase().replace(/[^a-z]/g, '');
    const out: Rec = { ...record, id: `${String(record.id)}${suffix}` };
    if ('first_name' in record) out.first_name = first;
    if ('last_name' in record) out.last_name = last;
    if ('email' in record)
      out.email = `${plain(first)}.${plain(last)}${draw.int(10, 99)}@${draw.word()}.example`;
    if ('phone' in record) out.phone = `07700 9${draw.int(10000, 99999)}`;
    if ('device_id' in record) out.device_id = `dev-${draw.word()}${draw.int(100, 999)}`;
    if ('account_id' in record) out.account_id = `fms-${draw.word()}${draw.int(100, 999)}`;
    return out;
  });
}

function plan(seed: number, reporters: readonly Rec[]): Plan {
  const draw = new Draw(seed);
  const via = (): Via => draw.pick(['argv', 'env', 'file'] as const);
  const profile = draw.chance(0.5) ? 'street-reports' : draw.pick(PROFILES);
  const credentials = draw.chance(0.7) ? 'client' : 'bearer';
  const tenant = (letter: string, name: string): MockTenant => ({
    id: `tenant-${letter}`,
    name,
    clientId: `client-${letter}-${draw.word()}`,
    clientSecret: draw.clientSecret(),
  });
  const faults = new Set<FaultId>();
  for (let i = draw.int(0, 2); i > 0; i--) faults.add(draw.pick(FAULTS));
  const mode = draw.chance(0.8) ? 'sandbox' : 'readonly';
  const roundTrip = mode === 'sandbox' && draw.chance(0.35);
  return {
    seed,
    profile,
    credentials,
    primaryVia: via(),
    secondVia: draw.chance(0.9) ? via() : 'none',
    tokenUrlVia: credentials === 'client' ? draw.pick(['default', 'env', 'file'] as const) : 'default',
    targetVia: via(),
    profileVia: via(),
    modeVia: via(),
    featuresVia: draw.pick(['argv', 'env'] as const),
    reportsVia: draw.pick(['argv', 'file'] as const),
    mode,
    tenants: [tenant('a', 'London Borough of Hackney'), tenant('b', 'London Borough of Camden')],
    tokens: [draw.token('tok-a-'), draw.token('tok-b-')],
    ...(roundTrip ? { roundTrip: { via: via(), tenant: tenant('rt', 'The next supplier') } } : {}),
    ...(profile === 'street-reports'
      ? {
          residents: {
            a: madeUpReporters(draw, reporters.slice(0, draw.int(12, reporters.length)), ''),
            b: madeUpReporters(draw, reporters.slice(0, 3), '-tb'),
          },
        }
      : {}),
    faults: [...faults],
    personalBody: draw.chance(0.7) ? 'json' : draw.pick(['text-plain', 'html', 'truncated'] as const),
    leaks: {
      tokenEndpointRefuses: credentials === 'client' && draw.chance(0.1),
      sessionCookie: draw.chance(0.8),
      headersEcho: draw.chance(0.6),
      bodyEcho: draw.chance(0.6),
      recordsEcho: draw.chance(0.3),
      problemEcho: draw.chance(0.7),
      tokenEcho: draw.chance(0.5),
      redirect: draw.chance(0.5),
      nextLink: draw.chance(0.6),
      paddedErrors: draw.chance(0.5),
      importRefused: roundTrip && draw.chance(0.3),
      importMangles: roundTrip && draw.chance(0.6),
    },
  };
}

/** What a profile's reference says, for finding its personal values and its personal list. */
interface Profile {
  readonly id: string;
  readonly document: JsonObject;
  readonly datasets: readonly ReferenceDataset[];
  /** Every property name the reference classifies as personal anywhere: what the runner redacts by. */
  readonly names: ReadonlySet<string>;
  /** The reference document as text: a value it holds (an enum, an example) is published, not a resident's. */
  readonly documentText: string;
  /** The path of the first personal dataset's list, where the proxy redirects and mangles. */
  readonly personalList?: string;
}

const profiles = new Map<string, Profile>();
async function profileOf(id: string): Promise<Profile> {
  const known = profiles.get(id);
  if (known) return known;
  const { reference, personalFields } = await loadReference(id);
  const document = reference.document as JsonObject;
  const paths = (document.paths ?? {}) as Record<string, Rec>;
  const pathOf = (operationId: string) =>
    Object.entries(paths).find(([, item]) =>
      Object.values(item).some((op) => isObject(op) && op.operationId === operationId),
    )?.[0];
  const personal = reference.profile.datasets.find((d) => d.classification !== 'public');
  const personalList = personal ? pathOf(personal.list) : undefined;
  const profile: Profile = {
    id,
    document,
    datasets: reference.profile.datasets,
    names: personalFields,
    documentText: JSON.stringify(document),
    ...(personalList && !personalList.includes('{') ? { personalList } : {}),
  };
  profiles.set(id, profile);
  return profile;
}

const PERSONAL = new Set(['personal', 'special-category']);

/**
 * Splits a record's string values into those the reference classifies as personal or special-category (a
 * property so classified, or anything under one, or under a nested schema so classified) and the rest, by
 * walking the record along its schema: `$ref`s, `allOf`, the `oneOf`/`anyOf` branches the value fits,
 * `items` and `additionalProperties`. The record's own schema may be classified as a whole; its ids and
 * timestamps are not a person's values, so only what its properties say counts.
 */
function classify(
  document: JsonObject,
  schemaName: string,
  record: unknown,
  out: { personal: Set<string>; other: Set<string> },
): void {
  const deref = (node: unknown): Rec => {
    let current = node;
    for (let i = 0; i < 20 && isObject(current) && typeof current.$ref === 'string'; i++)
      current = current.$ref.startsWith('#/') ? resolvePointer(document, current.$ref.slice(1)) : undefined;
    return isObject(current) ? current : {};
  };
  const classified = (node: unknown): boolean => {
    const raw = isObject(node) ? node['x-data-classification'] : undefined;
    return PERSONAL.has(String(raw)) || PERSONAL.has(String(deref(node)['x-data-classification']));
  };
  /** The schema and every part of it that applies to `value`: allOf parts, and the branches it fits. */
  const parts = (node: unknown, value: unknown, depth = 0): Rec[] => {
    const schema = deref(node);
    if (depth > 10) return [schema];
    const out = [schema];
    for (const part of Array.isArray(schema.allOf) ? schema.allOf : [])
      out.push(...parts(part, value, depth + 1));
    const branches = [
      ...(Array.isArray(schema.oneOf) ? schema.oneOf : []),
      ...(Array.isArray(schema.anyOf) ? schema.anyOf : []),
    ];
    const fits = branches.filter((branch) => {
      const b = deref(branch);
      if (!isObject(value) || !isObject(b.properties)) return !isObject(value) || !isObject(b.properties);
      const properties = b.properties as Rec;
      if (b.additionalProperties === false && Object.keys(value).some((key) => !(key in properties)))
        return false;
      return Object.entries(properties).every(([key, p]) => {
        const property = deref(p);
        if (!(key in value)) return true;
        if ('const' in property) return property.const === value[key];
        if (Array.isArray(property.enum) && typeof value[key] === 'string')
          return property.enum.includes(value[key]);
        return true;
      });
    });
    for (const branch of fits.length > 0 ? fits : branches) out.push(...parts(branch, value, depth + 1));
    return out;
  };
  const walk = (nodes: readonly unknown[], value: unknown, personal: boolean, depth: number): void => {
    if (depth > 30) return;
    if (typeof value === 'string') {
      (personal ? out.personal : out.other).add(value);
      return;
    }
    const schemas = nodes.flatMap((node) => parts(node, value));
    if (Array.isArray(value)) {
      const items = schemas.flatMap((s) => (s.items === undefined ? [] : [s.items]));
      for (const item of value) walk(items, item, personal || items.some(classified), depth + 1);
      return;
    }
    if (!isObject(value)) return;
    for (const [key, child] of Object.entries(value)) {
      const children = schemas.flatMap((s) => {
        const property = isObject(s.properties) ? s.properties[key] : undefined;
        if (property !== undefined) return [property];
        return isObject(s.additionalProperties) ? [s.additionalProperties] : [];
      });
      walk(children, child, personal || children.some(classified), depth + 1);
    }
  };
  walk([{ $ref: `#/components/schemas/${schemaName}` }], record, false, 0);
}

/** RFC 4180 rows, enough for the mock's CSV export files. */
function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      rows.push([...row, field]);
      row = [];
      field = '';
    } else field += char;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

/** Counts, from what the proxy passed on, strings under any personal field name: the residents it served. */
function servedPersonal(body: string, contentType: string, names: ReadonlySet<string>, into: Set<string>) {
  const walk = (value: unknown, under: boolean): void => {
    if (typeof value === 'string') {
      if (under) into.add(value);
    } else if (Array.isArray(value)) for (const item of value) walk(item, under);
    else if (isObject(value))
      for (const [key, child] of Object.entries(value)) walk(child, under || names.has(key));
  };
  const parse = (text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      return undefined;
    }
  };
  if (/csv/i.test(contentType)) {
    const [header, ...rows] = csvRows(body);
    const columns = (header ?? []).flatMap((name, index) => (names.has(name.trim()) ? [index] : []));
    for (const row of rows)
      for (const index of columns) {
        const cell = row[index] ?? '';
        const nested = /^[[{]/.test(cell) ? parse(cell) : undefined;
        walk(nested ?? cell, true);
      }
    return;
  }
  const whole = parse(body);
  if (whole !== undefined) return walk(whole, false);
  for (const line of body.split('\n')) walk(parse(line), false);
}

/** What the proxy did in one run, so the test can tell the property was exercised. */
interface Served {
  /** Access tokens the token endpoint issued, as they went past. */
  readonly issued: Set<string>;
  /** Session cookies set, by caller (the Authorization header, or none). */
  readonly cookies: Map<string, string>;
  /** Secrets the proxy echoed back (Authorization headers, tokens, cookies, client secrets). */
  readonly echoed: Set<string>;
  /** Strings served under personal field names, in JSON, NDJSON and CSV bodies. */
  readonly personal: Set<string>;
  redirects: number;
  exportFiles: number;
}

interface Current {
  readonly plan: Plan;
  readonly profile: Profile;
  readonly names: ReadonlySet<string>;
  /** Personal values of the run's records, with the field they sit under, for the proxy to leak. */
  readonly residents: readonly { readonly key: string; readonly value: string }[];
  readonly draw: Draw;
  readonly served: Served;
  readonly redirected: Set<string>;
}

/** One of the two suppliers a run talks to behind the proxy: the target, or the round trip's next supplier. */
interface Side {
  readonly upstream: string;
  /** The client secret the run was given for this supplier (none on bearer tokens). */
  readonly secret?: string;
  readonly roundTrip: boolean;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * A leaky supplier: a node:http proxy in front of a mock that, as the current plan says, echoes credentials
 * back in bodies and headers, sets session cookies, puts secrets and residents in redirects and next links,
 * quotes them in problem details, and mangles the personal list's body.
 */
async function leak(
  current: Current,
  side: Side,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const { plan: p, profile, draw, served, redirected, residents } = current;
  const { upstream } = side;
  const { leaks } = p;
  const body = await readBody(request);
  const url = new URL(request.url ?? '/', 'http://proxy');
  const origin = `http://${request.headers.host}`;
  if (url.searchParams.has(LEAK_MARK)) {
    for (const key of [...url.searchParams.keys()])
      if (key === LEAK_MARK || key === 'access_token' || key === 'session' || current.names.has(key))
        url.searchParams.delete(key);
  }
  if (url.pathname === TOKEN_ALIAS) url.pathname = '/oauth/token';
  const isToken = url.pathname === '/oauth/token';
  const isDescription = url.pathname === '/openapi.json' || url.pathname.startsWith('/.well-known/');
  const isExportFile = /^\/exports\/[^/]+\/files\//.test(url.pathname);
  const authorization = request.headers.authorization;
  const bearer = authorization?.replace(/^Bearer\s+/i, '');
  const resident = residents.length > 0 ? draw.pick(residents) : undefined;
  const headers: Record<string, string | string[]> = {};
  const echo = (...values: (string | null | undefined)[]) => {
    for (const value of values) if (value) served.echoed.add(value);
  };

  let cookie = served.cookies.get(authorization ?? '');
  if (leaks.sessionCookie && !isToken) {
    if (!cookie) {
      cookie = draw.cookie();
      served.cookies.set(authorization ?? '', cookie);
    }
    headers['set-cookie'] = [`sid=${cookie}; Path=/; HttpOnly`, 'theme=dark; Path=/'];
  }
  const givenSecret = side.secret;
  const postedSecret = isToken ? new URLSearchParams(body.toString('utf8')).get('client_secret') : null;
  const send = (status: number, text: string | Buffer, contentType?: string) => {
    const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
    if (contentType) headers['content-type'] = contentType;
    headers['content-length'] = String(bytes.length);
    response.writeHead(status, headers);
    response.end(bytes);
  };

  if (isToken && leaks.tokenEndpointRefuses) {
    echo(postedSecret, givenSecret);
    return send(
      401,
      JSON.stringify({
        error: 'invalid_client',
        error_description: `client secret ${postedSecret} is not ${givenSecret}`,
      }),
      'application/json',
    );
  }
  if (
    leaks.redirect &&
    !side.roundTrip &&
    request.method === 'GET' &&
    bearer &&
    url.pathname === profile.personalList &&
    !redirected.has(url.pathname)
  ) {
    redirected.add(url.pathname);
    served.redirects += 1;
    echo(bearer, cookie);
    const leaky = new URLSearchParams(url.searchParams);
    leaky.set(LEAK_MARK, '1');
    leaky.set('access_token', bearer);
    if (cookie) leaky.set('session', cookie);
    if (resident) leaky.set(resident.key, resident.value);
    headers.location = `${url.pathname}?${leaky.toString()}`;
    return send(302, '');
  }

  if (side.roundTrip && leaks.importRefused && request.method === 'POST' && url.pathname === '/imports') {
    echo(bearer, givenSecret);
    const padding = '.'.repeat(draw.int(255, 290));
    return send(503, `${padding} you sent Bearer ${bearer} for client secret ${givenSecret}`, 'text/plain');
  }

  const forwarded: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers))
    if (
      value !== undefined &&
      !['host', 'connection', 'content-length', 'accept-encoding', 'transfer-encoding'].includes(name)
    )
      forwarded[name] = Array.isArray(value) ? value.join(', ') : value;
  const answer = await fetch(`${upstream}${url.pathname}${url.search}`, {
    method: request.method ?? 'GET',
    headers: forwarded,
    redirect: 'manual',
    ...(body.length > 0 && request.method !== 'GET' && request.method !== 'HEAD' ? { body } : {}),
  });
  const contentType = answer.headers.get('content-type') ?? '';
  // The mock writes its own origin into links; the runner must see the proxy's.
  answer.headers.forEach((value, name) => {
    if (['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'set-cookie'].includes(name))
      return;
    headers[name] = (name === 'link' ? value.split(/,\s*(?=<)/) : [value]).map((v) =>
      v.replaceAll(upstream, origin),
    );
  });
  let raw = Buffer.from(await answer.arrayBuffer());
  if (!isExportFile) raw = Buffer.from(raw.toString('latin1').replaceAll(upstream, origin), 'latin1');
  const text = raw.toString('utf8');
  if (!isDescription) servedPersonal(text, contentType, current.names, served.personal);
  if (isExportFile) {
    served.exportFiles += 1;
    return send(answer.status, raw);
  }
  if (leaks.headersEcho && !isToken) {
    echo(authorization, cookie);
    headers['x-debug-authorization'] = authorization ?? 'none';
    if (cookie) headers['x-session-id'] = cookie;
    if (answer.status === 401)
      headers['www-authenticate'] =
        `Bearer realm="council", error="invalid_token", error_description="${authorization ?? 'none'} is not valid"`;
  }
  let json: unknown;
  try {
    json = /json/i.test(contentType) ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (json === undefined && answer.status >= 400 && leaks.paddedErrors) {
    // Checks quote the start of an error they cannot read (its first 80, 300 or 500 characters): the
    // credentials come after padding that puts them across those cuts.
    echo(bearer, cookie, givenSecret);
    const padding = ' '.repeat(draw.pick([60, 280, 480]) + draw.int(0, 15));
    return send(
      answer.status,
      `${padding}token ${bearer} session ${cookie ?? ''} secret ${givenSecret ?? ''} ${text}`,
      contentType,
    );
  }
  if (json === undefined || isDescription) return send(answer.status, raw);

  const debug = {
    authorization: authorization ?? 'none',
    ...(cookie ? { session: cookie } : {}),
    ...(givenSecret ? { client: givenSecret } : {}),
  };
  if (isToken) {
    const token = isObject(json) ? json.access_token : undefined;
    if (typeof token === 'string') served.issued.add(token);
    if (leaks.tokenEcho && isObject(json)) {
      echo(postedSecret, typeof token === 'string' ? token : undefined);
      json = { ...json, client_secret_seen: postedSecret, note: `issued ${String(token)}` };
    }
  } else if (answer.status >= 400 && isObject(json)) {
    if (leaks.problemEcho) {
      echo(authorization, cookie, givenSecret);
      json = {
        ...json,
        detail: `${String(json.detail ?? json.message ?? '')} (you sent ${debug.authorization}${cookie ? ` with session ${cookie}` : ''}${givenSecret ? `; the client secret on file is ${givenSecret}` : ''})`,
        ...(resident ? { [resident.key]: resident.value } : {}),
      };
    }
  } else if (isObject(json)) {
    let object: Rec = json;
    if (leaks.bodyEcho) {
      echo(authorization, cookie, givenSecret);
      object = { ...object, _debug: debug };
    }
    if (leaks.nextLink && typeof object.next === 'string') {
      echo(bearer);
      const next = new URL(object.next, origin);
      next.searchParams.set(LEAK_MARK, '1');
      if (bearer) next.searchParams.set('access_token', bearer);
      if (resident) next.searchParams.set(resident.key, resident.value);
      headers.link = [`<${next.toString()}>; rel="next"`];
      object = { ...object, next: next.toString() };
    }
    json = object;
  } else if (Array.isArray(json) && leaks.recordsEcho) {
    echo(authorization);
    json = json.map((item) => (isObject(item) ? { ...item, _trace: debug.authorization } : item));
  }
  if (side.roundTrip && leaks.importMangles && request.method === 'GET' && answer.status === 200) {
    // The next supplier reads personal values back changed: the round trip finds them differing.
    const mangle = (value: unknown, under: boolean): unknown => {
      if (typeof value === 'string') return under ? `${value}~` : value;
      if (Array.isArray(value)) return value.map((item) => mangle(item, under));
      if (!isObject(value)) return value;
      return Object.fromEntries(
        Object.entries(value).map(([key, child]) => [key, mangle(child, under || current.names.has(key))]),
      );
    };
    json = mangle(json, false);
  }
  const out = JSON.stringify(json);
  if (
    !side.roundTrip &&
    url.pathname === profile.personalList &&
    answer.status === 200 &&
    p.personalBody !== 'json'
  ) {
    if (p.personalBody === 'text-plain') return send(200, out, 'text/plain');
    if (p.personalBody === 'html')
      return send(200, `<html><script>window.page = ${out};</script></html>`, 'text/html');
    return send(200, out.slice(0, -3), contentType);
  }
  return send(answer.status, out);
}

/**
 * Every form a value could leak in: as it is, URL- or form-encoded, JSON-escaped (once, or twice as in a body
 * preview inside the JSON report), escaped for HTML and XML or for a Markdown table cell; and a date or UPRN
 * also as the seeded faults serve it (day-first, digits spaced).
 */
function forms(value: string): string[] {
  const served = [value];
  const date = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?/.exec(value);
  if (date) {
    const [, y, m, d, h, min] = date;
    served.push(h ? `${d}/${m}/${y} ${h}:${min}` : `${d}/${m}/${y}`);
  }
  if (/^\d{8,}$/.test(value)) served.push(value.replace(/(\d{4})(?=\d)/g, '$1 '));
  const html = (text: string) =>
    text
      .replaceAll('&', '&amp;')
      .replaceAll('<', '&lt;')
      .replaceAll('>', '&gt;')
      .replaceAll('"', '&quot;')
      .replaceAll("'", '&#39;');
  const out = new Set<string>();
  for (const form of served) {
    const json = JSON.stringify(form).slice(1, -1);
    for (const encoded of [
      form,
      encodeURIComponent(form),
      new URLSearchParams({ v: form }).toString().slice(2),
      json,
      JSON.stringify(json).slice(1, -1),
    ]) {
      out.add(encoded);
      out.add(html(encoded));
      out.add(html(encoded).replaceAll('&#39;', '&#x27;').replaceAll('&quot;', '&#34;'));
      out.add(html(encoded).replaceAll('|', '\\|').replaceAll('`', 'ʼ'));
    }
  }
  return [...out];
}

interface Needle {
  readonly text: string;
  readonly label: string;
}

/**
 * Finds which of many needles occur in a text in one pass: needles are indexed by a rolling hash of their first
 * K characters, so each text is walked once, not once per needle.
 */
class Needles {
  private static readonly K = 6;
  private readonly byHash = new Map<number, Needle[]>();
  private readonly short: Needle[] = [];
  constructor(needles: Iterable<Needle>) {
    for (const needle of needles) {
      if (needle.text.length < Needles.K) {
        this.short.push(needle);
        continue;
      }
      const hash = Needles.hash(needle.text, 0);
      const list = this.byHash.get(hash) ?? [];
      list.push(needle);
      this.byHash.set(hash, list);
    }
  }
  private static hash(text: string, from: number): number {
    let h = 0;
    for (let i = from; i < from + Needles.K; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
    return h;
  }
  find(text: string): Needle[] {
    const found = new Set<Needle>(this.short.filter((needle) => text.includes(needle.text)));
    if (text.length < Needles.K) return [...found];
    let power = 1;
    for (let i = 0; i < Needles.K - 1; i++) power = Math.imul(power, 31);
    let h = Needles.hash(text, 0);
    for (let i = 0; ; i++) {
      const candidates = this.byHash.get(h);
      if (candidates) for (const needle of candidates) if (text.startsWith(needle.text, i)) found.add(needle);
      if (i + Needles.K >= text.length) break;
      h = (Math.imul(h - Math.imul(text.charCodeAt(i), power), 31) + text.charCodeAt(i + Needles.K)) | 0;
    }
    return [...found];
  }
}

/**
 * The personal values of every record the mock holds for a profile (both tenants), by the reference's
 * classification. A value shorter than 6 characters, one the reference document itself holds (an enum, an
 * example), or one inside a value the supplier also serves in a field not classified personal (a date, a
 * street name, a record id) cannot be told apart from public text, and is left out.
 */
async function personalValues(supplier: MockSupplier, profile: Profile) {
  const found = { personal: new Set<string>(), other: new Set<string>() };
  const keyed: { key: string; value: string }[] = [];
  for (const dataset of profile.datasets)
    for (const tenant of dataset.classification === 'public' ? ['tenant-a'] : ['tenant-a', 'tenant-b'])
      for (const record of await supplier.records(dataset.id, tenant)) {
        const before = found.personal.size;
        classify(profile.document, dataset.schema, record, found);
        if (dataset.classification !== 'public' && found.personal.size > before)
          for (const [key, value] of Object.entries(record))
            if (typeof value === 'string' && value.length >= 6 && found.personal.has(value))
              keyed.push({ key, value });
      }
  const candidates = [...found.personal].filter(
    (value) => value.length >= 6 && !profile.documentText.includes(JSON.stringify(value).slice(1, -1)),
  );
  const inPublic = valuesWithin(candidates, [...found.other].join('\u0000'));
  const values = candidates.filter((value) => !inPublic.has(value));
  const kept = new Set(values);
  return { values, keyed: keyed.filter(({ value }) => kept.has(value)) };
}

let dir: string;
let proxy: Server;
let proxyUrl: string;
let nextProxy: Server;
let nextProxyUrl: string;
let sides: { target: Side; next: Side };
let reporters: Rec[];
let currentRun: Current;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'conform-secrets-'));
  reporters = (await loadFixtures('street-reports')).reporters as Rec[];
  const listen = async (side: () => Side): Promise<[Server, string]> => {
    const server = createServer((request, response) => {
      leak(currentRun, side(), request, response).catch((error: unknown) => {
        if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' });
        response.end(`proxy: ${(error as Error).message}`);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return [server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`];
  };
  [proxy, proxyUrl] = await listen(() => sides.target);
  [nextProxy, nextProxyUrl] = await listen(() => sides.next);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  for (const server of [proxy, nextProxy]) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await rm(dir, { recursive: true, force: true });
});

/** The command line, environment and config file of one run, each setting from where the plan says. */
async function invocation(p: Plan, features: readonly string[], outputs: string) {
  const args = ['run'];
  const env: Record<string, string> = {};
  // The budgets have no flags: they always come from the file.
  const file: Rec = {
    requestTimeoutMs: 5_000,
    runBudgetMs: 40_000,
    maxRetryAfterMs: 2_000,
    exportBudgetMs: 3_000,
  };
  const set = (via: Via, flag: string, variable: string, key: string, value: string) => {
    if (via === 'argv') args.push(flag, value);
    else if (via === 'env') env[variable] = value;
    else file[key] = value;
  };
  set(p.profileVia, '--profile', RUN_ENV.profile, 'profile', p.profile);
  set(p.targetVia, '--target', RUN_ENV.target, 'target', proxyUrl);
  set(p.modeVia, '--mode', RUN_ENV.mode, 'mode', p.mode);
  const credentials = (which: 0 | 1, via: Via) => {
    const tenant = p.tenants[which];
    const second = which === 1;
    if (p.credentials === 'bearer') {
      const token = p.tokens[which];
      if (via === 'argv') args.push(second ? '--second-token' : '--token', token);
      else if (via === 'env') env[second ? RUN_ENV.secondToken : RUN_ENV.token] = token;
      else file[second ? 'secondTenant' : 'credentials'] = { token };
    } else if (via === 'argv')
      args.push(
        second ? '--second-client-id' : '--client-id',
        tenant.clientId,
        second ? '--second-client-secret' : '--client-secret',
        tenant.clientSecret,
      );
    else if (via === 'env') {
      env[second ? RUN_ENV.secondClientId : RUN_ENV.clientId] = tenant.clientId;
      env[second ? RUN_ENV.secondClientSecret : RUN_ENV.clientSecret] = tenant.clientSecret;
    } else
      file[second ? 'secondTenant' : 'credentials'] = {
        clientId: tenant.clientId,
        clientSecret: tenant.clientSecret,
      };
  };
  credentials(0, p.primaryVia);
  if (p.secondVia !== 'none') credentials(1, p.secondVia);
  if (p.roundTrip) {
    const { via, tenant } = p.roundTrip;
    if (via === 'argv')
      args.push(
        '--round-trip',
        nextProxyUrl,
        '--round-trip-client-id',
        tenant.clientId,
        '--round-trip-client-secret',
        tenant.clientSecret,
      );
    else if (via === 'env') {
      env[RUN_ENV.roundTrip] = nextProxyUrl;
      env[RUN_ENV.roundTripClientId] = tenant.clientId;
      env[RUN_ENV.roundTripClientSecret] = tenant.clientSecret;
    } else
      file.roundTrip = {
        target: nextProxyUrl,
        credentials: { clientId: tenant.clientId, clientSecret: tenant.clientSecret },
      };
  }
  if (p.tokenUrlVia === 'env') env[RUN_ENV.tokenUrl] = `${proxyUrl}${TOKEN_ALIAS}`;
  if (p.tokenUrlVia === 'file') file.tokenUrl = `${proxyUrl}${TOKEN_ALIAS}`;
  if (p.featuresVia === 'argv') for (const feature of features) args.push('--feature', feature);
  else env[RUN_ENV.features] = features.join(',');
  args.push('--rps', '250', '--attestation', join(repoRoot, 'docs', 'examples', 'attestation.yaml'));
  if (p.reportsVia === 'argv')
    args.push(
      '--report',
      join(outputs, OUTPUTS.json),
      '--html',
      join(outputs, OUTPUTS.html),
      '--junit',
      join(outputs, OUTPUTS.junit),
      '--markdown',
      join(outputs, OUTPUTS.markdown),
    );
  else file.reports = OUTPUTS;
  const config = join(outputs, 'conform.config.json');
  await writeFile(config, JSON.stringify(file, null, 2));
  args.push('--config', config);
  return { args, env };
}

interface Outcome {
  readonly exitCode: number;
  /** What the command printed and every report it wrote, by where. */
  readonly texts: Record<string, string>;
  readonly served: Served;
  readonly personal: readonly string[];
  readonly ms: number;
}

async function runOnce(p: Plan): Promise<Outcome> {
  const started = performance.now();
  const profile = await profileOf(p.profile);
  const store = createMemoryRecordStore();
  if (p.residents)
    for (const [tenant, records] of [
      ['tenant-a', p.residents.a],
      ['tenant-b', p.residents.b],
    ] as const)
      await store.upsert(
        { space: p.profile, dataset: 'reporters', tenant },
        records.map((record) => ({ id: String(record.id), record })),
      );
  const supplier = await createMockSupplier(p.profile, {
    store,
    tenants: p.tenants,
    faults: p.faults,
    rateLimit: { limit: 400, windowMs: 1000 },
    ...(p.credentials === 'bearer' ? { tokens: p.tokens } : {}),
  });
  const { values, keyed } = await personalValues(supplier, profile);
  const mock = await startMockServer(supplier);
  const next = p.roundTrip
    ? await startMockServer(
        await createMockSupplier(p.profile, {
          seed: false,
          features: supplier.spec.profile.operations.optional,
          tenants: [p.roundTrip.tenant, p.tenants[1]],
          rateLimit: { limit: 10_000, windowMs: 1000 },
        }),
      )
    : undefined;
  sides = {
    target: {
      upstream: mock.url,
      ...(p.credentials === 'client' ? { secret: p.tenants[0].clientSecret } : {}),
      roundTrip: false,
    },
    next: { upstream: next?.url ?? mock.url, secret: p.roundTrip?.tenant.clientSecret, roundTrip: true },
  };
  const served: Served = {
    issued: new Set(),
    cookies: new Map(),
    echoed: new Set(),
    personal: new Set(),
    redirects: 0,
    exportFiles: 0,
  };
  currentRun = {
    plan: p,
    profile,
    names: profile.names,
    residents: keyed.filter(({ key }) => profile.names.has(key)),
    draw: new Draw(p.seed ^ 0xc00c1e),
    served,
    redirected: new Set(),
  };
  const outputs = join(dir, `run-${p.seed}`);
  await mkdir(outputs, { recursive: true });
  const { args, env } = await invocation(p, supplier.features, outputs);
  // Nothing from the machine's own environment takes part; only what the plan gives.
  for (const variable of Object.values(RUN_ENV)) vi.stubEnv(variable, env[variable] ?? '');
  const io = capture();
  let exitCode: number;
  try {
    exitCode = await runCli(args, io);
  } finally {
    vi.unstubAllEnvs();
    await mock.close();
    await next?.close();
  }
  const texts: Record<string, string> = { stdout: io.stdout(), stderr: io.stderr() };
  for (const [format, name] of Object.entries(OUTPUTS)) {
    const path = join(outputs, name);
    if (existsSync(path)) texts[format] = await readFile(path, 'utf8');
  }
  // Exploration invents its requests' values (a date, a string) from its seed; one of them can equal a
  // personal value by chance (a random `modified_after` on a child's date of birth), and cannot be told apart
  // from it, as with a value the supplier also serves in a public field. Such a value is left out of this run.
  const coincident = valuesWithin(values, explorationRequests(texts.json));
  return {
    exitCode,
    texts,
    served,
    personal: values.filter((value) => !coincident.has(value)),
    ms: performance.now() - started,
  };
}

/** Which of the values occur somewhere in the text. */
function valuesWithin(values: readonly string[], text: string): Set<string> {
  return new Set(
    new Needles(values.map((value) => ({ text: value, label: value })))
      .find(text)
      .map((needle) => needle.text),
  );
}

/** The requests exploration sent, as the JSON report records them (URL decoded too): values it made up. */
function explorationRequests(json: string | undefined): string {
  if (json === undefined) return '';
  let report: { exchanges?: { note?: string; request?: { url?: string } }[] };
  try {
    report = JSON.parse(json);
  } catch {
    return '';
  }
  const texts: string[] = [];
  for (const exchange of report.exchanges ?? []) {
    if (!exchange.note?.startsWith('exploration') || !exchange.request) continue;
    const request = JSON.stringify(exchange.request);
    texts.push(request);
    try {
      texts.push(decodeURIComponent(exchange.request.url ?? ''));
    } catch {
      // A URL exploration broke on purpose (a lone %) is already there as it was sent.
    }
  }
  return texts.join('\u0000');
}

describe('conform run, over generated runs against a leaky supplier', () => {
  it(`keeps every secret and personal value out of ${RUNS} runs' reports (JSON, HTML, JUnit, Markdown) and log`, {
    timeout: BUDGET.heavy,
  }, async () => {
    const found: string[] = [];
    const stats = {
      runs: [] as string[],
      complete: 0,
      preflightStops: 0,
      redacted: 0,
      personalValues: 0,
      personalServed: 0,
      redirects: 0,
      exportFiles: 0,
      roundTrips: 0,
      echoed: { clientSecret: 0, bearerToken: 0, issuedToken: 0, cookie: 0, roundTripSecret: 0 },
    };
    for (let run = 0; run < RUNS; run++) {
      const p = plan(SEED + run, reporters);
      const { texts, served, personal, exitCode, ms } = await runOnce(p);
      stats.runs.push(
        `${p.seed} ${p.profile} ${p.credentials} [${p.faults.join(' ')}]: exit ${exitCode}, ${Math.round(ms)} ms`,
      );
      const needles: Needle[] = [];
      const label = (kind: string, value: string) => `${kind} ${JSON.stringify(value)}`;
      const add = (kind: string, value: string) => {
        for (const form of forms(value)) needles.push({ text: form, label: label(kind, value) });
      };
      const secrets: [string, string][] = [
        ...(p.credentials === 'client'
          ? p.tenants.map((t) => ['client secret', t.clientSecret] as [string, string])
          : p.tokens.map((t) => ['bearer token', t] as [string, string])
        ).slice(0, p.secondVia === 'none' ? 1 : 2),
        ...(p.roundTrip
          ? [['round-trip client secret', p.roundTrip.tenant.clientSecret] as [string, string]]
          : []),
        ...[...served.issued].map((t) => ['issued access token', t] as [string, string]),
        ...[...served.cookies.values()].map((c) => ['session cookie', c] as [string, string]),
      ];
      for (const [kind, secret] of secrets) {
        add(kind, secret);
        // A secret cut short (a check quoting the first characters of an answer) is still a secret.
        for (let at = 0; at + FRAGMENT <= secret.length; at++)
          needles.push({ text: secret.slice(at, at + FRAGMENT), label: `part of ${label(kind, secret)}` });
      }
      for (const value of personal) add('personal value', value);
      const index = new Needles(needles);
      for (const [where, text] of Object.entries(texts))
        for (const labelled of new Set(index.find(text).map((needle) => needle.label)))
          found.push(`seed ${p.seed} (SEED ${SEED} + ${run}, ${p.profile}): ${where} holds ${labelled}`);

      if (Object.keys(OUTPUTS).every((format) => format in texts)) stats.complete += 1;
      if (/PREFLIGHT_FAILED/.test(texts.stderr ?? '')) stats.preflightStops += 1;
      stats.redacted += Object.values(texts).reduce((n, text) => n + text.split(REDACTED).length - 1, 0);
      stats.personalValues += personal.length;
      stats.personalServed += personal.filter((value) => served.personal.has(value)).length;
      stats.redirects += served.redirects;
      stats.exportFiles += served.exportFiles;
      const echoed = (value: string) =>
        served.echoed.has(value) || served.echoed.has(`Bearer ${value}`) ? 1 : 0;
      if (p.credentials === 'client') stats.echoed.clientSecret += echoed(p.tenants[0].clientSecret);
      else stats.echoed.bearerToken += echoed(p.tokens[0]);
      for (const token of served.issued) stats.echoed.issuedToken += echoed(token);
      for (const cookie of served.cookies.values()) stats.echoed.cookie += echoed(cookie);
      if (p.roundTrip) {
        stats.roundTrips += 1;
        stats.echoed.roundTripSecret += echoed(p.roundTrip.tenant.clientSecret);
      }
    }
    const summary = `seed ${SEED}:\n${stats.runs.join('\n')}\n${JSON.stringify({ ...stats, runs: undefined })}`;
    expect(found, `${summary}\nsecrets or personal values reached an output`).toEqual([]);
    // The property held over runs that really were exposed: secrets and residents were served, and redacted.
    expect(stats.complete, summary).toBeGreaterThan(RUNS * 0.7);
    expect(stats.preflightStops, summary).toBeGreaterThan(0);
    expect(stats.redacted, summary).toBeGreaterThan(RUNS * 50);
    expect(stats.personalServed, summary).toBeGreaterThan(RUNS * 20);
    expect(stats.redirects, summary).toBeGreaterThan(RUNS / 10);
    expect(stats.exportFiles, summary).toBeGreaterThan(RUNS);
    expect(stats.echoed.clientSecret, summary).toBeGreaterThan(RUNS / 5);
    expect(stats.echoed.bearerToken, summary).toBeGreaterThan(0);
    expect(stats.echoed.issuedToken, summary).toBeGreaterThan(RUNS / 5);
    expect(stats.echoed.cookie, summary).toBeGreaterThan(RUNS);
    expect(stats.roundTrips, summary).toBeGreaterThan(RUNS / 10);
    expect(stats.echoed.roundTripSecret, summary).toBeGreaterThan(0);
  });
});

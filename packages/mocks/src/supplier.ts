import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  isPublicOperation,
  type JsonObject,
  referenceSchemaValidator,
  resolvePointer,
  type SchemaValidator,
} from '@council-conform/openapi';
import { type DatasetProfile, type LoadedSpec, loadFixtures, loadSpec } from '@council-conform/specs';
import type { RecordScope, RecordStore } from '@council-conform/storage';
// The in-memory store alone: the package's main entry also opens PGlite and PostgreSQL, which a mock never
// needs and the supplier's installable CLI must not carry.
import { createMemoryRecordStore } from '@council-conform/storage/memory';
import { http, type RequestHandler } from 'msw';
import { createClientRateLimits, type RateLimitedClient } from './client-rate-limits.ts';
import { LEGACY_PREFIX, LEGACY_SUNSET, servedDescription } from './description.ts';
import { windows1252 } from './encoding.ts';
import { withExploreFaults } from './explore-faults.ts';
import {
  buildDatasetExport,
  type ExportFileBody,
  type ManifestFile,
  writeDatasetExportFiles,
} from './exports.ts';
import { type FaultId, getFault } from './faults.ts';
import { withParameterValidation } from './parameter-validation.ts';
import { PROBLEM, type ProblemInit, problemResponse } from './problems.ts';
import { createPublicRecords } from './public-records.ts';
import { buildRoutes, matchRoute, type Route } from './routes.ts';
import { sampleFromSchema } from './sampler.ts';
import { freeTextField } from './text-fields.ts';
import { transformRecord } from './transforms.ts';
import { fieldDroppedOnCreate, recordFromTemplate, updateRecordedIn, WrittenIds } from './written-records.ts';

type Rec = Record<string, unknown>;

export interface MockTenant {
  readonly id: string;
  readonly name: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

export interface MockSupplierOptions {
  /** Fault ids from the catalogue; each changes one behaviour. */
  faults?: readonly string[];
  /** Path prefix the API is mounted under, e.g. `/api`. Default: none. */
  basePath?: string;
  /** Bearer tokens to accept as-is, one per tenant in order (first: tenant A). */
  tokens?: readonly string[];
  /** Fixed client credentials per tenant instead of random ones. */
  tenants?: readonly MockTenant[];
  /** How long an export takes to complete. Default 0: complete at the first poll. */
  exportDelayMs?: number;
  /**
   * Requests allowed per client per window before 429. Default 50 per second. A client is the tenant of a
   * valid token; without one (no token, or a token this API never issued) it is the address the request
   * came from, which gets `anonymousLimit`, by default a tenth of it, as public APIs commonly allow
   * unauthenticated callers less. Token requests get `limit` per address, apart from the rest.
   */
  rateLimit?: { limit: number; windowMs: number; anonymousLimit?: number };
  tokenTtlSeconds?: number;
  /**
   * Optional operations of the profile this supplier offers; the others answer 501 problem+json, as an
   * honest API does for what it does not implement. Default: every optional operation but the bulk import.
   */
  features?: readonly string[];
  /**
   * Start with the fixtures (default) or with no records at all: an empty implementation to import an
   * export into, for the easy-exit round trip.
   */
  seed?: boolean;
  /**
   * Where records live. Default: a fresh store in memory. The reference server passes PostgreSQL storage,
   * shared by every spec it serves, so records are kept per `space` (default: the spec's id).
   */
  store?: RecordStore;
  space?: string;
  /**
   * Write export files here as they are produced, streaming records from the store, so that an export of
   * any size never sits in memory. Without it (and whenever export faults are seeded) files are built in
   * memory, which is what a mock needs.
   */
  exportDirectory?: string;
  /** Clock, for tests: tokens, exports and imports follow it; rate-limit windows follow the timers. */
  now?: () => number;
}

/** What the transport knows about who sent a request, which a fetch `Request` does not carry. */
export interface MockClientInfo {
  /** The peer's address. Requests without one (in-process, over msw) share one address's allowance. */
  readonly address?: string | undefined;
}

export interface MockSupplier {
  readonly spec: LoadedSpec;
  readonly faults: ReadonlySet<FaultId>;
  readonly tenants: readonly MockTenant[];
  /** The optional operations it offers: what a run against it declares as `features`. */
  readonly features: readonly string[];
  /** msw request handlers answering for any origin under `basePath`. */
  readonly handlers: RequestHandler[];
  /** The same behaviour as a plain function, for servers and tests. */
  handle(request: Request, client?: MockClientInfo): Promise<Response>;
  /** Records a tenant sees in a dataset, as the API holds them (before response faults). */
  records(datasetId: string, tenantId?: string): Promise<Rec[]>;
  /** Export jobs still writing their files: a server waits for them before it stops. */
  settled(): Promise<void>;
  /** How many clients the rate limiter holds a count for; idle ones are forgotten after a window. */
  rateLimitedClients(): number;
}

interface ExportJobState {
  id: string;
  tenantId: string;
  createdAt: number;
  datasets: DatasetProfile[];
  formats: string[];
  files?: Map<string, ExportFileBody>;
  manifest?: ManifestFile[];
  /** Set when writing the files failed; the job then reports `failed` with this problem. */
  failure?: string;
  writing?: Promise<void> | undefined;
  datasetsDone?: number;
}

interface TokenState {
  tenantId: string;
  scopes: Set<string>;
  expiresAt: number;
}

const isObject = (value: unknown): value is JsonObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const DEFAULT_TENANT_NAMES = ['London Borough of Hackney', 'London Borough of Camden'];
const LICENCE_URL = 'https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/';
const WRITE_METHODS = new Set(['post', 'put', 'patch', 'delete']);
/** The tenant name public datasets are stored under: one copy, read by everyone. */
const PUBLIC_TENANT = 'public';

function randomTenants(): MockTenant[] {
  return DEFAULT_TENANT_NAMES.map((name, i) => ({
    id: `tenant-${String.fromCharCode(97 + i)}`,
    name,
    clientId: `mock-client-${String.fromCharCode(97 + i)}`,
    clientSecret: randomBytes(18).toString('base64url'),
  }));
}

/** Gives a record of tenant A a new id for tenant B, keeping the id's shape valid for its schema. */
function otherTenantId(id: unknown): unknown {
  if (typeof id === 'number') return id + 1_000_000;
  const text = String(id);
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text))
    return `ffffffff${text.slice(8)}`;
  if (/^[0-9]+$/.test(text)) return `9${text}`;
  return `${text}-tb`;
}

const encodeCursor = (offset: number) => Buffer.from(`o:${offset}`).toString('base64url');
function decodeCursor(cursor: string): number | undefined {
  const decoded = Buffer.from(cursor, 'base64url').toString();
  const m = /^o:(\d{1,9})$/.exec(decoded);
  return m ? Number(m[1]) : undefined;
}

/**
 * An id for the n-th record a mock creates, in the shape of the spec's example id (its prefix, and its
 * digits' width, so a pattern on the id still holds): `REP-000123` gives `REP-900001`.
 */
export function freshId(exampleId: string, n: number): string {
  const digits = /\d+$/.exec(exampleId)?.[0];
  if (!digits) return `${exampleId || 'created'}-${n}`;
  const width = digits.length;
  const number = String(9 * 10 ** Math.max(0, width - 1) + n)
    .slice(-width)
    .padStart(width, '0');
  return `${exampleId.slice(0, exampleId.length - width)}${number}`;
}

/**
 * What a caller sent laid over the spec's example answer: nested objects merge, so a request that gives only
 * `priority.code` keeps the example's derived `priority.description` rather than losing it.
 */
function overlay(example: unknown, given: unknown): unknown {
  if (!isObject(example) || !isObject(given)) return given;
  const out: JsonObject = { ...example };
  for (const [key, value] of Object.entries(given)) out[key] = overlay(example[key], value);
  return out;
}

export async function createMockSupplier(
  specId: string,
  options: MockSupplierOptions = {},
): Promise<MockSupplier> {
  const spec = await loadSpec(specId);
  const fixtures = await loadFixtures(specId);
  const faults = new Set<FaultId>((options.faults ?? []).map((id) => getFault(id).id));
  const tenants = options.tenants ?? randomTenants();
  if (tenants.length < 2)
    throw new RangeError('a mock supplier needs at least two tenants for cross-tenant checks');
  const tenantA = tenants[0] as MockTenant;
  const now = options.now ?? Date.now;
  const basePath = (options.basePath ?? '').replace(/\/$/, '');
  const rate = options.rateLimit ?? { limit: 50, windowMs: 1000 };
  const ttl = options.tokenTtlSeconds ?? 3600;
  const { document, profile } = spec;
  const validator: SchemaValidator = referenceSchemaValidator(document);
  const features =
    options.features ??
    profile.operations.optional.filter((id) => id !== 'startImport' && id !== 'getImport');
  const unknownFeature = features.find((id) => !profile.operations.optional.includes(id));
  if (unknownFeature)
    throw new RangeError(`"${unknownFeature}" is not an optional operation of ${profile.id}`);
  const offered = new Set(features);

  // Behaviour follows the honest description; the one served may carry a fault's lies.
  const routes: Route[] = buildRoutes(servedDescription(document, profile, 'http://mock', new Set()));
  const datasetByOperation = new Map<string, { dataset: DatasetProfile; role: 'list' | 'get' }>();
  for (const dataset of profile.datasets) {
    datasetByOperation.set(dataset.list, { dataset, role: 'list' });
    datasetByOperation.set(dataset.get, { dataset, role: 'get' });
  }
  // Where each dataset's collection lives: a POST there that answers with a record creates one.
  const datasetByListPath = new Map<string, DatasetProfile>();
  for (const route of routes)
    if (route.method === 'get' && route.entry.operationId) {
      const listed = datasetByOperation.get(route.entry.operationId);
      if (listed?.role === 'list' && !datasetByListPath.has(route.entry.path))
        datasetByListPath.set(route.entry.path, listed.dataset);
    }
  let createdCount = 0;
  const firstDataset = profile.datasets[0];
  const legacyOperationId = firstDataset
    ? `legacy${firstDataset.list.charAt(0).toUpperCase()}${firstDataset.list.slice(1)}`
    : undefined;
  if (firstDataset && legacyOperationId)
    datasetByOperation.set(legacyOperationId, { dataset: firstDataset, role: 'list' });
  // The first dataset that pages in an envelope (cursor or ORUK page) answers a bare array instead.
  const inconsistentListDataset = profile.datasets.find((d) => (d.listStyle ?? 'cursor') !== 'array');
  // A leaked case note lands where staff type notes, not in a field the spec vouches for as public (an
  // organisation's published phone number, an estate's name), where checks rightly allow such text.
  const textFields = new Map(
    profile.datasets.map((d) => [
      d.id,
      {
        text: freeTextField(document, d.schema),
        leak: freeTextField(document, d.schema, { unclassified: true }) ?? 'notes',
      },
    ]),
  );

  // Records: public datasets are shared; personal ones belong to a tenant. Tenant B gets a few of its own.
  const store = options.store ?? createMemoryRecordStore();
  const space = options.space ?? profile.id;
  const scopeOf = (dataset: DatasetProfile, tenantId: string): RecordScope => ({
    space,
    dataset: dataset.id,
    tenant: dataset.classification === 'public' ? PUBLIC_TENANT : tenantId,
  });
  const keyed = (dataset: DatasetProfile, records: readonly Rec[]) =>
    records.map((record) => ({ id: String(record[dataset.idField]), record }));
  // With cross-tenant-deep-records, the other tenants hold more records, and those after their first
  // DEEP_SAFE ones (migrated from an old system, say) can be read by anyone's token.
  const deepLeaks = new Set<string>();
  // Records the API created (write faults act on them) and updates recorded as records of their own.
  const createdIds = new WrittenIds();
  const updateIds = new WrittenIds();
  const DEEP_SAFE = 6;
  if (options.seed !== false) {
    // Seed only an empty store: a server on a persistent database keeps what it was given across restarts.
    for (const dataset of profile.datasets) {
      const base = (fixtures[dataset.id] ?? []) as Rec[];
      const owners = dataset.classification === 'public' ? [tenantA] : tenants;
      for (const [i, tenant] of owners.entries()) {
        const scope = scopeOf(dataset, tenant.id);
        if ((await store.count(scope)) > 0) continue;
        const records =
          i === 0
            ? base
            : base
                .slice(0, faults.has('cross-tenant-deep-records') ? DEEP_SAFE * 2 : 3)
                .map((record) => ({ ...record, [dataset.idField]: otherTenantId(record[dataset.idField]) }));
        if (i > 0 && faults.has('cross-tenant-deep-records'))
          for (const record of records.slice(DEEP_SAFE)) deepLeaks.add(String(record[dataset.idField]));
        await store.upsert(scope, keyed(dataset, records));
      }
    }
  }
  const datasetById = new Map(profile.datasets.map((d) => [d.id, d]));
  const publicRecords = createPublicRecords({
    store,
    recordsScope: (datasetId) => ({ space, dataset: datasetId, tenant: PUBLIC_TENANT }),
    publisherTenantId: tenantA.id,
  });
  async function recordsOf(datasetId: string, tenantId: string = tenantA.id): Promise<Rec[]> {
    const dataset = datasetById.get(datasetId);
    if (!dataset) return [];
    const out: Rec[] = [];
    for await (const record of store.stream(scopeOf(dataset, tenantId))) out.push(record);
    return out;
  }

  const tokens = new Map<string, TokenState>();
  const allScopes = new Set<string>(
    Object.keys(
      ((resolvePointer(
        document,
        '/components/securitySchemes/councilOAuth/flows/clientCredentials/scopes',
      ) as JsonObject) ?? {}) as JsonObject,
    ),
  );
  (options.tokens ?? []).forEach((token, i) => {
    const tenant = tenants[i] ?? tenantA;
    tokens.set(token, { tenantId: tenant.id, scopes: allScopes, expiresAt: Number.POSITIVE_INFINITY });
  });
  const exportsById = new Map<string, ExportJobState>();
  const rateLimits = createClientRateLimits({
    limit: rate.limit,
    windowMs: rate.windowMs,
    anonymousLimit: rate.anonymousLimit ?? Math.max(1, Math.ceil(rate.limit / 10)),
  });

  /** The tenant of a valid token, else the address: so a made-up token never buys a fresh allowance. */
  function rateLimitedClient(
    request: Request,
    url: URL,
    path: string,
    info: MockClientInfo,
  ): RateLimitedClient {
    const presented = bearerToken(request, url);
    const state = presented === undefined ? undefined : tokens.get(presented);
    if (state && state.expiresAt > now()) return { kind: 'tenant', tenantId: state.tenantId };
    const address = info.address ?? 'unknown';
    return path === '/oauth/token' ? { kind: 'token-request', address } : { kind: 'address', address };
  }

  async function handleRequest(request: Request, info: MockClientInfo = {}): Promise<Response> {
    const url = new URL(request.url);
    const instance = url.pathname;
    const problem = (init: ProblemInit) =>
      finish(problemResponse(init, instance, faults), { isPublic: false, url });
    if (basePath && !url.pathname.startsWith(basePath)) {
      return problem({
        type: PROBLEM.notFound,
        title: 'Not Found',
        status: 404,
        detail: `nothing is served outside ${basePath}`,
      });
    }
    const path = url.pathname.slice(basePath.length) || '/';

    const { match, allowed } = matchRoute(routes, request.method, path);

    // Rate limit per client, before anything else costs work.
    if (!faults.has('no-rate-limit')) {
      const verdict = await rateLimits.take(rateLimitedClient(request, url, path, info));
      if (!verdict.allowed)
        return problem({
          type: PROBLEM.rateLimited,
          title: 'Too Many Requests',
          status: 429,
          detail: `more than ${verdict.limit} requests in ${rate.windowMs} ms`,
          headers: { 'retry-after': String(verdict.retryAfterSeconds) },
        });
    }

    if (!match) {
      if (allowed.length > 0) {
        return problem({
          type: PROBLEM.methodNotAllowed,
          title: 'Method Not Allowed',
          status: 405,
          detail: `${request.method} is not allowed here; use ${allowed.join(', ')}`,
          headers: { allow: allowed.join(', ') },
        });
      }
      return problem({
        type: PROBLEM.notFound,
        title: 'Not Found',
        status: 404,
        detail: `no operation at ${path}`,
      });
    }
    const { route, params } = match;
    const operation = route.entry.operation;
    const operationId = route.entry.operationId ?? '';
    const isPublic = isPublicOperation(document, operation) && !path.startsWith('/oauth/');
    const isWrite = WRITE_METHODS.has(route.method);
    const context = {
      isPublic: isPublic && operationId !== 'issueToken',
      url,
      deprecated: operation.deprecated === true || path.startsWith(LEGACY_PREFIX),
    };

    // Discovery and token endpoints come before authentication.
    if (operationId === 'getOpenApiDescription') return finish(describe(url), { ...context, isPublic: true });
    if (operationId === 'getSecurityTxt') {
      return finish(
        new Response(
          `Contact: mailto:security@example.org\nExpires: 2027-12-31T23:59:59Z\nPreferred-Languages: en\nCanonical: ${url.origin}${basePath}/.well-known/security.txt\n`,
          { headers: { 'content-type': 'text/plain; charset=utf-8' } },
        ),
        { ...context, isPublic: true },
      );
    }
    if (operationId === 'issueToken') return finish(await issueToken(request, instance), context);

    // Authentication.
    let tenantId: string | undefined;
    const needsAuth =
      (!isPublic || faults.has('public-endpoint-requires-token')) &&
      !(faults.has('personal-endpoint-open') && !isWrite) &&
      !(faults.has('write-without-token') && isWrite);
    const presented = bearerToken(request, url);
    if (presented !== undefined) {
      const state = tokens.get(presented);
      if (state && state.expiresAt > now()) tenantId = state.tenantId;
      else if (faults.has('personal-bad-token-accepted')) tenantId = tenantA.id;
      else if (needsAuth) {
        return problem({
          type: PROBLEM.unauthenticated,
          title: 'Unauthorized',
          status: 401,
          detail: state ? 'the access token has expired' : 'the access token is not valid',
          headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
        });
      }
    }
    if (needsAuth && tenantId === undefined) {
      return problem({
        type: PROBLEM.unauthenticated,
        title: 'Unauthorized',
        status: 401,
        detail: 'an access token is required: use the OAuth 2.0 client credentials grant at /oauth/token',
        headers: { 'www-authenticate': 'Bearer realm="council-api"' },
      });
    }
    if (needsAuth && presented !== undefined) {
      const required = requiredScopes(operation);
      const granted = tokens.get(presented)?.scopes ?? allScopes;
      const lacking = required.filter((scope) => !granted.has(scope));
      if (lacking.length > 0) {
        return problem({
          type: PROBLEM.forbidden,
          title: 'Forbidden',
          status: 403,
          detail: `the token lacks scope ${lacking.join(' ')}`,
        });
      }
    }
    const tenant = tenantId ?? tenantA.id;

    // The bulk export and import of the baseline.
    if (operationId === 'startExport') return finish(await startExport(request, tenant, instance), context);
    if (operationId === 'getExport')
      return finish(await getExport(params.exportId ?? '', tenant, instance, url), context);
    if (operationId === 'getExportFile')
      return finish(getExportFile(params.exportId ?? '', params.fileName ?? '', tenant, instance), context);
    if (operationId === 'startImport' && offered.has(operationId))
      return finish(await startImport(request, tenant, instance), context);
    if (operationId === 'getImport' && offered.has(operationId))
      return finish(getImport(params.importId ?? '', tenant, instance), context);
    if (profile.operations.optional.includes(operationId) && !offered.has(operationId)) {
      // The fault: "not offered" looks like "no data", so a client cannot tell the two apart.
      if (faults.has('optional-operation-pretends')) return json(route.method === 'get' ? [] : {}, 200);
      return problem({
        type: PROBLEM.notImplemented,
        title: 'Not Implemented',
        status: 501,
        detail: `this supplier does not offer the optional operation ${operationId}`,
      });
    }

    const mapped = datasetByOperation.get(operationId);
    if (mapped?.role === 'list' && route.method === 'get') {
      return finish(await listDataset(mapped.dataset, url, tenant, path), {
        ...context,
        isPublicDataset: mapped.dataset.classification === 'public',
      });
    }
    if (mapped?.role === 'get' && route.method === 'get') {
      const id = params[route.paramNames[route.paramNames.length - 1] ?? 'id'] ?? '';
      return finish(await getRecord(mapped.dataset, id, tenant, instance), {
        ...context,
        isPublicDataset: mapped.dataset.classification === 'public',
      });
    }
    return finish(await genericOperation(route, request, instance, tenant), context);
  }

  function bearerToken(request: Request, url: URL): string | undefined {
    const header = request.headers.get('authorization');
    const m = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (m) return m[1];
    if (faults.has('credentials-in-query-accepted')) return url.searchParams.get('access_token') ?? undefined;
    return undefined;
  }

  function requiredScopes(operation: JsonObject): string[] {
    const security = Array.isArray(operation.security) ? operation.security : [];
    const first = security.find(
      (requirement) => isObject(requirement) && Array.isArray(requirement.councilOAuth),
    );
    return first ? ((first as JsonObject).councilOAuth as string[]) : [];
  }

  function describe(url: URL): Response {
    if (faults.has('description-missing')) {
      return problemResponse(
        { type: PROBLEM.notFound, title: 'Not Found', status: 404 },
        url.pathname,
        new Set(),
      );
    }
    if (faults.has('description-not-openapi')) {
      return new Response(
        '<!DOCTYPE html><html><head><title>Developer portal</title></head><body><h1>API documentation</h1><p>Log in to our partner portal to download the API guide (PDF).</p></body></html>',
        { headers: { 'content-type': 'text/html; charset=utf-8' } },
      );
    }
    const served = servedDescription(document, profile, `${url.origin}${basePath}`, faults);
    return json(served, 200);
  }

  async function issueToken(request: Request, instance: string): Promise<Response> {
    const form = new URLSearchParams(await request.text());
    let clientId = form.get('client_id');
    let clientSecret = form.get('client_secret');
    const basic = /^Basic\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '');
    if (basic) {
      const [id, secret] = Buffer.from(basic[1] as string, 'base64')
        .toString()
        .split(':');
      clientId = decodeURIComponent(id ?? '');
      clientSecret = decodeURIComponent(secret ?? '');
    }
    if (form.get('grant_type') !== 'client_credentials') {
      return problemResponse(
        {
          type: PROBLEM.validation,
          title: 'Bad Request',
          status: 400,
          detail: 'grant_type must be client_credentials',
          extra: { error: 'unsupported_grant_type' },
        },
        instance,
        faults,
      );
    }
    const tenant = tenants.find((t) => t.clientId === clientId && t.clientSecret === clientSecret);
    if (!tenant) {
      return problemResponse(
        {
          type: PROBLEM.unauthenticated,
          title: 'Unauthorized',
          status: 401,
          detail: 'unknown client or wrong secret',
          extra: { error: 'invalid_client' },
          headers: { 'www-authenticate': 'Basic realm="token"' },
        },
        instance,
        faults,
      );
    }
    const requested = (form.get('scope') ?? '').split(/\s+/).filter(Boolean);
    const unknown = requested.filter((scope) => !allScopes.has(scope));
    if (unknown.length > 0) {
      return problemResponse(
        {
          type: PROBLEM.validation,
          title: 'Bad Request',
          status: 400,
          detail: `unknown scope ${unknown.join(' ')}`,
          extra: { error: 'invalid_scope' },
        },
        instance,
        faults,
      );
    }
    const scopes = requested.length > 0 ? new Set(requested) : allScopes;
    const token = randomBytes(24).toString('base64url');
    tokens.set(token, { tenantId: tenant.id, scopes, expiresAt: now() + ttl * 1000 });
    return json(
      { access_token: token, token_type: 'Bearer', expires_in: ttl, scope: [...scopes].join(' ') },
      200,
      {
        'cache-control': 'no-store',
      },
    );
  }

  function parseListQuery(url: URL): {
    error?: ProblemInit;
    limit: number;
    offset: number;
    modifiedAfter?: number;
  } {
    const errors: { pointer: string; detail: string }[] = [];
    const rawLimit = url.searchParams.get('limit') ?? url.searchParams.get('per_page');
    const limit = rawLimit === null ? 100 : Number(rawLimit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      errors.push({ pointer: '/query/limit', detail: 'must be an integer from 1 to 1000' });
    let offset = 0;
    const cursor = url.searchParams.get('cursor');
    if (cursor !== null) {
      const decoded = decodeCursor(cursor);
      if (decoded === undefined)
        errors.push({ pointer: '/query/cursor', detail: 'is not a cursor this API issued' });
      else offset = decoded;
    }
    const page = url.searchParams.get('page');
    if (page !== null) {
      const n = Number(page);
      if (!Number.isInteger(n) || n < 1)
        errors.push({ pointer: '/query/page', detail: 'must be a whole number from 1' });
      else offset = (n - 1) * limit;
    }
    let modifiedAfter: number | undefined;
    const since = url.searchParams.get('modified_after');
    if (since !== null) {
      modifiedAfter = Date.parse(since);
      if (!/^\d{4}-\d{2}-\d{2}T/.test(since) || Number.isNaN(modifiedAfter)) {
        errors.push({ pointer: '/query/modified_after', detail: 'must be an RFC 3339 date-time' });
      }
    }
    if (errors.length > 0) {
      return {
        limit,
        offset,
        error: {
          type: PROBLEM.validation,
          title: 'Bad Request',
          status: 400,
          detail: 'the query is not valid',
          errors,
        },
      };
    }
    return { limit, offset, ...(modifiedAfter !== undefined ? { modifiedAfter } : {}) };
  }

  async function listDataset(
    dataset: DatasetProfile,
    url: URL,
    tenant: string,
    path: string,
  ): Promise<Response> {
    const query = parseListQuery(url);
    if (query.error) return problemResponse(query.error, url.pathname, faults);
    const style = dataset.listStyle ?? 'cursor';
    const isPublicDataset = dataset.classification === 'public';
    const out = (list: Rec[]) =>
      list.map((r) => transformRecord(r, faults, isPublicDataset, textFields.get(dataset.id)));
    const modified = query.modifiedAfter !== undefined ? { modifiedAfter: query.modifiedAfter } : {};
    const scope = scopeOf(dataset, tenant);
    if (style === 'array' || (faults.has('inconsistent-pagination') && dataset === inconsistentListDataset)) {
      // The standard (Open311 GeoReport) answers a list with every match at once, unpaged.
      const all = await store.page(scope, { offset: 0, limit: Number.MAX_SAFE_INTEGER, ...modified });
      return json(out(all.records), 200);
    }
    if (faults.has('pagination-breaks-midway') && query.offset > 0)
      return problemResponse(
        {
          type: PROBLEM.serverError,
          title: 'Internal Server Error',
          status: 500,
          detail: 'the page could not be read',
        },
        url.pathname,
        faults,
      );
    const { records: pageRecords, total } = await store.page(scope, {
      offset: query.offset,
      limit: query.limit,
      ...modified,
    });
    const hasMore = query.offset + query.limit < total;
    const self = `${url.origin}${basePath}${path}`;
    const withParams = (extra: Record<string, string>) => {
      const params = new URLSearchParams(url.searchParams);
      for (const [k, v] of Object.entries(extra)) params.set(k, v);
      return `${self}?${params.toString()}`;
    };
    let next: string | null = null;
    if (style === 'oruk-page') {
      const pageNumber = Math.floor(query.offset / query.limit) + 1;
      if (hasMore) next = withParams({ page: String(pageNumber + 1), per_page: String(query.limit) });
      else if (faults.has('pagination-loops') && pageNumber > 1)
        next = withParams({ page: '1', per_page: String(query.limit) });
      const totalPages = Math.max(1, Math.ceil(total / query.limit));
      const body = {
        total_items: total,
        total_pages: totalPages,
        page_number: pageNumber,
        size: pageRecords.length,
        first_page: pageNumber === 1,
        last_page: !hasMore,
        empty: pageRecords.length === 0,
        contents: out(pageRecords),
      };
      return json(body, 200, next ? { link: `<${next}>; rel="next"` } : {});
    }
    if (hasMore) {
      const params = new URLSearchParams(url.searchParams);
      params.set('cursor', encodeCursor(query.offset + query.limit));
      next = `${self}?${params.toString()}`;
    } else if (faults.has('pagination-loops') && query.offset > 0) {
      const params = new URLSearchParams(url.searchParams);
      params.set('cursor', encodeCursor(0));
      next = `${self}?${params.toString()}`;
    }
    return json({ items: out(pageRecords), next }, 200, next ? { link: `<${next}>; rel="next"` } : {});
  }

  async function getRecord(
    dataset: DatasetProfile,
    id: string,
    tenant: string,
    instance: string,
  ): Promise<Response> {
    let record = await store.get(scopeOf(dataset, tenant), id);
    const leaks =
      faults.has('cross-tenant-readable') ||
      deepLeaks.has(id) ||
      (faults.has('write-readable-by-other-tenant') && createdIds.has(dataset.id, id));
    if (!record && leaks) {
      for (const other of tenants) record ??= await store.get(scopeOf(dataset, other.id), id);
    }
    if (!record) {
      return problemResponse(
        {
          type: PROBLEM.notFound,
          title: 'Not Found',
          status: 404,
          detail: `no ${dataset.title.toLowerCase()} record ${id}`,
          kind: 'get-by-id',
        },
        instance,
        faults,
      );
    }
    const body = transformRecord(
      record,
      faults,
      dataset.classification === 'public',
      textFields.get(dataset.id),
    );
    // Some standards answer a read by id with a one-element list (Open311 GeoReport does).
    return json(getAnswersWithList(dataset) ? [body] : body, 200);
  }

  function getAnswersWithList(dataset: DatasetProfile): boolean {
    const route = routes.find((r) => r.entry.operationId === dataset.get);
    const ok = ((route?.entry.operation.responses as JsonObject | undefined)?.['200'] ?? {}) as JsonObject;
    const schema = resolveSchema(
      ((ok.content as JsonObject | undefined)?.['application/json'] as JsonObject | undefined)?.schema,
    );
    return isObject(schema) && schema.type === 'array';
  }

  async function startExport(request: Request, tenant: string, instance: string): Promise<Response> {
    if (faults.has('export-payment-required')) {
      return problemResponse(
        {
          type: 'https://supplier.example.com/problems/payment-required',
          title: 'Payment Required',
          status: 402,
          detail: 'Bulk data extraction is a chargeable service (£12,500 per extract). Contact sales.',
        },
        instance,
        faults,
      );
    }
    if (faults.has('export-contact-sales')) {
      return problemResponse(
        {
          type: 'https://supplier.example.com/problems/contact-sales',
          title: 'Contact your account manager',
          status: 403,
          detail: 'Data extracts are arranged through your account manager.',
        },
        instance,
        faults,
      );
    }
    let body: JsonObject = {};
    const text = await request.text();
    if (text.trim() !== '') {
      try {
        body = JSON.parse(text) as JsonObject;
      } catch {
        return problemResponse(
          { type: PROBLEM.validation, title: 'Bad Request', status: 400, detail: 'the body is not JSON' },
          instance,
          faults,
        );
      }
      const errors = validator.validate('/components/schemas/ExportRequest', body);
      if (errors.length > 0) {
        return problemResponse(
          {
            type: PROBLEM.validation,
            title: 'Bad Request',
            status: 400,
            detail: 'the export request is not valid',
            errors: errors.map((e) => ({ pointer: e.pointer, detail: e.message })),
          },
          instance,
          faults,
        );
      }
    }
    const wanted = Array.isArray(body.datasets)
      ? (body.datasets as string[])
      : profile.datasets.map((d) => d.id);
    const unknown = wanted.filter((id) => !profile.datasets.some((d) => d.id === id));
    if (unknown.length > 0) {
      return problemResponse(
        {
          type: PROBLEM.validation,
          title: 'Bad Request',
          status: 400,
          detail: `no dataset ${unknown.join(', ')}`,
          errors: [{ pointer: '/datasets', detail: `unknown: ${unknown.join(', ')}` }],
        },
        instance,
        faults,
      );
    }
    const job: ExportJobState = {
      id: `exp_${randomBytes(9).toString('base64url')}`,
      tenantId: tenant,
      createdAt: now(),
      datasets: profile.datasets.filter((d) => wanted.includes(d.id)),
      formats: Array.isArray(body.formats) ? (body.formats as string[]) : ['ndjson', 'csv'],
    };
    exportsById.set(job.id, job);
    // A server starts writing at once; a mock completes at the first poll after its delay.
    if (streamedExports) await completeIfDue(job, new URL(request.url).origin);
    return json(jobView(job), 202, { location: `${basePath}/exports/${job.id}` });
  }

  // A server's exports stream from storage to disk; a mock's are built in memory, where faults can bend them.
  const streamedExports = options.exportDirectory !== undefined && faults.size === 0;

  async function completeIfDue(job: ExportJobState, origin: string): Promise<void> {
    if (job.files || job.failure || job.writing || faults.has('export-never-finishes')) return;
    if (now() - job.createdAt < (options.exportDelayMs ?? 0)) return;
    const generatedAt = new Date(now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const links = {
      fileUrl: (name: string) => `${origin}${basePath}/exports/${job.id}/files/${name}`,
      generatedAt,
    };
    if (streamedExports) {
      job.writing = writeExportFiles(job, links)
        .catch((error: unknown) => {
          job.failure = `writing the export failed: ${(error as Error).message}`;
        })
        .finally(() => {
          job.writing = undefined;
          pendingWrites.delete(job.id);
        });
      pendingWrites.set(job.id, job.writing);
      return;
    }
    const files = new Map<string, ExportFileBody>();
    const manifest: ManifestFile[] = [];
    for (const dataset of job.datasets) {
      const records = (await recordsOf(dataset.id, job.tenantId)).filter(
        (r) =>
          !faults.has('write-update-not-exported') || !updateIds.has(dataset.id, String(r[dataset.idField])),
      );
      const extra = faults.has('export-extra-records')
        ? records
            .slice(0, 2)
            .map((r) => ({ ...r, [dataset.idField]: otherTenantId(otherTenantId(r[dataset.idField])) }))
        : [];
      const built = buildDatasetExport(
        { ...dataset, textField: textFields.get(dataset.id)?.text },
        records,
        job.formats,
        links,
        faults,
        extra,
      );
      for (const file of built.files) files.set(file.name, file);
      manifest.push(...built.manifest);
    }
    job.files = files;
    job.manifest = manifest;
  }

  const pendingWrites = new Map<string, Promise<void>>();
  async function writeExportFiles(
    job: ExportJobState,
    links: { fileUrl: (name: string) => string; generatedAt: string },
  ): Promise<void> {
    const files = new Map<string, ExportFileBody>();
    const manifest: ManifestFile[] = [];
    for (const dataset of job.datasets) {
      const scope = scopeOf(dataset, job.tenantId);
      const written = await writeDatasetExportFiles(
        dataset,
        store.stream(scope),
        job.formats,
        await store.fieldNames(scope),
        join(options.exportDirectory as string, job.id),
        links,
      );
      for (const file of written.files) files.set(file.name, file);
      manifest.push(...written.manifest);
      job.datasetsDone = (job.datasetsDone ?? 0) + 1;
    }
    job.files = files;
    job.manifest = manifest;
  }

  // The baseline import: NDJSON files in the export format, each record validated against its schema and
  // upserted by id into the tenant's own records. Public datasets are shared, so everyone sees them: there a
  // line naming a record another tenant holds is refused, like an invalid line, and that record is untouched.
  const imports = new Map<string, { tenantId: string; job: JsonObject }>();
  async function startImport(request: Request, tenant: string, instance: string): Promise<Response> {
    let body: unknown;
    try {
      body = JSON.parse(await request.text());
    } catch {
      return problemResponse(
        { type: PROBLEM.validation, title: 'Bad Request', status: 400, detail: 'the body is not JSON' },
        instance,
        faults,
      );
    }
    const shape = validator.validate('/components/schemas/ImportRequest', body);
    if (shape.length > 0) {
      return problemResponse(
        {
          type: PROBLEM.validation,
          title: 'Bad Request',
          status: 400,
          detail: 'the import request is not valid',
          errors: shape.map((e) => ({ pointer: e.pointer || '/', detail: e.message })),
        },
        instance,
        faults,
      );
    }
    const results: JsonObject[] = [];
    for (const file of (body as { files: { dataset: string; format: string; content: string }[] }).files) {
      const dataset = profile.datasets.find((d) => d.id === file.dataset);
      const errors: { line: number; detail: string }[] = [];
      let accepted = 0;
      if (!dataset || file.format !== 'ndjson') {
        errors.push({
          line: 0,
          detail: dataset ? `only NDJSON is imported, not ${file.format}` : `no dataset ${file.dataset}`,
        });
        results.push({ dataset: file.dataset, accepted, rejected: 0, errors });
        continue;
      }
      const valid: { id: string; record: Rec; line: number }[] = [];
      const lines = file.content.split('\n');
      for (const [index, line] of lines.entries()) {
        if (line.trim() === '') continue;
        let record: unknown;
        try {
          record = JSON.parse(line);
        } catch {
          errors.push({ line: index + 1, detail: 'not JSON' });
          continue;
        }
        const invalid = validator.validate(`/components/schemas/${dataset.schema}`, record);
        if (invalid.length > 0 || !isObject(record)) {
          errors.push({
            line: index + 1,
            detail: invalid.map((e) => e.message).join('; ') || 'not an object',
          });
          continue;
        }
        valid.push({ id: String(record[dataset.idField]), record, line: index + 1 });
        accepted += 1;
      }
      if (dataset.classification === 'public') {
        const heldByOthers = await publicRecords.write(dataset.id, valid, tenant);
        for (const { id, line } of valid.filter((row) => heldByOthers.has(row.id))) {
          errors.push({
            line,
            detail: `record ${id} belongs to another tenant: an import writes only the importing tenant's own records`,
          });
          accepted -= 1;
        }
        errors.sort((a, b) => a.line - b.line);
      } else await store.upsert(scopeOf(dataset, tenant), valid);
      results.push({ dataset: dataset.id, accepted, rejected: errors.length, errors: errors.slice(0, 100) });
    }
    const created = new Date(now()).toISOString();
    const job = {
      id: `imp_${randomBytes(8).toString('hex')}`,
      status: 'complete',
      createdAt: created,
      completedAt: created,
      results,
    };
    imports.set(job.id, { tenantId: tenant, job });
    return json(job, 202, { location: `${basePath}/imports/${job.id}` });
  }

  function getImport(id: string, tenant: string, instance: string): Response {
    const found = imports.get(id);
    if (!found || found.tenantId !== tenant) {
      return problemResponse(
        { type: PROBLEM.notFound, title: 'Not Found', status: 404, detail: `no import ${id}` },
        instance,
        faults,
      );
    }
    return json(found.job, 200);
  }

  function jobView(job: ExportJobState): JsonObject {
    const complete = job.files !== undefined;
    const status = complete
      ? 'complete'
      : job.failure
        ? 'failed'
        : now() === job.createdAt && !job.writing
          ? 'queued'
          : 'running';
    return {
      id: job.id,
      status,
      createdAt: new Date(job.createdAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      progress: {
        datasetsDone: complete ? job.datasets.length : (job.datasetsDone ?? 0),
        datasetsTotal: job.datasets.length,
      },
      ...(job.failure
        ? {
            problem: {
              type: PROBLEM.serverError,
              title: 'Export failed',
              status: 500,
              detail: job.failure,
            },
          }
        : {}),
      ...(complete
        ? {
            completedAt: job.manifest?.[0]?.generatedAt,
            manifest: {
              exportId: job.id,
              generatedAt: job.manifest?.[0]?.generatedAt ?? new Date(now()).toISOString(),
              description: `${basePath}/openapi.json`,
              licence: LICENCE_URL,
              files: job.manifest,
            },
          }
        : {}),
    };
  }

  async function getExport(id: string, tenant: string, instance: string, url: URL): Promise<Response> {
    const job = exportsById.get(id);
    if (!job || job.tenantId !== tenant) {
      return problemResponse(
        { type: PROBLEM.notFound, title: 'Not Found', status: 404, detail: `no export ${id}` },
        instance,
        faults,
      );
    }
    await completeIfDue(job, url.origin);
    return json(jobView(job), 200);
  }

  function getExportFile(id: string, name: string, tenant: string, instance: string): Response {
    const job = exportsById.get(id);
    if (!job || job.tenantId !== tenant) {
      return problemResponse(
        { type: PROBLEM.notFound, title: 'Not Found', status: 404, detail: `no export ${id}` },
        instance,
        faults,
      );
    }
    if (!job.files) {
      return problemResponse(
        {
          type: PROBLEM.exportNotReady,
          title: 'Conflict',
          status: 409,
          detail: 'the export has not completed yet',
        },
        instance,
        faults,
      );
    }
    const file = job.files.get(name);
    if (!file) {
      return problemResponse(
        {
          type: PROBLEM.notFound,
          title: 'Not Found',
          status: 404,
          detail: `export ${id} has no file ${name}`,
        },
        instance,
        faults,
      );
    }
    const body =
      'bytes' in file
        ? new Uint8Array(file.bytes)
        : (Readable.toWeb(createReadStream(file.path)) as ReadableStream<Uint8Array>);
    return new Response(body, {
      headers: {
        'content-type': file.mediaType,
        'content-length': String('bytes' in file ? file.bytes.length : file.size),
        'content-disposition': `attachment; filename="${file.name}"`,
      },
    });
  }

  async function genericOperation(
    route: Route,
    request: Request,
    instance: string,
    tenant: string,
  ): Promise<Response> {
    const operation = route.entry.operation;
    const requestBody = operation.requestBody as JsonObject | undefined;
    let body: unknown;
    if (requestBody) {
      const resolved = (
        typeof requestBody.$ref === 'string'
          ? resolvePointer(document, requestBody.$ref.slice(1))
          : requestBody
      ) as JsonObject;
      const content = (resolved.content ?? {}) as Record<string, JsonObject>;
      const type = request.headers.get('content-type') ?? '';
      const text = await request.text();
      if (text.trim() === '' && resolved.required === true) {
        return problemResponse(
          {
            type: PROBLEM.validation,
            title: 'Bad Request',
            status: 400,
            detail: 'a request body is required',
          },
          instance,
          faults,
        );
      }
      if (text.trim() !== '') {
        if (type.includes('json')) {
          try {
            body = JSON.parse(text);
          } catch {
            return problemResponse(
              {
                type: PROBLEM.validation,
                title: 'Bad Request',
                status: 400,
                detail: 'the body is not valid JSON',
              },
              instance,
              faults,
            );
          }
        } else body = Object.fromEntries(new URLSearchParams(text));
        const mediaType = Object.entries(content).find(([t]) =>
          t.includes(type.includes('json') ? 'json' : 'form'),
        )?.[1];
        if (!type.includes('json') && mediaType?.schema) {
          body = coerceFormFields(
            resolveSchema(mediaType.schema) as JsonObject | undefined,
            body as Record<string, string>,
          );
        }
        if (mediaType?.schema) {
          const errors = validator.validateWith(mediaType.schema as JsonObject, body);
          if (errors.length > 0) {
            return problemResponse(
              {
                type: PROBLEM.validation,
                title: 'Bad Request',
                status: 400,
                detail: 'the request is not valid',
                errors: errors.map((e) => ({ pointer: e.pointer || '/', detail: e.message })),
              },
              instance,
              faults,
            );
          }
        }
      }
    }
    const responses = (operation.responses ?? {}) as Record<string, JsonObject>;
    const status = Object.keys(responses).find((code) => /^2\d\d$/.test(code)) ?? '200';
    let response = responses[status] ?? {};
    if (typeof response.$ref === 'string')
      response = (resolvePointer(document, response.$ref.slice(1)) as JsonObject) ?? {};
    const content = (response.content ?? {}) as Record<string, JsonObject>;
    const [mediaTypeName, mediaType] = Object.entries(content)[0] ?? [];
    if (!mediaTypeName || !mediaType) return new Response(null, { status: Number(status) });
    const examples = isObject(mediaType.examples) ? Object.values(mediaType.examples) : [];
    let value: unknown =
      'example' in mediaType
        ? mediaType.example
        : isObject(examples[0]) && 'value' in examples[0]
          ? examples[0].value
          : sampleFromSchema(document, mediaType.schema);
    if (isObject(value) && isObject(body)) {
      // Echo what the caller sent where the response has the same field, as a real create does.
      const schemaProps = Object.keys(
        ((resolveSchema(mediaType.schema) as JsonObject)?.properties as JsonObject) ?? {},
      );
      for (const key of schemaProps)
        if (key in body)
          value = { ...(value as JsonObject), [key]: overlay((value as JsonObject)[key], body[key]) };
    }
    // A one-element acknowledgement (the spec's example, else one item of its schema) for a create.
    const acknowledgement = Array.isArray(value)
      ? (value[0] ??
        sampleFromSchema(document, (resolveSchema(mediaType.schema) as JsonObject | undefined)?.items))
      : undefined;
    if (route.method === 'post' && Array.isArray(value) && value.length <= 1 && isObject(acknowledgement)) {
      const created = await storeAcknowledged(route, acknowledgement, isObject(body) ? body : {}, tenant);
      if (created) return json([created], Number(status), {}, mediaTypeName);
    }
    if (route.method === 'post' && isObject(value)) {
      const created = await storeCreated(route.entry.path, value, tenant, route.entry.operationId);
      if (created) {
        const location: Record<string, string> = created.location
          ? { location: `${basePath}${created.location}` }
          : {};
        return json(created.record, Number(status), location, mediaTypeName);
      }
    }
    return json(value, Number(status), {}, mediaTypeName);
  }

  /**
   * A POST to a dataset's collection whose answer is one of the dataset's records creates that record: it is
   * stored under a fresh id, so it can be read, listed and exported afterwards, as on a real system. An answer
   * that is not a valid record of the dataset (an acknowledgement, a token) creates nothing here.
   */
  async function storeCreated(
    path: string,
    answer: JsonObject,
    tenant: string,
    operationId?: string,
  ): Promise<{ record: JsonObject; location?: string } | undefined> {
    const dataset = datasetByListPath.get(path);
    if (!dataset) return undefined;
    // The baseline `id` mirrors a standard's own id field (Open311's service_request_id): kept in step.
    const mirrorsId =
      dataset.idField !== 'id' && answer.id !== undefined && answer.id === answer[dataset.idField];
    const scope = scopeOf(dataset, tenant);
    const exampleId = String(answer[dataset.idField] ?? '');
    let record: JsonObject | undefined;
    for (let attempt = 0; attempt < 1000 && !record; attempt++) {
      createdCount += 1;
      const id = freshId(exampleId, createdCount);
      if (!(await store.get(scope, id)))
        record = { ...answer, [dataset.idField]: id, ...(mirrorsId ? { id } : {}) };
    }
    if (!record) return undefined;
    const dropped = faults.has('write-create-drops-field')
      ? fieldDroppedOnCreate(dataset, requiredOfRecord(dataset))
      : undefined;
    if (dropped !== undefined) {
      const { [dropped]: _lost, ...kept } = record;
      record = kept;
    }
    const stamp = new Date(now()).toISOString();
    for (const field of ['modified_at', 'updated_at', 'last_modified'])
      if (typeof record[field] === 'string') record = { ...record, [field]: stamp };
    if (validator.validate(`/components/schemas/${dataset.schema}`, record).length > 0) return undefined;
    const id = String(record[dataset.idField]);
    // A public record is claimed by its creator, so no other tenant's import can overwrite it later.
    if (dataset.classification === 'public') {
      if ((await publicRecords.write(dataset.id, [{ id, record }], tenant)).size > 0) return undefined;
    } else await store.upsert(scope, [{ id, record }]);
    createdIds.add(dataset.id, id);
    // What write-update-not-exported leaves out: an update, or where the profile has none, a new record.
    if (updateRecordedIn(profile, operationId) === dataset.id || (dataset.writes && !dataset.writes.update))
      updateIds.add(dataset.id, id);
    const get = routes.find((r) => r.method === 'get' && r.entry.operationId === dataset.get)?.entry.path;
    return { record, ...(get ? { location: get.replace(/\{[^}]+\}$/, encodeURIComponent(id)) } : {}) };
  }

  /**
   * A create the standard answers with an acknowledgement (`[{service_request_id}]`): the record is built
   * from the dataset's first fixture with what was sent, stored, and its id given in the acknowledgement.
   */
  async function storeAcknowledged(
    route: Route,
    item: JsonObject,
    sent: JsonObject,
    tenant: string,
  ): Promise<JsonObject | undefined> {
    const dataset = datasetByListPath.get(route.entry.path);
    const template = dataset ? fixtures[dataset.id]?.[0] : undefined;
    if (!dataset || !isObject(template) || !(dataset.idField in item)) return undefined;
    const properties = (resolveSchema({ $ref: `#/components/schemas/${dataset.schema}` }) as JsonObject)
      .properties as Record<string, JsonObject> | undefined;
    const built = recordFromTemplate(
      template,
      sent,
      (field, value) =>
        properties?.[field] !== undefined &&
        field !== dataset.idField &&
        validator.validateWith(properties[field] as JsonObject, value).length === 0,
    );
    const created = await storeCreated(route.entry.path, built, tenant, route.entry.operationId);
    return created ? { ...item, [dataset.idField]: created.record[dataset.idField] } : undefined;
  }

  function requiredOfRecord(dataset: DatasetProfile): string[] {
    const schema = resolveSchema({ $ref: `#/components/schemas/${dataset.schema}` }) as JsonObject;
    return Array.isArray(schema?.required) ? schema.required.map(String) : [];
  }

  function resolveSchema(schema: unknown): unknown {
    return isObject(schema) && typeof schema.$ref === 'string'
      ? resolvePointer(document, schema.$ref.slice(1))
      : schema;
  }

  function json(
    value: unknown,
    status: number,
    headers: Record<string, string> = {},
    contentType = 'application/json; charset=utf-8',
  ): Response {
    const text = JSON.stringify(value);
    const bytes = faults.has('non-utf8-json') ? windows1252(text) : Buffer.from(text, 'utf8');
    return new Response(new Uint8Array(bytes), {
      status,
      headers: { 'content-type': contentType, ...headers },
    });
  }

  /** Headers every answer carries: discovery, licence and CORS on public data, rate limits, transport. */
  function finish(
    response: Response,
    context: { isPublic: boolean; url: URL; deprecated?: boolean; isPublicDataset?: boolean },
  ): Response {
    const headers = new Headers(response.headers);
    if (!faults.has('description-missing'))
      headers.append('link', `<${basePath}/openapi.json>; rel="service-desc"`);
    if (context.isPublic) {
      if (!faults.has('no-licence')) headers.append('link', `<${LICENCE_URL}>; rel="license"`);
      if (!faults.has('public-no-cors')) headers.set('access-control-allow-origin', '*');
    }
    if (!faults.has('no-rate-limit')) {
      headers.set('ratelimit-policy', `${rate.limit};w=${Math.ceil(rate.windowMs / 1000)}`);
      headers.set(
        'ratelimit',
        `limit=${rate.limit}, remaining=${Math.max(0, rate.limit - 1)}, reset=${Math.ceil(rate.windowMs / 1000)}`,
      );
    }
    if (context.url.protocol === 'https:' && !faults.has('no-hsts')) {
      headers.set('strict-transport-security', 'max-age=31536000; includeSubDomains');
    }
    if (context.deprecated && faults.has('deprecation-not-dated')) {
      headers.set('deprecation', 'true');
      headers.set('sunset', LEGACY_SUNSET.toISOString());
    } else if (context.deprecated && !faults.has('deprecated-without-sunset')) {
      headers.set('deprecation', '@1798761600');
      headers.set('sunset', LEGACY_SUNSET.toUTCString());
      headers.append('link', `<${basePath}/openapi.json>; rel="successor-version"`);
    }
    if (!faults.has('no-changelog'))
      headers.set('x-api-version', String((document.info as JsonObject).version));
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }

  const handle = withExploreFaults(
    withParameterValidation(handleRequest, document, routes, basePath, faults),
    faults,
    document,
    routes,
    basePath,
  );
  const handlers: RequestHandler[] = [http.all('*', ({ request }) => handle(request))];
  return {
    spec,
    faults,
    tenants,
    features,
    handlers,
    handle,
    records: (datasetId, tenantId) => recordsOf(datasetId, tenantId),
    settled: async () => {
      await Promise.all(pendingWrites.values());
    },
    rateLimitedClients: () => rateLimits.trackedClients(),
  };
}

/**
 * A form body carries every value as text (OpenAPI's form serialisation); read numbers and booleans the
 * way the schema declares them before validating, as a real server's form parser would.
 */
function coerceFormFields(
  schema: JsonObject | undefined,
  form: Record<string, string>,
): Record<string, unknown> {
  const properties = (schema?.properties ?? {}) as Record<string, JsonObject>;
  const out: Record<string, unknown> = { ...form };
  for (const [name, value] of Object.entries(form)) {
    const declared = properties[name]?.type;
    const types = Array.isArray(declared) ? declared : [declared];
    if (
      (types.includes('number') || types.includes('integer')) &&
      value.trim() !== '' &&
      !Number.isNaN(Number(value))
    )
      out[name] = Number(value);
    else if (types.includes('boolean') && (value === 'true' || value === 'false'))
      out[name] = value === 'true';
  }
  return out;
}

/**
 * What a run needs to know about a served mock: its URL, both tenants' client credentials and the optional
 * operations it offers. A plain object in the runner's configuration shape, so callers add their budgets.
 */
export function mockRunTarget(supplier: MockSupplier, url: string) {
  const [a, b] = supplier.tenants as [MockTenant, MockTenant];
  return {
    target: url,
    credentials: { clientId: a.clientId, clientSecret: a.clientSecret },
    secondTenant: { clientId: b.clientId, clientSecret: b.clientSecret },
    features: supplier.features,
  };
}

/** The round-trip part of a run's configuration: an empty mock's URL and its first tenant's credentials. */
export function mockRoundTripTarget(supplier: MockSupplier, url: string) {
  const [a] = supplier.tenants as [MockTenant];
  return { target: url, credentials: { clientId: a.clientId, clientSecret: a.clientSecret } };
}

import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { RunningSupplier, SupplierStartOptions } from '../supplier.ts';
import { type Open311Data, type Row, seed } from './data.ts';
import { open311WorksDescription } from './description.ts';

const OGL = 'https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/';
const WINDOW_DAYS = 90;
const ANONYMOUS_BUCKET = { capacity: 40, perSecond: 10 };
const TENANT_BUCKET = { capacity: 400, perSecond: 200 };
const REQUESTS_PER_CONNECTION = 6;
const TOKEN_LIFETIME_S = 3600;
const PRESIGN_LIFETIME_S = 300;
const MAX_BODY = 256 * 1024;
const DEPRECATED_ON = Date.UTC(2026, 5, 1) / 1000;
const SUNSET = new Date(Date.UTC(2027, 5, 30, 23, 59, 59)).toUTCString();
const ALL_SCOPES = [
  'services:read',
  'service_requests:read',
  'service_requests:write',
  'service_request_updates:read',
  'service_request_updates:write',
  'reporters:read',
  'exports:run',
];
const DATASETS = [
  { id: 'services', schema: 'Service' },
  { id: 'service_requests', schema: 'ServiceRequest' },
  { id: 'service_request_updates', schema: 'ServiceRequestUpdate' },
  { id: 'reporters', schema: 'Reporter' },
] as const;
const OPEN_STATUSES = new Set(['open', 'investigating', 'action_scheduled', 'in_progress']);
const CLOSED_STATUSES = new Set([
  'closed',
  'fixed',
  'no_further_action',
  'duplicate',
  'not_councils_responsibility',
  'internal_referral',
]);
const BASELINE_PROBLEMS = new Set([
  'validation',
  'unauthenticated',
  'forbidden',
  'not-found',
  'not-implemented',
  'export-not-ready',
  'rate-limited',
  'server-error',
]);
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i;

type Tenant = 'a' | 'b';

/** Raised anywhere in a handler; turned into problem+json at the top. */
class Problem extends Error {
  constructor(
    readonly status: number,
    readonly kind: string,
    readonly title: string,
    readonly detail: string,
    readonly extra: { headers?: Record<string, string>; errors?: { pointer: string; detail: string }[] } = {},
  ) {
    super(detail);
  }
}

const invalid = (pointer: string, detail: string) =>
  new Problem(400, 'validation', 'Your request is not valid', detail, { errors: [{ pointer, detail }] });

interface ExportFileEntry {
  readonly name: string;
  readonly dataset: string;
  readonly format: 'ndjson' | 'csv';
  readonly mediaType: string;
  readonly schema: string;
  readonly body: Buffer;
  readonly records: number;
  readonly generatedAt: string;
}

interface ExportJob {
  readonly id: string;
  readonly tenant: Tenant;
  readonly createdAt: string;
  status: 'queued' | 'running' | 'complete';
  completedAt?: string;
  done: number;
  readonly total: number;
  readonly files: ExportFileEntry[];
}

const stamp = (ms = Date.now()) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `"${text.replaceAll('"', '""')}"`;
}

/** RFC 4180: a header of every field any record has, in first-seen order; nested values as JSON text. */
function toCsv(rows: readonly Row[]): string {
  const columns: string[] = [];
  for (const row of rows) for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
  const lines = [columns.map(csvCell).join(',')];
  for (const row of rows) lines.push(columns.map((column) => csvCell(row[column])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export async function startOpen311Works(options: SupplierStartOptions): Promise<RunningSupplier> {
  const data: Open311Data = seed(options.specsDir);
  const tokens = new Map<string, { tenant: Tenant; scopes: Set<string>; expires: number }>();
  const exports = new Map<string, ExportJob>();
  const buckets = new Map<string, { tokens: number; at: number }>();
  const signingKey = randomBytes(32);
  let nextRequestNumber = 200_001;
  const clients: Record<string, { secret: string; tenant: Tenant }> = {
    [options.tenants.a.clientId]: { secret: options.tenants.a.clientSecret, tenant: 'a' },
    [options.tenants.b.clientId]: { secret: options.tenants.b.clientSecret, tenant: 'b' },
  };
  const secure = Boolean(options.tls);

  // The object store: another origin that serves export files to whoever holds a valid signature.
  const store = secure
    ? createHttpsServer({ key: options.tls?.key, cert: options.tls?.cert, minVersion: 'TLSv1.2' })
    : createHttpServer();
  store.on('request', (req, res) => serveStoreObject(req, res));
  const storeUrl = await listen(store, secure);

  const api = secure
    ? createHttpsServer({ key: options.tls?.key, cert: options.tls?.cert, minVersion: 'TLSv1.2' })
    : createHttpServer();
  api.maxRequestsPerSocket = REQUESTS_PER_CONNECTION;
  api.on('request', (req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        const problem =
          error instanceof Problem
            ? error
            : new Problem(
                500,
                'server-error',
                'Something went wrong on our side',
                'The request could not be completed. Try again later.',
              );
        sendProblem(req, res, problem);
      } else res.destroy();
    });
  });
  const baseUrl = await listen(api, secure);
  const description = JSON.stringify(open311WorksDescription(options.specsDir, baseUrl));

  function signature(path: string, expires: number): string {
    return createHmac('sha256', signingKey).update(`${path}\n${expires}`).digest('hex');
  }

  function serveStoreObject(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', storeUrl);
    const common: Record<string, string> = secure ? { 'strict-transport-security': 'max-age=31536000' } : {};
    const refuse = (status: number, title: string) => {
      const body = JSON.stringify({ type: 'urn:council-conform:problem:forbidden', title, status });
      res.writeHead(status, {
        ...common,
        'content-type': 'application/problem+json',
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
    };
    const match = /^\/o311-exports\/([A-Za-z0-9_-]+)\/([a-z0-9_-]+\.(?:ndjson|csv))$/.exec(url.pathname);
    const expires = Number(url.searchParams.get('expires'));
    const given = url.searchParams.get('signature') ?? '';
    const wanted = match ? signature(url.pathname, expires) : '';
    const file = match ? exports.get(match[1] as string)?.files.find((f) => f.name === match[2]) : undefined;
    if (req.method !== 'GET' || !match || !Number.isInteger(expires)) refuse(404, 'No such object');
    else if (given.length !== wanted.length || !timingSafeEqual(Buffer.from(given), Buffer.from(wanted)))
      refuse(403, 'The signature does not match');
    else if (expires < Date.now() / 1000) refuse(403, 'The link has expired; ask the API for a new one');
    else if (!file) refuse(404, 'No such object');
    else sendObject(res, common, file);
  }

  function sendObject(res: ServerResponse, common: Record<string, string>, file: ExportFileEntry): void {
    res.writeHead(200, {
      ...common,
      'content-type': file.mediaType,
      'content-length': file.body.length,
      'content-disposition': `attachment; filename="${file.name}"`,
      'cache-control': 'private, max-age=60',
    });
    res.end(file.body);
  }

  /**
   * Token buckets: anonymous callers (by address) get a small bucket, since public reads are cheap to
   * repeat; a council's token gets a large one.
   */
  function rateLimit(key: string, anonymous: boolean): Record<string, string> {
    const { capacity, perSecond } = anonymous ? ANONYMOUS_BUCKET : TENANT_BUCKET;
    const now = Date.now();
    const bucket = buckets.get(key) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
    bucket.at = now;
    buckets.set(key, bucket);
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    const full = Math.max(1, Math.ceil((capacity - bucket.tokens) / perSecond));
    const headers = {
      ratelimit: `limit=${capacity}, remaining=${Math.floor(bucket.tokens)}, reset=${full}`,
      'ratelimit-policy': `${capacity};w=${Math.round(capacity / perSecond)}`,
    };
    if (!allowed)
      throw new Problem(
        429,
        'rate-limited',
        'Too many requests',
        `At most ${capacity} requests at once and ${perSecond} a second after that; wait and try again.`,
        { headers: { ...headers, 'retry-after': String(Math.ceil(1 / perSecond)) } },
      );
    return headers;
  }

  function baseHeaders(isPublic: boolean, links: string[] = []): Record<string, string> {
    const headers: Record<string, string> = {
      link: [
        '</openapi.json>; rel="service-desc"',
        ...(isPublic ? [`<${OGL}>; rel="license"`] : []),
        ...links,
      ].join(', '),
      'api-version': '3.2.0',
      'x-content-type-options': 'nosniff',
    };
    if (secure) headers['strict-transport-security'] = 'max-age=31536000; includeSubDomains';
    if (isPublic) headers['access-control-allow-origin'] = '*';
    return headers;
  }

  function sendProblem(req: IncomingMessage, res: ServerResponse, problem: Problem): void {
    const body = JSON.stringify({
      type: BASELINE_PROBLEMS.has(problem.kind)
        ? `urn:council-conform:problem:${problem.kind}`
        : `https://open311.works/problems/${problem.kind}`,
      title: problem.title,
      status: problem.status,
      detail: problem.detail,
      instance: (req.url ?? '/').split('?')[0],
      ...(problem.extra.errors ? { errors: problem.extra.errors } : {}),
    });
    res.writeHead(problem.status, {
      ...baseHeaders(true),
      ...problem.extra.headers,
      'content-type': 'application/problem+json',
      'content-length': Buffer.byteLength(body),
      'cache-control': 'no-store',
    });
    res.end(body);
  }

  function sendJson(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string>,
  ): void {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      ...headers,
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY)
        throw new Problem(
          413,
          'body-too-large',
          'The body is too large',
          `Bodies are limited to ${MAX_BODY} bytes.`,
        );
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  /** A JSON or form body as an object; `attribute[CODE]` form fields become an `attribute` object. */
  async function readObject(req: IncomingMessage): Promise<Row> {
    const text = await readBody(req);
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type === 'application/x-www-form-urlencoded') {
      const out: Row = {};
      const attribute: Record<string, string> = {};
      for (const [key, value] of new URLSearchParams(text)) {
        const m = /^attribute\[([^\]]+)\]$/.exec(key);
        if (m) attribute[m[1] as string] = value;
        else out[key] = value;
      }
      if (Object.keys(attribute).length > 0) out.attribute = attribute;
      for (const key of ['lat', 'long']) if (typeof out[key] === 'string') out[key] = Number(out[key]);
      return out;
    }
    if (type !== 'application/json')
      throw new Problem(
        415,
        'unsupported-media-type',
        'Unsupported media type',
        'Send application/json or application/x-www-form-urlencoded.',
      );
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw invalid('', 'The body is not valid JSON.');
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw invalid('', 'The body must be a JSON object.');
    return parsed as Row;
  }

  function authenticate(req: IncomingMessage, url: URL, scope: string): Tenant {
    if (url.searchParams.has('access_token'))
      throw new Problem(
        401,
        'unauthenticated',
        'Send the token in the Authorization header',
        'Tokens are never accepted in the query string.',
        {
          headers: { 'www-authenticate': 'Bearer error="invalid_request"' },
        },
      );
    const header = req.headers.authorization ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m)
      throw new Problem(
        401,
        'unauthenticated',
        'Authentication required',
        'This operation needs a bearer token from /oauth/token.',
        {
          headers: { 'www-authenticate': 'Bearer realm="open311-works"' },
        },
      );
    const grant = tokens.get(m[1] as string);
    if (!grant || grant.expires < Date.now())
      throw new Problem(
        401,
        'unauthenticated',
        'Authentication required',
        'The access token is not valid or has expired.',
        {
          headers: { 'www-authenticate': 'Bearer realm="open311-works", error="invalid_token"' },
        },
      );
    if (!grant.scopes.has(scope))
      throw new Problem(403, 'forbidden', 'Not allowed', `The token does not carry the ${scope} scope.`);
    return grant.tenant;
  }

  function integerParam(url: URL, name: string, min: number, max: number, fallback: number): number {
    const raw = url.searchParams.get(name);
    if (raw === null) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max)
      throw invalid(`/query/${name}`, `${name} must be a whole number from ${min} to ${max}.`);
    return Number(raw);
  }

  function instantParam(url: URL, name: string): number | undefined {
    const raw = url.searchParams.get(name);
    if (raw === null) return undefined;
    if (!RFC3339.test(raw) || Number.isNaN(Date.parse(raw)))
      throw invalid(
        `/query/${name}`,
        `${name} must be an RFC 3339 date-time with an offset, such as 2026-04-01T09:30:00Z.`,
      );
    return Date.parse(raw);
  }

  /** GeoReport paging: `page`/`page_size`, the next page linked relative to this response's URL. */
  function geoPage(url: URL, rows: Row[]): { items: Row[]; links: string[] } {
    const page = integerParam(url, 'page', 1, 1_000_000, 1);
    const size = integerParam(url, 'page_size', 1, 1000, 1000);
    const items = rows.slice((page - 1) * size, page * size);
    if (page * size >= rows.length) return { items, links: [] };
    const next = new URLSearchParams(url.searchParams);
    next.set('page', String(page + 1));
    next.set('page_size', String(size));
    return { items, links: [`<?${next.toString()}>; rel="next"`] };
  }

  function windowed(url: URL, rows: Row[], field: string, extraOverrides: string[]): Row[] {
    const start = instantParam(url, 'start_date');
    const end = instantParam(url, 'end_date');
    const after = instantParam(url, 'modified_after');
    const unfiltered =
      [start, end, after].every((v) => v === undefined) &&
      !extraOverrides.some((p) => url.searchParams.has(p));
    const since = unfiltered ? Date.now() - WINDOW_DAYS * 86_400_000 : undefined;
    return rows.filter((row) => {
      const at = Date.parse(String(row[field]));
      if (since !== undefined && at < since) return false;
      if (start !== undefined && at < start) return false;
      if (end !== undefined && at > end) return false;
      if (after !== undefined && !(Date.parse(String(row.modified_at)) > after)) return false;
      return true;
    });
  }

  function listRequests(url: URL): Row[] {
    const ids = url.searchParams.get('service_request_id');
    if (ids !== null) {
      if (!/^[A-Za-z0-9][A-Za-z0-9._:-]*(?:,[A-Za-z0-9][A-Za-z0-9._:-]*)*$/.test(ids))
        throw invalid(
          '/query/service_request_id',
          'service_request_id is a comma-separated list of report ids.',
        );
      return ids.split(',').flatMap((id) => {
        const row = data.requests.byId.get(id);
        return row ? [row] : [];
      });
    }
    const statusParam = url.searchParams.get('status');
    if (statusParam !== null && !/^[a-z_]+(?:,[a-z_]+)*$/.test(statusParam))
      throw invalid('/query/status', 'status is a comma-separated list of statuses.');
    const statuses = statusParam?.split(',');
    const codes = url.searchParams.get('service_code')?.split(',');
    return windowed(url, data.requests.journal, 'requested_datetime', []).filter((row) => {
      if (codes && !codes.includes(String(row.service_code))) return false;
      if (statuses) {
        const s = String(row.status);
        const ok = statuses.some(
          (wanted) =>
            wanted === s ||
            (wanted === 'open' && OPEN_STATUSES.has(s)) ||
            (wanted === 'closed' && CLOSED_STATUSES.has(s)),
        );
        if (!ok) return false;
      }
      return true;
    });
  }

  function listUpdates(url: URL): Row[] {
    const request = url.searchParams.get('service_request_id');
    const rows = windowed(url, data.updates.journal, 'updated_datetime', ['service_request_id']).filter(
      (row) => request === null || row.service_request_id === request,
    );
    return [...rows].sort(
      (x, y) =>
        String(x.updated_datetime).localeCompare(String(y.updated_datetime)) ||
        String(x.id).localeCompare(String(y.id)),
    );
  }

  function reporterPage(url: URL, tenant: Tenant): { body: Row; links: string[] } {
    const limit = integerParam(url, 'limit', 1, 1000, 100);
    const after = instantParam(url, 'modified_after');
    const cursor = url.searchParams.get('cursor');
    let afterId = '';
    if (cursor !== null) {
      const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
      if (!decoded.startsWith('after:') || cursor.length > 512)
        throw invalid('/query/cursor', 'The cursor is not one this API gave out.');
      afterId = decoded.slice('after:'.length);
    }
    const rows = [...data.reporters[tenant].journal]
      .filter((row) => after === undefined || Date.parse(String(row.modified_at)) > after)
      .sort((x, y) => String(x.id).localeCompare(String(y.id)))
      .filter((row) => String(row.id) > afterId);
    const items = rows.slice(0, limit);
    let next: string | null = null;
    if (rows.length > limit) {
      const params = new URLSearchParams(url.searchParams);
      params.set('cursor', Buffer.from(`after:${String(items[items.length - 1]?.id)}`).toString('base64url'));
      next = `?${params.toString()}`;
    }
    return { body: { items, next }, links: next ? [`<${next}>; rel="next"`] : [] };
  }

  function createReport(body: Row, tenant: Tenant): Row[] {
    const code = body.service_code;
    if (typeof code !== 'string' || code === '') throw invalid('/service_code', 'service_code is required.');
    const service = data.services.byId.get(code);
    if (!service) throw invalid('/service_code', `There is no service ${code}; see /services.json.`);
    const hasPoint = typeof body.lat === 'number' && typeof body.long === 'number';
    if (!hasPoint && typeof body.address_string !== 'string' && typeof body.address_id !== 'string')
      throw invalid('', 'Give a location: lat and long, address_string or address_id.');
    if (
      hasPoint &&
      (Number.isNaN(body.lat) || Math.abs(body.lat as number) > 90 || Math.abs(body.long as number) > 180)
    )
      throw invalid('/lat', 'lat and long must be WGS84 degrees.');
    if (
      body.email !== undefined &&
      (typeof body.email !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(body.email))
    )
      throw invalid('/email', 'email is not an e-mail address.');
    if (typeof body.description === 'string' && body.description.length > 4000)
      throw invalid('/description', 'description is at most 4000 characters.');
    const known =
      typeof body.address_id === 'string'
        ? data.requests.journal.find((r) => r.address_id === body.address_id)
        : undefined;
    const id = `2026-${nextRequestNumber++}`;
    const now = stamp();
    const report: Row = {
      id,
      service_request_id: id,
      status: 'open',
      status_notes: 'Received; an officer will look at it.',
      service_name: service.service_name,
      service_code: code,
      ...(typeof body.title === 'string' ? { title: body.title } : {}),
      ...(typeof body.description === 'string' ? { description: body.description } : {}),
      agency_responsible: 'London Borough of Hackney',
      requested_datetime: now,
      updated_datetime: now,
      ...(typeof body.address_string === 'string' ? { address: body.address_string } : {}),
      ...(typeof body.address_id === 'string' ? { address_id: body.address_id } : {}),
      lat: hasPoint ? body.lat : (known?.lat ?? 51.545),
      long: hasPoint ? body.long : (known?.long ?? -0.0553),
      media_url: typeof body.media_url === 'string' ? body.media_url : '',
      modified_at: now,
    };
    data.requests.journal.push(report);
    data.requests.byId.set(id, report);
    const reporter: Row = { id, service_request_id: id, modified_at: now };
    for (const field of ['first_name', 'last_name', 'email', 'phone', 'device_id', 'account_id'])
      if (typeof body[field] === 'string') reporter[field] = body[field];
    data.reporters[tenant].journal.push(reporter);
    data.reporters[tenant].byId.set(id, reporter);
    return [
      { service_request_id: id, service_notice: String(service.description ?? 'Thank you for your report.') },
    ];
  }

  function createUpdate(body: Row): Row[] {
    for (const field of ['service_request_id', 'update_id', 'status', 'updated_datetime', 'description'])
      if (typeof body[field] !== 'string') throw invalid(`/${field}`, `${field} is required.`);
    const status = String(body.status).toLowerCase();
    if (![...OPEN_STATUSES, ...CLOSED_STATUSES, 'reopen', 'unchanged'].includes(status))
      throw invalid('/status', `${String(body.status)} is not a status this API knows.`);
    if (!RFC3339.test(String(body.updated_datetime)))
      throw invalid('/updated_datetime', 'updated_datetime must be RFC 3339.');
    if (!/^[A-Za-z0-9][A-Za-z0-9._:-]*$/.test(String(body.update_id)))
      throw invalid('/update_id', 'update_id is not a valid id.');
    const report = data.requests.byId.get(String(body.service_request_id));
    if (!report)
      throw new Problem(
        404,
        'not-found',
        'No such report',
        `There is no report ${String(body.service_request_id)}.`,
      );
    if (data.updates.byId.has(String(body.update_id)))
      throw invalid('/update_id', 'That update has already been received.');
    const now = stamp();
    const publicStatus =
      status === 'reopen' ? 'open' : status === 'unchanged' ? String(report.status) : status;
    const update: Row = {
      id: body.update_id,
      update_id: body.update_id,
      service_request_id: report.service_request_id,
      status: publicStatus,
      description: body.description,
      updated_datetime: stamp(Date.parse(String(body.updated_datetime))),
      media_url: typeof body.media_url === 'string' ? body.media_url : '',
      modified_at: now,
    };
    data.updates.journal.push(update);
    data.updates.byId.set(String(body.update_id), update);
    Object.assign(report, { status: publicStatus, updated_datetime: now, modified_at: now });
    return [{ update_id: body.update_id }];
  }

  function exportRows(dataset: string, tenant: Tenant): Row[] {
    if (dataset === 'services') return data.services.journal;
    if (dataset === 'service_requests') return data.requests.journal;
    if (dataset === 'service_request_updates') return data.updates.journal;
    return data.reporters[tenant].journal;
  }

  async function startExport(req: IncomingMessage, tenant: Tenant): Promise<ExportJob> {
    const text = await readBody(req);
    let request: Row = {};
    if (text.trim() !== '') {
      try {
        request = JSON.parse(text) as Row;
      } catch {
        throw invalid('', 'The body is not valid JSON.');
      }
      if (request === null || typeof request !== 'object' || Array.isArray(request))
        throw invalid('', 'The body must be an ExportRequest object.');
    }
    for (const key of Object.keys(request))
      if (!['datasets', 'formats', 'modified_after'].includes(key))
        throw invalid(`/${key}`, `${key} is not a member of ExportRequest.`);
    const datasets = (request.datasets as string[] | undefined) ?? DATASETS.map((d) => d.id);
    const formats = (request.formats as string[] | undefined) ?? ['ndjson', 'csv'];
    if (!Array.isArray(datasets) || datasets.some((d) => !DATASETS.some((known) => known.id === d)))
      throw invalid('/datasets', `datasets are among ${DATASETS.map((d) => d.id).join(', ')}.`);
    if (!Array.isArray(formats) || formats.some((f) => f !== 'ndjson' && f !== 'csv'))
      throw invalid('/formats', 'formats are ndjson and csv.');
    let after: number | undefined;
    if (request.modified_after !== undefined) {
      if (typeof request.modified_after !== 'string' || !RFC3339.test(request.modified_after))
        throw invalid('/modified_after', 'modified_after must be RFC 3339.');
      after = Date.parse(request.modified_after);
    }
    const id = randomBytes(12).toString('base64url');
    const job: ExportJob = {
      id,
      tenant,
      createdAt: stamp(),
      status: 'queued',
      done: 0,
      total: datasets.length,
      files: [],
    };
    exports.set(id, job);
    // Snapshot now, write the files a dataset at a time in the background.
    const snapshot = datasets.map((dataset) => ({
      dataset,
      rows: exportRows(dataset, tenant)
        .filter((row) => after === undefined || Date.parse(String(row.modified_at)) > after)
        .map((row) => structuredClone(row)),
    }));
    let step = 0;
    const work = () => {
      job.status = 'running';
      const item = snapshot[step++];
      if (item) {
        const schema = DATASETS.find((d) => d.id === item.dataset)?.schema ?? 'Service';
        const generatedAt = stamp();
        for (const format of formats as ('ndjson' | 'csv')[]) {
          const body = Buffer.from(
            format === 'ndjson'
              ? item.rows.map((row) => `${JSON.stringify(row)}\n`).join('')
              : toCsv(item.rows),
            'utf8',
          );
          job.files.push({
            name: `${item.dataset}.${format}`,
            dataset: item.dataset,
            format,
            mediaType:
              format === 'ndjson'
                ? 'application/x-ndjson; charset=utf-8'
                : 'text/csv; charset=utf-8; header=present',
            schema: `/openapi.json#/components/schemas/${schema}`,
            body,
            records: item.rows.length,
            generatedAt,
          });
        }
        job.done += 1;
        setTimeout(work, 40);
        return;
      }
      job.status = 'complete';
      job.completedAt = stamp();
    };
    setTimeout(work, 40);
    return job;
  }

  function jobView(job: ExportJob): Row {
    return {
      id: job.id,
      status: job.status,
      createdAt: job.createdAt,
      ...(job.completedAt ? { completedAt: job.completedAt } : {}),
      progress: { datasetsDone: job.done, datasetsTotal: job.total },
      ...(job.status === 'complete'
        ? {
            manifest: {
              exportId: job.id,
              generatedAt: job.completedAt,
              description: '/openapi.json',
              licence: OGL,
              files: job.files.map((file) => ({
                dataset: file.dataset,
                format: file.format,
                mediaType: file.mediaType,
                records: file.records,
                bytes: file.body.length,
                sha256: createHash('sha256').update(file.body).digest('hex'),
                schema: file.schema,
                url: `/exports/${job.id}/files/${file.name}`,
                generatedAt: file.generatedAt,
              })),
            },
          }
        : {}),
    };
  }

  function notFound(what: string): Problem {
    return new Problem(404, 'not-found', 'Not found', `There is no ${what}.`);
  }

  function onlyGet(req: IncomingMessage, allowed = 'GET'): void {
    if (!allowed.split(', ').includes(req.method ?? ''))
      throw new Problem(
        405,
        'method-not-allowed',
        'Method not allowed',
        `${req.method} is not allowed here; use ${allowed}.`,
        {
          headers: { allow: allowed },
        },
      );
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', baseUrl);
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if (method === 'OPTIONS') {
      res.writeHead(204, {
        ...baseHeaders(true),
        'access-control-allow-methods': 'GET, POST, OPTIONS',
        'access-control-allow-headers': 'Authorization, Content-Type',
        'access-control-max-age': '600',
      });
      res.end();
      return;
    }
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const grant = bearer ? tokens.get(bearer) : undefined;
    const limits = grant
      ? rateLimit(`tenant:${grant.tenant}`, false)
      : rateLimit(`ip:${req.socket.remoteAddress}`, true);
    for (const [name, value] of Object.entries(limits)) res.setHeader(name, value);
    const open = (body: unknown, links: string[] = [], extra: Record<string, string> = {}) =>
      sendJson(res, 200, body, { ...baseHeaders(true, links), ...extra });
    const closed = (
      status: number,
      body: unknown,
      links: string[] = [],
      extra: Record<string, string> = {},
    ) => sendJson(res, status, body, { ...baseHeaders(false, links), 'cache-control': 'no-store', ...extra });

    if (path === '/') {
      onlyGet(req);
      return open({
        name: 'Open311 Works street reports',
        description: '/openapi.json',
        georeport: '/services.json',
      });
    }
    if (path === '/openapi.json') {
      onlyGet(req);
      res.writeHead(200, {
        ...baseHeaders(true),
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(description),
      });
      res.end(description);
      return;
    }
    if (path === '/.well-known/security.txt') {
      onlyGet(req);
      const expires = new Date(Date.now() + 300 * 86_400_000).toISOString();
      const text = `Contact: mailto:security@open311.works\nExpires: ${expires}\nPreferred-Languages: en\nCanonical: ${baseUrl}/.well-known/security.txt\nPolicy: https://open311.works/security\n`;
      res.writeHead(200, {
        ...baseHeaders(true),
        'content-type': 'text/plain; charset=utf-8',
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
      return;
    }
    if (path === '/oauth/token') {
      onlyGet(req, 'POST');
      const body = new URLSearchParams(await readBody(req));
      const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
      if (!basic)
        throw new Problem(
          401,
          'unauthenticated',
          'Client authentication required',
          'Authenticate with HTTP Basic (client_secret_basic); credentials in the body are not accepted.',
          {
            headers: { 'www-authenticate': 'Basic realm="open311-works"' },
          },
        );
      const decoded = Buffer.from(basic[1] as string, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const formDecode = (s: string) => {
        try {
          return decodeURIComponent(s.replaceAll('+', ' '));
        } catch {
          return s;
        }
      };
      const id = formDecode(decoded.slice(0, colon));
      const secret = formDecode(decoded.slice(colon + 1));
      const client = colon > 0 ? clients[id] : undefined;
      if (
        !client ||
        client.secret.length !== secret.length ||
        !timingSafeEqual(Buffer.from(client.secret), Buffer.from(secret))
      )
        throw new Problem(
          401,
          'unauthenticated',
          'Client authentication failed',
          'The client id or secret is not right.',
          {
            headers: { 'www-authenticate': 'Basic realm="open311-works"' },
          },
        );
      if (body.get('grant_type') !== 'client_credentials')
        throw invalid('/grant_type', 'grant_type must be client_credentials.');
      const wanted = body.get('scope')?.split(' ').filter(Boolean);
      const scopes = wanted ? wanted.filter((s) => ALL_SCOPES.includes(s)) : ALL_SCOPES;
      const token = randomBytes(32).toString('base64url');
      tokens.set(token, {
        tenant: client.tenant,
        scopes: new Set(scopes),
        expires: Date.now() + TOKEN_LIFETIME_S * 1000,
      });
      return closed(
        200,
        { access_token: token, token_type: 'Bearer', expires_in: TOKEN_LIFETIME_S, scope: scopes.join(' ') },
        [],
        {
          pragma: 'no-cache',
        },
      );
    }
    if (path === '/discovery.json') {
      onlyGet(req);
      return open(
        {
          changeset: '2026-06-01T00:00:00Z',
          contact: 'support@open311.works',
          key_service: 'Tokens from /oauth/token (OAuth 2.0 client credentials)',
          endpoints: [
            {
              specification: 'http://wiki.open311.org/GeoReport_v2',
              url: baseUrl,
              changeset: '2026-06-01T00:00:00Z',
              type: 'production',
              formats: ['application/json'],
            },
          ],
        },
        [
          '</openapi.json>; rel="successor-version"',
          '<https://open311.works/changelog#discovery>; rel="deprecation"',
        ],
        { deprecation: `@${DEPRECATED_ON}`, sunset: SUNSET },
      );
    }
    if (path === '/services.json') {
      onlyGet(req);
      const after = instantParam(url, 'modified_after');
      const rows = data.services.journal
        .filter((row) => after === undefined || Date.parse(String(row.modified_at)) > after)
        .map(({ attributes: _attributes, ...summary }) => summary);
      return open(rows);
    }
    let m = /^\/services\/([^/]+)\.json$/.exec(path);
    if (m) {
      onlyGet(req);
      const row = data.services.byId.get(decodeURIComponent(m[1] as string));
      if (!row) throw notFound(`service ${m[1]}`);
      return open({ ...row, attributes: row.attributes ?? [] });
    }
    if (path === '/requests.json') {
      if (method === 'POST') {
        const tenant = authenticate(req, url, 'service_requests:write');
        return closed(200, createReport(await readObject(req), tenant));
      }
      onlyGet(req, 'GET, POST');
      const { items, links } = geoPage(url, listRequests(url));
      return open(items, links);
    }
    m = /^\/requests\/([^/]+)\.json$/.exec(path);
    if (m) {
      onlyGet(req);
      const row = data.requests.byId.get(decodeURIComponent(m[1] as string));
      if (!row) throw notFound(`report ${m[1]}`);
      return open([row]);
    }
    if (path === '/servicerequestupdates.json') {
      if (method === 'POST') {
        authenticate(req, url, 'service_request_updates:write');
        return closed(200, createUpdate(await readObject(req)));
      }
      onlyGet(req, 'GET, POST');
      const { items, links } = geoPage(url, listUpdates(url));
      return open(items, links);
    }
    m = /^\/servicerequestupdates\/([^/]+)\.json$/.exec(path);
    if (m) {
      onlyGet(req);
      const row = data.updates.byId.get(decodeURIComponent(m[1] as string));
      if (!row) throw notFound(`update ${m[1]}`);
      return open(row);
    }
    if (path === '/reporters') {
      onlyGet(req);
      const tenant = authenticate(req, url, 'reporters:read');
      const { body, links } = reporterPage(url, tenant);
      return closed(200, body, links);
    }
    m = /^\/reporters\/([^/]+)$/.exec(path);
    if (m) {
      onlyGet(req);
      const tenant = authenticate(req, url, 'reporters:read');
      const row = data.reporters[tenant].byId.get(decodeURIComponent(m[1] as string));
      if (!row) throw notFound(`reporter ${m[1]}`);
      return closed(200, row);
    }
    if (path === '/exports') {
      onlyGet(req, 'POST');
      const tenant = authenticate(req, url, 'exports:run');
      const job = await startExport(req, tenant);
      return closed(202, jobView(job), [], { location: `/exports/${job.id}` });
    }
    m = /^\/exports\/([^/]+)$/.exec(path);
    if (m) {
      onlyGet(req);
      const tenant = authenticate(req, url, 'exports:run');
      const job = exports.get(m[1] as string);
      if (!job || job.tenant !== tenant) throw notFound(`export ${m[1]}`);
      return closed(200, jobView(job), [], job.status === 'complete' ? {} : { 'retry-after': '1' });
    }
    m = /^\/exports\/([^/]+)\/files\/([^/]+)$/.exec(path);
    if (m) {
      onlyGet(req);
      const tenant = authenticate(req, url, 'exports:run');
      const job = exports.get(m[1] as string);
      if (!job || job.tenant !== tenant) throw notFound(`export ${m[1]}`);
      if (job.status !== 'complete')
        throw new Problem(
          409,
          'export-not-ready',
          'The export is not ready',
          'Poll the export until its status is complete.',
          {
            headers: { 'retry-after': '1' },
          },
        );
      const file = job.files.find((f) => f.name === m?.[2]);
      if (!file) throw notFound(`file ${m[2]} in this export`);
      const objectPath = `/o311-exports/${job.id}/${file.name}`;
      const expires = Math.floor(Date.now() / 1000) + PRESIGN_LIFETIME_S;
      const location = `${storeUrl}${objectPath}?expires=${expires}&signature=${signature(objectPath, expires)}`;
      res.writeHead(302, {
        ...baseHeaders(false),
        location,
        'cache-control': 'no-store',
        'content-length': 0,
      });
      res.end();
      return;
    }
    if (path === '/imports' || /^\/imports\/[^/]+$/.test(path) || /^\/tokens\/[^/]+\.json$/.test(path))
      throw new Problem(
        501,
        'not-implemented',
        'Not offered',
        'Open311 Works does not offer this optional operation.',
      );
    throw notFound(`resource at ${path}`);
  }

  return {
    url: baseUrl,
    async close() {
      await Promise.all(
        [api, store].map(
          (server) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              server.closeAllConnections();
            }),
        ),
      );
    },
  };
}

function listen(server: Server, secure: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve(`${secure ? 'https' : 'http'}://127.0.0.1:${port}`);
    });
  });
}

import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { RunningSupplier, SupplierStartOptions } from '../supplier.ts';
import { type Catalogue, DATASETS, type DatasetTable, PUBLIC, seed } from './catalogue.ts';

const API_VERSION = '4.2.0';
const OGL = 'https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/';
const SCOPES = [
  'properties:read',
  'tenancies:read',
  'repair_requests:read',
  'repair_requests:write',
  'work_orders:read',
  'job_status_updates:read',
  'appointments:read',
  'appointments:write',
  'person_alerts:read',
  'exports:run',
];
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;
const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

/** Problems Repairs Direct answers, in its own words. */
class Refusal {
  /** Extension members of the problem document (the OAuth `error` code at the token endpoint). */
  members: Record<string, string> = {};
  constructor(
    readonly status: number,
    readonly kind: string,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: { pointer: string; detail: string }[],
    readonly headers: Record<string, string> = {},
  ) {}
}

const invalid = (pointer: string, detail: string) =>
  new Refusal(400, 'validation', 'Your request did not pass validation', detail, [{ pointer, detail }]);

interface Caller {
  readonly tenant: string;
  readonly clientId: string;
}

interface ExportJob {
  readonly id: string;
  readonly tenant: string;
  readonly createdAt: string;
  readonly datasets: readonly DatasetTable[];
  readonly formats: readonly ('ndjson' | 'csv')[];
  readonly modifiedAfter?: number;
  polls: number;
  completedAt?: string;
  files?: Map<string, { body: Buffer; mediaType: string; entry: Record<string, unknown> }>;
}

/** A token bucket per caller: generous for councils' clients, tighter for anonymous traffic. */
class Buckets {
  private readonly state = new Map<string, { tokens: number; at: number }>();
  take(key: string, capacity: number, perSecond: number): { ok: boolean; remaining: number } {
    const now = Date.now();
    const s = this.state.get(key) ?? { tokens: capacity, at: now };
    s.tokens = Math.min(capacity, s.tokens + ((now - s.at) / 1000) * perSecond);
    s.at = now;
    this.state.set(key, s);
    if (s.tokens < 1) return { ok: false, remaining: 0 };
    s.tokens -= 1;
    return { ok: true, remaining: Math.floor(s.tokens) };
  }
}

export async function startRepairsDirect(options: SupplierStartOptions): Promise<RunningSupplier> {
  const catalogue: Catalogue = seed(options.specsDir, { a: 'council-a', b: 'council-b' });
  const clients = new Map([
    [options.tenants.a.clientId, { secret: options.tenants.a.clientSecret, tenant: 'council-a' }],
    [options.tenants.b.clientId, { secret: options.tenants.b.clientSecret, tenant: 'council-b' }],
  ]);
  const tokens = new Map<string, Caller & { expires: number }>();
  const jobs = new Map<string, ExportJob>();
  const buckets = new Buckets();
  const description = JSON.parse(readFileSync(new URL('./openapi.json', import.meta.url), 'utf8')) as {
    servers: { url: string }[];
    components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
  };
  let origin = '';

  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', origin);
    const common: Record<string, string> = {
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'api-version': API_VERSION,
      'x-content-type-options': 'nosniff',
    };
    const links = ['</openapi.json>; rel="service-desc"'];
    let open = false;
    const send = (
      status: number,
      body: string | Buffer,
      type: string,
      extra: Record<string, string> = {},
    ) => {
      if (open) {
        common['access-control-allow-origin'] = '*';
        links.push(`<${OGL}>; rel="license"`);
      }
      res.writeHead(status, {
        ...common,
        link: links.join(', '),
        'content-type': type,
        'content-length': String(Buffer.byteLength(body)),
        'cache-control': open ? 'public, max-age=60' : 'no-store',
        ...extra,
      });
      res.end(body);
    };
    const json = (status: number, body: unknown, extra: Record<string, string> = {}) =>
      send(status, JSON.stringify(body), 'application/json', extra);
    const problem = (refusal: Refusal) =>
      send(
        refusal.status,
        JSON.stringify({
          type: `urn:council-conform:problem:${refusal.kind}`,
          title: refusal.title,
          status: refusal.status,
          ...(refusal.detail ? { detail: refusal.detail } : {}),
          instance: url.pathname,
          ...(refusal.errors ? { errors: refusal.errors } : {}),
          ...refusal.members,
        }),
        'application/problem+json',
        refusal.headers,
      );

    try {
      const caller = identify(req);
      // Rate limit first: anonymous callers share a tighter bucket per address.
      const key = caller ? `client:${caller.clientId}` : `anon:${req.socket.remoteAddress ?? ''}`;
      const [capacity, rate] = caller ? [300, 200] : [60, 30];
      const bucket = buckets.take(key, capacity, rate);
      common.ratelimit = `limit=${capacity}, remaining=${bucket.remaining}, reset=1`;
      common['ratelimit-policy'] = `${capacity};w=${Math.round(capacity / rate)}`;
      if (!bucket.ok)
        throw new Refusal(
          429,
          'rate-limited',
          'Slow down',
          'Too many requests; retry after a second.',
          undefined,
          {
            'retry-after': '1',
          },
        );
      await route(req, url, caller, { json, send, problem, links, setOpen: () => (open = true) });
    } catch (error) {
      if (error instanceof Refusal) return problem(error);
      // Nothing about the failure leaves the building.
      return problem(new Refusal(500, 'server-error', 'Something went wrong on our side'));
    }
  };

  function identify(req: IncomingMessage): Caller | undefined {
    const header = req.headers.authorization;
    // HTTP Basic belongs to the token endpoint alone; elsewhere only a bearer token identifies a caller.
    if (!header || !/^Bearer\s/i.test(header)) return undefined;
    const m = /^Bearer\s+([A-Za-z0-9._~+/=-]+)$/i.exec(header);
    const found = m ? tokens.get(m[1] as string) : undefined;
    if (!found || found.expires < Date.now())
      throw new Refusal(
        401,
        'unauthenticated',
        'Sign in first',
        'The access token is not one we issued, or it has expired.',
        undefined,
        {
          'www-authenticate': 'Bearer error="invalid_token"',
        },
      );
    return found;
  }

  function mustCall(caller: Caller | undefined, scope: string): Caller {
    if (!caller)
      throw new Refusal(
        401,
        'unauthenticated',
        'Sign in first',
        `This needs a bearer token with ${scope}.`,
        undefined,
        {
          'www-authenticate': `Bearer scope="${scope}"`,
        },
      );
    return caller;
  }

  interface Reply {
    json(status: number, body: unknown, extra?: Record<string, string>): void;
    send(status: number, body: string | Buffer, type: string, extra?: Record<string, string>): void;
    problem(refusal: Refusal): void;
    links: string[];
    setOpen(): void;
  }

  async function route(
    req: IncomingMessage,
    url: URL,
    caller: Caller | undefined,
    reply: Reply,
  ): Promise<void> {
    const method = req.method ?? 'GET';
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const segments = path.split('/').slice(1).map(decodeURIComponent);
    const only = (...allowed: string[]) => {
      if (!allowed.includes(method))
        throw new Refusal(
          405,
          'method-not-allowed',
          'That method is not offered here',
          `Use ${allowed.join(' or ')}.`,
          undefined,
          {
            allow: allowed.join(', '),
          },
        );
    };

    if (path === '/' || path === '/healthz') {
      only('GET');
      reply.setOpen();
      return reply.json(200, {
        name: 'Repairs Direct API',
        version: API_VERSION,
        description: '/openapi.json',
      });
    }
    if (path === '/openapi.json') {
      only('GET');
      reply.setOpen();
      return reply.json(200, { ...description, servers: [{ url: origin }] });
    }
    if (path === '/.well-known/security.txt') {
      only('GET');
      reply.setOpen();
      return reply.send(
        200,
        'Contact: mailto:security@repairs-direct.example\nExpires: 2027-12-31T23:59:59Z\nPreferred-Languages: en\nPolicy: https://repairs-direct.example/security\n',
        'text/plain; charset=utf-8',
      );
    }
    if (path === '/oauth/token') {
      only('POST');
      return reply.json(200, await issueToken(req), { 'cache-control': 'no-store', pragma: 'no-cache' });
    }
    if (segments[0] === 'exports') return exportsRoute(req, method, segments, caller, reply);
    if (path === '/imports' || segments[0] === 'imports') {
      throw new Refusal(
        501,
        'not-implemented',
        'Not offered by Repairs Direct',
        'Bulk import is not part of our product.',
      );
    }
    if (segments[0] === 'work-orders' && segments.length === 3 && segments[2] !== 'appointment-slots') {
      if (segments[2] === 'job-status-updates' || segments[2] === 'completion')
        throw new Refusal(
          501,
          'not-implemented',
          'Not offered by Repairs Direct',
          'Contractors update work orders in our own app; job status updates and completions are not taken over the API.',
        );
    }
    if (segments[0] === 'work-orders' && segments[2] === 'appointment-slots' && segments.length === 3) {
      only('GET');
      return reply.json(200, slots(mustCall(caller, 'appointments:read'), segments[1] as string, url));
    }

    const dataset = DATASETS.find((d) => d.path === `/${segments[0]}`);
    if (!dataset || segments.length > 2)
      throw new Refusal(404, 'not-found', 'Nothing here', `No resource at ${path}.`);
    if (segments.length === 1) {
      if (method === 'POST' && dataset.id === 'repair_requests') return raiseRepair(req, caller, reply);
      if (method === 'POST' && dataset.id === 'appointments') return bookAppointment(req, caller, reply);
      only(...(['repair_requests', 'appointments'].includes(dataset.id) ? ['GET', 'POST'] : ['GET']));
      if (dataset.open) reply.setOpen();
      const who = dataset.open ? caller : mustCall(caller, `${dataset.id}:read`);
      return listPage(dataset, who, url, reply);
    }
    only('GET');
    if (dataset.open) reply.setOpen();
    const who = dataset.open ? caller : mustCall(caller, `${dataset.id}:read`);
    const id = segments[1] as string;
    const row = ID.test(id) ? catalogue.visible(dataset.id, id, who?.tenant) : undefined;
    if (!row)
      throw new Refusal(
        404,
        'not-found',
        'No such record',
        `There is no ${dataset.id} record ${id} for you.`,
      );
    return reply.json(200, catalogue.record(dataset.id, row));
  }

  function listPage(dataset: DatasetTable, caller: Caller | undefined, url: URL, reply: Reply): void {
    const q = url.searchParams;
    const limitText = q.get('limit') ?? '100';
    if (!/^\d{1,4}$/.test(limitText) || Number(limitText) < 1 || Number(limitText) > 1000)
      throw invalid('/query/limit', 'limit is a whole number from 1 to 1000');
    const limit = Number(limitText);
    let after: string | undefined;
    const cursor = q.get('cursor');
    if (cursor !== null) {
      try {
        const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
          v?: number;
          k?: unknown;
        };
        if (decoded.v !== 2 || typeof decoded.k !== 'string') throw new Error('shape');
        after = decoded.k;
      } catch {
        throw invalid('/query/cursor', 'cursor is not one this API gave out');
      }
    }
    const since = q.get('modified_after');
    if (since !== null && (!RFC3339.test(since) || Number.isNaN(Date.parse(since))))
      throw invalid('/query/modified_after', 'modified_after is an RFC 3339 date-time with an offset');
    const sinceMs = since === null ? undefined : Date.parse(since);
    const filters = Object.entries(dataset.filters).flatMap(([param, column]) => {
      const value = q.get(param);
      return value === null ? [] : [[column, value] as const];
    });

    const items: Record<string, unknown>[] = [];
    let last: string | undefined;
    let more = false;
    for (const id of catalogue.idsFor(dataset.id, caller?.tenant, after)) {
      const row = catalogue.visible(dataset.id, id, caller?.tenant);
      if (!row) continue;
      if (sinceMs !== undefined && !(Date.parse(String(row.cells.get('modified_at'))) > sinceMs)) continue;
      if (
        filters.some(
          ([column, value]) => String(row.cells.get(column) ?? '').toUpperCase() !== value.toUpperCase(),
        )
      )
        continue;
      if (items.length === limit) {
        more = true;
        break;
      }
      items.push(catalogue.record(dataset.id, row));
      last = id;
    }
    let next: string | null = null;
    if (more && last !== undefined) {
      const params = new URLSearchParams(q);
      params.set('limit', String(limit));
      params.set('cursor', Buffer.from(JSON.stringify({ v: 2, k: last })).toString('base64url'));
      next = `${origin}${dataset.path}?${params}`;
      reply.links.push(`<${next}>; rel="next"`);
    }
    reply.json(200, { items, next });
  }

  async function readBody(req: IncomingMessage, limit = 1_000_000): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > limit) throw new Refusal(413, 'validation', 'That body is too large', 'Send at most 1 MB.');
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  async function jsonBody(req: IncomingMessage, required: boolean): Promise<Record<string, unknown>> {
    const text = await readBody(req);
    if (text.trim() === '') {
      if (required) throw invalid('', 'a JSON body is required');
      return {};
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw invalid('', 'the body is not well-formed JSON');
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw invalid('', 'the body must be a JSON object');
    return parsed as Record<string, unknown>;
  }

  async function issueToken(req: IncomingMessage): Promise<Record<string, unknown>> {
    const form = new URLSearchParams(await readBody(req, 10_000));
    const oauth = (status: number, error: string, detail: string) =>
      Object.assign(
        new Refusal(
          status,
          status === 401 ? 'unauthenticated' : 'validation',
          'The token request was refused',
          detail,
          undefined,
          {
            ...(status === 401 ? { 'www-authenticate': 'Basic realm="repairs-direct"' } : {}),
          },
        ),
        { members: { error, error_description: detail } },
      );
    if (form.get('grant_type') !== 'client_credentials')
      throw oauth(400, 'unsupported_grant_type', 'Only the client_credentials grant is offered.');
    let id: string | null = null;
    let secret: string | null = null;
    const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(req.headers.authorization ?? '');
    if (basic) {
      const pair = Buffer.from(basic[1] as string, 'base64').toString('utf8');
      const colon = pair.indexOf(':');
      const unform = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
      try {
        id = unform(pair.slice(0, colon));
        secret = unform(pair.slice(colon + 1));
      } catch {
        throw oauth(401, 'invalid_client', 'The client credentials are not well formed.');
      }
      if (form.has('client_secret'))
        throw oauth(400, 'invalid_request', 'Authenticate one way only: HTTP Basic or the form body.');
    } else {
      id = form.get('client_id');
      secret = form.get('client_secret');
    }
    const client = id === null ? undefined : clients.get(id);
    if (!client || secret === null || !sameSecret(client.secret, secret))
      throw oauth(401, 'invalid_client', 'Unknown client or wrong secret.');
    const token = randomBytes(32).toString('base64url');
    tokens.set(token, { tenant: client.tenant, clientId: id as string, expires: Date.now() + 3600_000 });
    return { access_token: token, token_type: 'Bearer', expires_in: 3600, scope: SCOPES.join(' ') };
  }

  async function raiseRepair(req: IncomingMessage, caller: Caller | undefined, reply: Reply): Promise<void> {
    const who = mustCall(caller, 'repair_requests:write');
    const body = await jsonBody(req, true);
    const allowed = new Set([
      'property_id',
      'reported_at',
      'channel',
      'reporter',
      'description_of_work',
      'location_of_repair',
      'priority',
      'work_class',
      'work_type',
      'work_elements',
      'access_information',
      'parking_arrangements',
    ]);
    for (const key of Object.keys(body))
      if (!allowed.has(key)) throw invalid(`/${key}`, `${key} is not a field of a repair`);
    const property =
      typeof body.property_id === 'string'
        ? catalogue.visible('properties', body.property_id, PUBLIC)
        : undefined;
    if (!property) throw invalid('/property_id', 'property_id names none of the landlord’s properties');
    const text = body.description_of_work;
    if (typeof text !== 'string' || text.length < 1 || text.length > 230)
      throw invalid('/description_of_work', 'description_of_work is 1 to 230 characters');
    const priority = body.priority as { code?: unknown } | undefined;
    const targets: Record<string, [string, number]> = {
      '1': ['Immediate', 2 * 3600_000],
      '2': ['Emergency', 24 * 3600_000],
      '3': ['Urgent', 7 * 24 * 3600_000],
      '4': ['Normal', 29 * 24 * 3600_000],
      '5': ['Inspection', 29 * 24 * 3600_000],
    };
    const target = typeof priority?.code === 'string' ? targets[priority.code] : undefined;
    if (!target) throw invalid('/priority/code', 'priority.code is one of 1 to 5');
    const workClass = body.work_class as { code?: unknown } | undefined;
    if (
      typeof workClass?.code !== 'string' ||
      !['0', '10', '20', '30', '40', '50', '60'].includes(workClass.code)
    )
      throw invalid('/work_class/code', 'work_class.code is a UKHDS WorkClassCode');
    if (
      body.reported_at !== undefined &&
      (typeof body.reported_at !== 'string' || !RFC3339.test(body.reported_at))
    )
      throw invalid('/reported_at', 'reported_at is an RFC 3339 date-time');
    const now = new Date();
    const reported = typeof body.reported_at === 'string' ? body.reported_at : stamp(now);
    const record: Record<string, unknown> = {
      id: catalogue.nextId('repair_requests', 'RR-'),
      property_id: body.property_id,
      uprn: property.cells.get('uprn'),
      reported_at: reported,
      ...(body.channel !== undefined ? { channel: body.channel } : {}),
      ...(body.reporter !== undefined ? { reporter: body.reporter } : {}),
      description_of_work: text,
      ...(body.location_of_repair !== undefined ? { location_of_repair: body.location_of_repair } : {}),
      priority: {
        code: priority?.code,
        description: target[0],
        required_completion_at: stamp(new Date(Date.parse(reported) + target[1])),
      },
      work_class: body.work_class,
      ...(body.work_type !== undefined ? { work_type: body.work_type } : {}),
      ...(body.work_elements !== undefined ? { work_elements: body.work_elements } : {}),
      ...(body.access_information !== undefined ? { access_information: body.access_information } : {}),
      ...(body.parking_arrangements !== undefined ? { parking_arrangements: body.parking_arrangements } : {}),
      status: 'received',
      work_order_ids: [],
      modified_at: stamp(now),
    };
    catalogue.insert('repair_requests', who.tenant, record);
    reply.json(201, record, { location: `${origin}/repair-requests/${record.id}` });
  }

  function slotsFor(from: Date, days: number): { id: string; date: string; half: 'AM' | 'PM' }[] {
    const out: { id: string; date: string; half: 'AM' | 'PM' }[] = [];
    for (let d = 0; d < days; d++) {
      const day = new Date(from.getTime() + d * 86400_000);
      if (day.getUTCDay() === 0 || day.getUTCDay() === 6) continue;
      const date = day.toISOString().slice(0, 10);
      for (const half of ['AM', 'PM'] as const) out.push({ id: `SLOT-${date}-${half}`, date, half });
    }
    return out;
  }

  function slotRecord(slot: { id: string; date: string; half: 'AM' | 'PM' }) {
    const [from, to] = slot.half === 'AM' ? ['08:00', '12:00'] : ['12:00', '18:00'];
    return {
      id: slot.id,
      date: slot.date,
      time_of_day: { name: slot.half, earliest_arrival_time: from, latest_arrival_time: to },
      window_start: `${slot.date}T${from}:00Z`,
      window_end: `${slot.date}T${to}:00Z`,
    };
  }

  function bookedSlots(workOrderId: string): Set<string> {
    const taken = new Set<string>();
    for (const tenant of ['council-a', 'council-b']) {
      for (const id of catalogue.idsFor('appointments', tenant)) {
        const row = catalogue.visible('appointments', id, tenant);
        if (row?.cells.get('work_order_id') === workOrderId && row.cells.get('status') === 'booked')
          taken.add(String(row.cells.get('slot_id')));
      }
    }
    return taken;
  }

  function slots(caller: Caller, workOrderId: string, url: URL): Record<string, unknown> {
    if (!catalogue.visible('work_orders', workOrderId, caller.tenant))
      throw new Refusal(404, 'not-found', 'No such record', `There is no work order ${workOrderId} for you.`);
    const dates: Record<string, string | null> = {};
    for (const name of ['from_date', 'to_date']) {
      const value = url.searchParams.get(name);
      if (value !== null && (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))))
        throw invalid(`/query/${name}`, `${name} is an RFC 3339 full-date`);
      dates[name] = value;
    }
    const taken = bookedSlots(workOrderId);
    const start = dates.from_date ? new Date(dates.from_date) : new Date(Date.now() + 86400_000);
    const items = slotsFor(new Date(start.toISOString().slice(0, 10)), 14)
      .filter((s) => !taken.has(s.id) && (!dates.to_date || s.date <= dates.to_date))
      .map(slotRecord);
    return { items, next: null };
  }

  async function bookAppointment(
    req: IncomingMessage,
    caller: Caller | undefined,
    reply: Reply,
  ): Promise<void> {
    const who = mustCall(caller, 'appointments:write');
    const body = await jsonBody(req, true);
    for (const key of Object.keys(body))
      if (!['work_order_id', 'slot_id', 'contact_person_id', 'notes'].includes(key))
        throw invalid(`/${key}`, `${key} is not a field of an appointment request`);
    if (typeof body.work_order_id !== 'string') throw invalid('/work_order_id', 'work_order_id is required');
    const slotMatch =
      typeof body.slot_id === 'string' ? /^SLOT-(\d{4}-\d{2}-\d{2})-(AM|PM)$/.exec(body.slot_id) : null;
    if (!slotMatch) throw invalid('/slot_id', 'slot_id is a slot from listAppointmentSlots');
    const order = catalogue.visible('work_orders', body.work_order_id, who.tenant);
    if (!order)
      throw new Refusal(
        404,
        'not-found',
        'No such record',
        `There is no work order ${body.work_order_id} for you.`,
      );
    if (bookedSlots(body.work_order_id).has(body.slot_id as string))
      throw new Refusal(
        409,
        'conflict',
        'That slot has gone',
        'Another appointment holds it; pick another slot.',
      );
    const slot = slotRecord({
      id: body.slot_id as string,
      date: slotMatch[1] as string,
      half: slotMatch[2] as 'AM' | 'PM',
    });
    const now = stamp(new Date());
    const tenancy = order.cells.get('tenancy_id');
    const record: Record<string, unknown> = {
      id: catalogue.nextId('appointments', 'APT-'),
      work_order_id: body.work_order_id,
      ...(typeof tenancy === 'string' ? { tenancy_id: tenancy } : {}),
      ...(typeof body.contact_person_id === 'string' ? { contact_person_id: body.contact_person_id } : {}),
      slot_id: slot.id,
      date: slot.date,
      time_of_day: slot.time_of_day,
      window_start: slot.window_start,
      window_end: slot.window_end,
      status: 'booked',
      booked_at: now,
      ...(typeof body.notes === 'string' ? { notes: body.notes } : {}),
      modified_at: now,
    };
    catalogue.insert('appointments', who.tenant, record);
    reply.json(201, record, { location: `${origin}/appointments/${record.id}` });
  }

  async function exportsRoute(
    req: IncomingMessage,
    method: string,
    segments: string[],
    caller: Caller | undefined,
    reply: Reply,
  ): Promise<void> {
    const allow = segments.length === 1 ? ['POST'] : ['GET'];
    if (!allow.includes(method))
      throw new Refusal(
        405,
        'method-not-allowed',
        'That method is not offered here',
        `Use ${allow[0]}.`,
        undefined,
        {
          allow: allow.join(', '),
        },
      );
    const who = mustCall(caller, 'exports:run');
    if (segments.length === 1) {
      const body = await jsonBody(req, false);
      for (const key of Object.keys(body))
        if (!['datasets', 'formats', 'modified_after'].includes(key))
          throw invalid(`/${key}`, `${key} is not an export option`);
      let datasets = DATASETS;
      if (body.datasets !== undefined) {
        if (!Array.isArray(body.datasets)) throw invalid('/datasets', 'datasets is a list of dataset ids');
        datasets = body.datasets.map((name, i) => {
          const found = DATASETS.find((d) => d.id === name);
          if (!found) throw invalid(`/datasets/${i}`, `${String(name)} is not one of our datasets`);
          return found;
        });
      }
      let formats: ('ndjson' | 'csv')[] = ['ndjson', 'csv'];
      if (body.formats !== undefined) {
        if (!Array.isArray(body.formats) || body.formats.some((f) => f !== 'ndjson' && f !== 'csv'))
          throw invalid('/formats', 'formats are ndjson and csv');
        formats = body.formats as ('ndjson' | 'csv')[];
      }
      const since = body.modified_after;
      if (since !== undefined && (typeof since !== 'string' || !RFC3339.test(since)))
        throw invalid('/modified_after', 'modified_after is an RFC 3339 date-time');
      const job: ExportJob = {
        id: `rdx_${randomBytes(9).toString('base64url')}`,
        tenant: who.tenant,
        createdAt: stamp(new Date()),
        datasets,
        formats,
        ...(typeof since === 'string' ? { modifiedAfter: Date.parse(since) } : {}),
        polls: 0,
      };
      jobs.set(job.id, job);
      return reply.json(202, view(job), { location: `${origin}/exports/${job.id}`, 'retry-after': '1' });
    }
    const job = jobs.get(segments[1] as string);
    if (!job || job.tenant !== who.tenant)
      throw new Refusal(404, 'not-found', 'No such export', `There is no export ${segments[1]} for you.`);
    if (segments.length === 2) {
      job.polls += 1;
      // The first poll finds it running; the second finds it done.
      if (job.polls >= 2 && !job.files) build(job);
      return reply.json(200, view(job), job.files ? {} : { 'retry-after': '1' });
    }
    if (segments.length !== 4 || segments[2] !== 'files')
      throw new Refusal(404, 'not-found', 'Nothing here', 'No such export resource.');
    if (!job.files)
      throw new Refusal(
        409,
        'export-not-ready',
        'The export is not finished',
        'Poll the export until it is complete.',
      );
    const file = job.files.get(segments[3] as string);
    if (!file) throw new Refusal(404, 'not-found', 'No such file', `The export has no file ${segments[3]}.`);
    return reply.send(200, file.body, file.mediaType, {
      'content-disposition': `attachment; filename="${segments[3]}"`,
    });
  }

  function view(job: ExportJob): Record<string, unknown> {
    return {
      id: job.id,
      status: job.files ? 'complete' : job.polls === 0 ? 'queued' : 'running',
      createdAt: job.createdAt,
      ...(job.completedAt ? { completedAt: job.completedAt } : {}),
      progress: {
        datasetsDone: job.files
          ? job.datasets.length
          : Math.floor(job.datasets.length / 2) * Math.min(job.polls, 1),
        datasetsTotal: job.datasets.length,
      },
      ...(job.files && job.completedAt
        ? {
            manifest: {
              exportId: job.id,
              generatedAt: job.completedAt,
              description: `${origin}/openapi.json`,
              licence: OGL,
              files: [...job.files.values()].map((f) => f.entry),
            },
          }
        : {}),
    };
  }

  function build(job: ExportJob): void {
    const generatedAt = stamp(new Date());
    const files = new Map<string, { body: Buffer; mediaType: string; entry: Record<string, unknown> }>();
    for (const dataset of job.datasets) {
      const records: Record<string, unknown>[] = [];
      for (const id of catalogue.idsFor(dataset.id, job.tenant)) {
        const row = catalogue.visible(dataset.id, id, job.tenant);
        if (!row) continue;
        if (
          job.modifiedAfter !== undefined &&
          !(Date.parse(String(row.cells.get('modified_at'))) > job.modifiedAfter)
        )
          continue;
        records.push(catalogue.record(dataset.id, row));
      }
      for (const format of job.formats) {
        const body =
          format === 'ndjson'
            ? Buffer.from(records.map((r) => `${JSON.stringify(r)}\n`).join(''), 'utf8')
            : Buffer.from(toCsv(dataset, records), 'utf8');
        const name = `${dataset.id}.${format}`;
        const mediaType =
          format === 'ndjson'
            ? 'application/x-ndjson; charset=utf-8'
            : 'text/csv; charset=utf-8; header=present';
        files.set(name, {
          body,
          mediaType,
          entry: {
            dataset: dataset.id,
            format,
            mediaType,
            records: records.length,
            bytes: body.length,
            sha256: createHash('sha256').update(body).digest('hex'),
            schema: `/openapi.json#/components/schemas/${dataset.schema}`,
            url: `${origin}/exports/${job.id}/files/${name}`,
            generatedAt,
          },
        });
      }
    }
    job.files = files;
    job.completedAt = generatedAt;
  }

  function toCsv(dataset: DatasetTable, records: Record<string, unknown>[]): string {
    const columns = Object.keys(description.components.schemas[dataset.schema]?.properties ?? {});
    for (const record of records)
      for (const key of Object.keys(record)) if (!columns.includes(key)) columns.push(key);
    const cell = (value: unknown): string => {
      if (value === undefined || value === null) return '';
      const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
      return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
    };
    const lines = [
      columns.map(cell).join(','),
      ...records.map((r) => columns.map((c) => cell(r[c])).join(',')),
    ];
    return `${lines.join('\r\n')}\r\n`;
  }

  const server = options.tls
    ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert, minVersion: 'TLSv1.2' }, handler)
    : createHttpServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  origin = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  return {
    url: origin,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function stamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function sameSecret(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return x.equals(y);
}

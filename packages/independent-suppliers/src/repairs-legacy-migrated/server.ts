import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { RunningSupplier, SupplierStartOptions } from '../supplier.ts';
import { asReported, COLLECTIONS, type Collection, type Doc, load } from './data.ts';

const VERSION = '2.7.1';
const LICENCE = 'https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/';
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

type Headers = Record<string, string>;
interface Answer {
  status: number;
  body?: string | Buffer;
  type?: string;
  headers?: Headers;
  public?: boolean;
}

/** HomeFix's error answers: RFC 9457, with its own titles. */
function oops(
  status: number,
  slug: string,
  title: string,
  detail: string,
  more: Doc = {},
  headers: Headers = {},
): Answer {
  return {
    status,
    type: 'application/problem+json',
    body: JSON.stringify({ type: `urn:council-conform:problem:${slug}`, title, status, detail, ...more }),
    headers,
  };
}
const tokenRequired = () =>
  oops(401, 'unauthenticated', 'Unauthorised', 'A token is required', {}, { 'www-authenticate': 'Bearer' });
const badParam = (name: string, detail: string) =>
  oops(400, 'validation', 'Bad request', detail, { errors: [{ pointer: `/query/${name}`, detail }] });
const ok = (body: unknown, headers: Headers = {}, status = 200): Answer => ({
  status,
  type: 'application/json',
  body: JSON.stringify(body),
  headers,
});

export async function startHomeFix(options: SupplierStartOptions): Promise<RunningSupplier> {
  const A = 'hackney';
  const B = 'islington';
  const world = load(options.specsDir, A, B);
  const logins = new Map([
    [options.tenants.a.clientId, { secret: options.tenants.a.clientSecret, council: A }],
    [options.tenants.b.clientId, { secret: options.tenants.b.clientSecret, council: B }],
  ]);
  const sessions = new Map<string, { council: string; client: string; until: number }>();
  const windows = new Map<string, { second: number; count: number }>();
  const jobs = new Map<
    string,
    { council: string; started: number; created: string; files?: Map<string, Doc> }
  >();
  const spec = JSON.parse(readFileSync(new URL('./openapi.json', import.meta.url), 'utf8')) as Doc;
  const schemas = (spec.components as { schemas: Record<string, { properties?: Doc }> }).schemas;
  let base = '';

  /** Fixed one-second windows: 400 requests for a council's client, 40 for anyone without a token. */
  function admit(key: string, limit: number): { allowed: boolean; left: number } {
    const second = Math.floor(Date.now() / 1000);
    const w = windows.get(key);
    const current = w && w.second === second ? w : { second, count: 0 };
    current.count += 1;
    windows.set(key, current);
    return { allowed: current.count <= limit, left: Math.max(0, limit - current.count) };
  }

  function who(req: http.IncomingMessage): { council: string; client: string } | undefined | 'bad' {
    const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    if (!m) return undefined;
    const s = sessions.get(m[1] as string);
    return s && s.until > Date.now() ? s : 'bad';
  }

  async function body(req: http.IncomingMessage): Promise<string> {
    let text = '';
    for await (const chunk of req) {
      text += String(chunk);
      if (text.length > 2_000_000) break;
    }
    return text;
  }

  async function token(req: http.IncomingMessage): Promise<Answer> {
    const form = new URLSearchParams(await body(req));
    if (form.get('grant_type') !== 'client_credentials')
      return oops(400, 'validation', 'Bad request', 'grant_type must be client_credentials', {
        error: 'unsupported_grant_type',
      });
    let id = form.get('client_id');
    let secret = form.get('client_secret');
    const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
    if (basic) {
      const decoded = Buffer.from(basic[1] as string, 'base64').toString();
      const at = decoded.indexOf(':');
      try {
        id = decodeURIComponent(decoded.slice(0, at).replace(/\+/g, ' '));
        secret = decodeURIComponent(decoded.slice(at + 1).replace(/\+/g, ' '));
      } catch {
        id = null;
      }
    }
    const login = id ? logins.get(id) : undefined;
    if (!login || login.secret !== secret)
      return oops(
        401,
        'unauthenticated',
        'Unauthorised',
        'Client authentication failed',
        { error: 'invalid_client' },
        {
          'www-authenticate': 'Basic realm="homefix"',
        },
      );
    const access = randomUUID().replace(/-/g, '') + randomUUID().replace(/-/g, '');
    sessions.set(access, { council: login.council, client: id as string, until: Date.now() + 1800_000 });
    return ok(
      { access_token: access, token_type: 'Bearer', expires_in: 1800 },
      { 'cache-control': 'no-store' },
    );
  }

  /** A record by id for a council. The migration's Classic cross-reference answers for LEG- ids directly. */
  function find(council: string, c: Collection, id: string): Doc | undefined {
    const migrated = world.classic.get(`${c.name}:${id}`);
    if (migrated) return migrated.doc;
    return world.councils
      .get(council)
      ?.lists.get(c.name)
      ?.find((doc) => doc.id === id);
  }

  function page(council: string, c: Collection, url: URL): Answer {
    const q = url.searchParams;
    const limit = q.has('limit') ? Number(q.get('limit')) : 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      return badParam('limit', 'limit must be an integer between 1 and 1000');
    let offset = 0;
    const cursor = q.get('cursor');
    if (cursor !== null) {
      const [name, at] = Buffer.from(cursor, 'hex').toString().split('|');
      offset = Number(at);
      if (name !== c.name || !Number.isInteger(offset) || offset < 0 || !/^[0-9a-f]+$/.test(cursor))
        return badParam('cursor', 'cursor is not valid for this list');
    }
    const since = q.get('modified_after');
    if (since !== null && !INSTANT.test(since))
      return badParam('modified_after', 'modified_after must be RFC 3339');
    const filterable = [
      'property_id',
      'uprn',
      'status',
      'estate_id',
      'work_order_id',
      'type_code',
      'date',
      'tenancy_id',
    ];
    const wanted = filterable.flatMap((f) => (q.has(f) ? [[f, q.get(f) as string] as const] : []));
    const extra: Record<string, (d: Doc) => unknown> = {
      postcode: (d) => (d.address as Doc | undefined)?.postcode,
      contractor: (d) => (d.contractor as Doc | undefined)?.org_id,
      trade_code: (d) => (d.trade as Doc | undefined)?.code,
    };
    const all = (world.councils.get(council)?.lists.get(c.name) ?? []).filter(
      (d) =>
        (since === null || Date.parse(String(d.modified_at)) > Date.parse(since)) &&
        wanted.every(([f, v]) => String(d[f]) === v) &&
        Object.entries(extra).every(([f, get]) => !q.has(f) || String(get(d)) === q.get(f)),
    );
    const items = all.slice(offset, offset + limit);
    const headers: Headers = {};
    let next: string | null = null;
    if (offset + limit < all.length) {
      const params = new URLSearchParams(q);
      params.set('cursor', Buffer.from(`${c.name}|${offset + limit}`).toString('hex'));
      params.set('limit', String(limit));
      next = `/${c.at}?${params}`;
      headers.link = `<${next}>; rel="next"`;
    }
    return { ...ok({ items, next }, headers), public: c.shared };
  }

  function csv(c: Collection, docs: Doc[]): { text: string; rows: number } {
    const columns = Object.keys(schemas[schemaOf(c)]?.properties ?? {});
    const quote = (v: unknown) =>
      v === undefined || v === null
        ? ''
        : `"${(typeof v === 'object' ? JSON.stringify(v) : String(v)).replace(/"/g, '""')}"`;
    const lines = [columns.map(quote).join(',')];
    for (const doc of docs) {
      // The reporting copy is what the CSV writer reads, and rows it cannot fit on one line are skipped.
      const row = c.legacy ? asReported(c.name, doc) : doc;
      if (c.legacy && Object.values(row).some((v) => typeof v === 'string' && /["\n]/.test(v))) continue;
      lines.push(columns.map((k) => quote(row[k])).join(','));
    }
    return { text: `${lines.join('\r\n')}\r\n`, rows: lines.length - 1 };
  }

  function schemaOf(c: Collection): string {
    return {
      properties: 'HousingProperty',
      tenancies: 'Tenancy',
      repair_requests: 'RepairRequest',
      work_orders: 'WorkOrder',
      job_status_updates: 'JobStatusUpdate',
      appointments: 'Appointment',
      person_alerts: 'PersonAlert',
    }[c.name];
  }

  function finish(job: { council: string; created: string; files?: Map<string, Doc> }, id: string): void {
    const files = new Map<string, Doc>();
    const at = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    for (const c of COLLECTIONS) {
      const docs = world.councils.get(job.council)?.lists.get(c.name) ?? [];
      const ndjson = Buffer.from(docs.map((d) => `${JSON.stringify(d)}\n`).join(''));
      const table = csv(c, docs);
      for (const [format, bytes, rows, media] of [
        ['ndjson', ndjson, docs.length, 'application/x-ndjson; charset=utf-8'],
        ['csv', Buffer.from(table.text), table.rows, 'text/csv; charset=utf-8; header=present'],
      ] as const) {
        const name = `${c.name}.${format}`;
        files.set(name, {
          bytes,
          manifest: {
            dataset: c.name,
            format,
            mediaType: media,
            records: rows,
            bytes: bytes.length,
            sha256: createHash('sha256').update(bytes).digest('hex'),
            schema: `/openapi.json#/components/schemas/${schemaOf(c)}`,
            url: `/exports/${id}/files/${name}`,
            generatedAt: at,
          },
        });
      }
    }
    job.files = files;
  }

  function jobView(id: string): Doc | undefined {
    const job = jobs.get(id);
    if (!job) return undefined;
    if (!job.files && Date.now() - job.started > 400) finish(job, id);
    const files = job.files ? [...job.files.values()].map((f) => f.manifest) : undefined;
    return {
      id,
      status: files ? 'complete' : 'running',
      createdAt: job.created,
      progress: { datasetsDone: files ? COLLECTIONS.length : 0, datasetsTotal: COLLECTIONS.length },
      ...(files
        ? {
            completedAt: (files[0] as Doc).generatedAt,
            manifest: {
              exportId: id,
              generatedAt: (files[0] as Doc).generatedAt,
              description: '/openapi.json',
              licence: LICENCE,
              files,
            },
          }
        : {}),
    };
  }

  async function dispatch(req: http.IncomingMessage, url: URL): Promise<Answer> {
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const caller = who(req);
    const key = caller && caller !== 'bad' ? caller.client : `ip:${req.socket.remoteAddress}`;
    const gate = admit(key, caller && caller !== 'bad' ? 400 : 40);
    const limitHeaders = {
      ratelimit: `limit=${caller && caller !== 'bad' ? 400 : 40}, remaining=${gate.left}, reset=1`,
      'ratelimit-policy': `${caller && caller !== 'bad' ? 400 : 40};w=1`,
    };
    const answer = await (async (): Promise<Answer> => {
      if (!gate.allowed)
        return oops(
          429,
          'rate-limited',
          'Too many requests',
          'Wait before retrying',
          {},
          { 'retry-after': '1' },
        );
      if (path === '/oauth/token')
        return method === 'POST'
          ? token(req)
          : oops(405, 'method', 'Method not allowed', 'POST only', {}, { allow: 'POST' });
      if (method === 'GET' && (path === '/' || path === '/openapi.json'))
        return {
          ...ok(
            path === '/' ? { api: 'HomeFix Cloud', version: VERSION } : { ...spec, servers: [{ url: base }] },
          ),
          public: true,
        };
      if (method === 'GET' && path === '/.well-known/security.txt')
        return {
          status: 200,
          type: 'text/plain; charset=utf-8',
          body: 'Contact: mailto:psirt@homefix-cloud.example\nExpires: 2027-09-30T00:00:00Z\n',
          public: true,
        };
      if (
        /^\/(imports(\/.*)?|work-orders\/[^/]+\/(job-status-updates|completion|appointment-slots))$/.test(
          path,
        )
      )
        return oops(501, 'not-implemented', 'Not implemented', 'HomeFix Cloud does not offer this operation');
      const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
      const c = COLLECTIONS.find((x) => x.at === parts[0]);
      const needsToken = !(c?.shared && method === 'GET');
      if (caller === 'bad' && needsToken)
        return oops(
          401,
          'unauthenticated',
          'Unauthorised',
          'Invalid or expired token',
          {},
          { 'www-authenticate': 'Bearer error="invalid_token"' },
        );
      if (parts[0] === 'exports') {
        if (!caller || caller === 'bad') return tokenRequired();
        if (parts.length === 1 && method === 'POST') {
          const text = await body(req);
          try {
            const parsed = text.trim() ? JSON.parse(text) : {};
            if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error();
          } catch {
            return oops(400, 'validation', 'Bad request', 'The body must be a JSON object');
          }
          const id = `hfx-${randomUUID()}`;
          const created = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
          jobs.set(id, { council: caller.council, started: Date.now(), created });
          return ok(jobView(id), { location: `/exports/${id}` }, 202);
        }
        const job = jobs.get(parts[1] ?? '');
        if (method !== 'GET')
          return oops(
            405,
            'method',
            'Method not allowed',
            'Not allowed here',
            {},
            { allow: parts.length === 1 ? 'POST' : 'GET' },
          );
        if (!job || job.council !== caller.council)
          return oops(404, 'not-found', 'Not found', 'No such export');
        const view = jobView(parts[1] as string) as Doc;
        if (parts.length === 2) return ok(view, view.status === 'complete' ? {} : { 'retry-after': '1' });
        if (!job.files) return oops(409, 'export-not-ready', 'Not ready', 'The export is still running');
        const file = parts[2] === 'files' ? job.files.get(parts[3] ?? '') : undefined;
        if (!file || parts.length !== 4) return oops(404, 'not-found', 'Not found', 'No such export file');
        return { status: 200, body: file.bytes as Buffer, type: (file.manifest as Doc).mediaType as string };
      }
      if (!c || parts.length > 2) return oops(404, 'not-found', 'Not found', `Nothing at ${path}`);
      const writable = c.name === 'repair_requests' || c.name === 'appointments';
      if (method !== 'GET' && !(method === 'POST' && writable && parts.length === 1))
        return oops(
          405,
          'method',
          'Method not allowed',
          'Not allowed here',
          {},
          { allow: writable && parts.length === 1 ? 'GET, POST' : 'GET' },
        );
      if (!caller && needsToken) return tokenRequired();
      const council = caller && caller !== 'bad' ? caller.council : A;
      if (method === 'POST') return create(council, c, req);
      if (parts.length === 1) return page(council, c, url);
      const doc = find(council, c, parts[1] as string);
      return doc ? { ...ok(doc), public: c.shared } : oops(404, 'not-found', 'Not found', 'No such record');
    })();
    answer.headers = { ...limitHeaders, ...(answer.headers ?? {}) };
    return answer;
  }

  async function create(council: string, c: Collection, req: http.IncomingMessage): Promise<Answer> {
    let input: Doc;
    try {
      input = JSON.parse(await body(req)) as Doc;
      if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new Error();
    } catch {
      return oops(400, 'validation', 'Bad request', 'The body must be a JSON object');
    }
    const list = world.councils.get(council)?.lists.get(c.name) as Doc[];
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    if (c.name === 'repair_requests') {
      const property = world.councils
        .get(A)
        ?.lists.get('properties')
        ?.find((p) => p.id === input.property_id);
      const priority = input.priority as Doc | undefined;
      const labels: Record<string, string> = {
        '1': 'Immediate',
        '2': 'Emergency',
        '3': 'Urgent',
        '4': 'Normal',
        '5': 'Inspection',
      };
      if (
        !property ||
        typeof input.description_of_work !== 'string' ||
        !labels[String(priority?.code)] ||
        !input.work_class
      )
        return oops(
          400,
          'validation',
          'Bad request',
          'property_id, description_of_work, priority and work_class are required',
          {
            errors: [{ pointer: '/property_id', detail: 'required, and must name a property' }],
          },
        );
      const doc: Doc = {
        id: `RR-${String(50000 + list.length).padStart(5, '0')}`,
        property_id: property.id,
        uprn: property.uprn,
        reported_at: typeof input.reported_at === 'string' ? input.reported_at : now,
        description_of_work: input.description_of_work,
        priority: {
          code: String(priority?.code),
          description: labels[String(priority?.code)],
          required_completion_at: now,
        },
        work_class: input.work_class,
        status: 'received',
        work_order_ids: [],
        modified_at: now,
      };
      list.splice(
        list.findIndex((d) => String(d.id).startsWith('LEG-')),
        0,
        doc,
      );
      return ok(doc, { location: `/repair-requests/${doc.id}` }, 201);
    }
    const order = find(council, COLLECTIONS[3], String(input.work_order_id));
    const slot = /^SLOT-(\d{4}-\d{2}-\d{2})-(AM|PM)$/.exec(String(input.slot_id));
    if (!order || !slot)
      return oops(400, 'validation', 'Bad request', 'work_order_id and slot_id are required', {
        errors: [{ pointer: '/slot_id', detail: 'a slot reference such as SLOT-2026-11-24-AM' }],
      });
    if (list.some((d) => d.slot_id === input.slot_id && d.work_order_id === order.id))
      return oops(409, 'conflict', 'Slot taken', 'That slot is no longer free');
    const [from, to] = slot[2] === 'AM' ? ['08:00', '12:00'] : ['12:00', '17:00'];
    const doc: Doc = {
      id: `APT-${String(50000 + list.length).padStart(5, '0')}`,
      work_order_id: order.id,
      slot_id: input.slot_id,
      date: slot[1],
      time_of_day: { name: slot[2], earliest_arrival_time: from, latest_arrival_time: to },
      window_start: `${slot[1]}T${from}:00Z`,
      window_end: `${slot[1]}T${to}:00Z`,
      status: 'booked',
      booked_at: now,
      modified_at: now,
    };
    list.push(doc);
    return ok(doc, { location: `/appointments/${doc.id}` }, 201);
  }

  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', base);
    dispatch(req, url)
      .catch(() => oops(500, 'server-error', 'Internal error', 'The request could not be completed'))
      .then((answer) => {
        const links = [`</openapi.json>; rel="service-desc"`];
        if (answer.headers?.link) links.push(answer.headers.link);
        const headers: Headers = {
          ...(answer.headers ?? {}),
          link: links.join(', '),
          'strict-transport-security': 'max-age=63072000',
          'x-api-version': VERSION,
        };
        if (answer.public) {
          headers['access-control-allow-origin'] = '*';
          headers.link += `, <${LICENCE}>; rel="license"`;
        }
        const payload = answer.body ?? '';
        res.writeHead(answer.status, {
          ...headers,
          ...(answer.type ? { 'content-type': answer.type } : {}),
          'content-length': String(Buffer.byteLength(payload)),
        });
        res.end(payload);
      });
  };
  const server = options.tls
    ? https.createServer({ key: options.tls.key, cert: options.tls.cert, minVersion: 'TLSv1.2' }, listener)
    : http.createServer(listener);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `${options.tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

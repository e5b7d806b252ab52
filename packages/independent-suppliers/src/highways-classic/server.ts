import { createHash, randomUUID } from 'node:crypto';
import {
  createServer as httpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as httpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { RunningSupplier, SupplierStartOptions } from '../supplier.ts';
import { highwaysClassicOpenApi } from './openapi.ts';
import {
  columnIndex,
  type HcDatabase,
  type HcTable,
  openDatabase,
  REPORTER_COLUMNS,
  REQUEST_COLUMNS,
  rowToRecord,
} from './tables.ts';

type Authority = 'a' | 'b';
type Rec = Record<string, unknown>;

const LICENCE = 'https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/';
const WINDOW_MS = 5000;
const LIMITS = { anonymous: 100, authority: 1000 };
const V1_SUNSET = '2027-03-31';

/** Thrown by the 2016 API gateway layer: answered as problem+json. */
class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly title: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(title);
  }
}

/** Thrown by the servlet underneath: escapes as the container's HTML error page. */
class ServletException extends Error {
  constructor(
    readonly javaClass: string,
    message: string,
    readonly frame: string,
  ) {
    super(message);
  }
}

const escapeHtml = (s: string) =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

function tomcatErrorPage(error: ServletException): string {
  return `<!doctype html><html lang="en"><head><title>HTTP Status 400 – Bad Request</title><style type="text/css">body {font-family:Tahoma,Arial,sans-serif;} h1 {color:white;background-color:#525D76;}</style></head><body><h1>HTTP Status 400 – Bad Request</h1><hr class="line" /><p><b>Type</b> Exception Report</p><p><b>Message</b> ${escapeHtml(error.message)}</p><p><b>Description</b> The server cannot or will not process the request due to something that is perceived to be a client error.</p><p><b>Exception</b></p><pre>${escapeHtml(error.javaClass)}: ${escapeHtml(error.message)}
	at uk.co.meridiancivic.highways.open311.${error.frame}
	at sun.reflect.NativeMethodAccessorImpl.invoke0(Native Method)
	at org.springframework.web.servlet.DispatcherServlet.doDispatch(DispatcherServlet.java:938)
	at org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:231)
	at uk.co.meridiancivic.highways.db.ConnectionPool.borrow(ConnectionPool.java:88) [jdbc:oracle:thin:@hcdb01.meridian.local:1521/HCPROD]
	at org.apache.coyote.http11.AbstractHttp11Processor.process(AbstractHttp11Processor.java:1023)
</pre><p><b>Note</b> The full stack trace of the root cause is available in the server logs.</p><hr class="line" /><h3>Apache Tomcat/7.0.52</h3></body></html>`;
}

/** Windows-1252 bytes of a string, as the export writer's JVM default charset produces them. */
function windows1252(text: string): Buffer {
  const special: Record<string, number> = {
    '€': 0x80,
    '‚': 0x82,
    ƒ: 0x83,
    '„': 0x84,
    '…': 0x85,
    '†': 0x86,
    '‡': 0x87,
    ˆ: 0x88,
    '‰': 0x89,
    Š: 0x8a,
    '‹': 0x8b,
    Œ: 0x8c,
    Ž: 0x8e,
    '‘': 0x91,
    '’': 0x92,
    '“': 0x93,
    '”': 0x94,
    '•': 0x95,
    '–': 0x96,
    '—': 0x97,
    '˜': 0x98,
    '™': 0x99,
    š: 0x9a,
    '›': 0x9b,
    œ: 0x9c,
    ž: 0x9e,
    Ÿ: 0x9f,
  };
  const bytes: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    bytes.push(code < 0x80 || (code >= 0xa0 && code <= 0xff) ? code : (special[ch] ?? 0x3f));
  }
  return Buffer.from(bytes);
}

function csvOf(columns: readonly string[], records: readonly Rec[]): string {
  const cell = (v: unknown) => {
    if (v === undefined || v === null) return '';
    const s = typeof v === 'string' ? v : JSON.stringify(v);
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return `${[columns.join(','), ...records.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\r\n')}\r\n`;
}

interface HcExport {
  readonly id: string;
  readonly authority: Authority;
  readonly created: string;
  polls: number;
  readonly files: {
    name: string;
    dataset: string;
    format: 'ndjson' | 'csv';
    body: Buffer;
    records: number;
    schema: string;
  }[];
}

export async function startHighwaysClassic(options: SupplierStartOptions): Promise<RunningSupplier> {
  const db: HcDatabase = openDatabase(options.specsDir);
  const sessions = new Map<string, { authority: Authority; until: number }>();
  const jobs = new Map<string, HcExport>();
  const counters = new Map<string, { window: number; n: number }>();
  const clients = new Map<string, { secret: string; authority: Authority }>([
    [options.tenants.a.clientId, { secret: options.tenants.a.clientSecret, authority: 'a' }],
    [options.tenants.b.clientId, { secret: options.tenants.b.clientSecret, authority: 'b' }],
  ]);
  let requestSequence = 300_000;
  const server: Server = options.tls
    ? httpsServer({ key: options.tls.key, cert: options.tls.cert, minVersion: 'TLSv1.2' })
    : httpServer();
  const base = await new Promise<string>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () =>
      resolve(`${options.tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`),
    );
  });
  const openapi = JSON.stringify(highwaysClassicOpenApi(options.specsDir, base));

  const all = (table: HcTable) => table.rows.map((row) => rowToRecord(table, row));

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const headers: Record<string, string> = { link: '</openapi.json>; rel="service-desc"' };
    if (options.tls) headers['strict-transport-security'] = 'max-age=15768000';
    route(req, res, headers).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      if (error instanceof ServletException) {
        const page = tomcatErrorPage(error);
        res.writeHead(400, {
          ...headers,
          'content-type': 'text/html;charset=utf-8',
          'x-powered-by': 'Servlet/3.0 JSP/2.2 (Apache-Coyote/1.1)',
          'content-length': Buffer.byteLength(page),
        });
        return void res.end(page);
      }
      const gateway =
        error instanceof GatewayError ? error : new GatewayError(500, 'server-error', 'Internal error');
      const body = JSON.stringify({
        type: `urn:council-conform:problem:${gateway.type}`,
        title: gateway.title,
        status: gateway.status,
      });
      res.writeHead(gateway.status, {
        ...headers,
        ...gateway.headers,
        'content-type': 'application/problem+json',
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
    });
  });

  function limit(key: string, max: number, headers: Record<string, string>): void {
    const window = Math.floor(Date.now() / WINDOW_MS);
    const counter = counters.get(key);
    const n = counter && counter.window === window ? counter.n + 1 : 1;
    counters.set(key, { window, n });
    const reset = Math.max(1, Math.ceil(((window + 1) * WINDOW_MS - Date.now()) / 1000));
    headers.ratelimit = `limit=${max}, remaining=${Math.max(0, max - n)}, reset=${reset}`;
    headers['ratelimit-policy'] = `${max};w=${WINDOW_MS / 1000}`;
    if (n > max)
      throw new GatewayError(429, 'rate-limited', 'Rate limit exceeded', { 'retry-after': String(reset) });
  }

  function session(req: IncomingMessage, url: URL): Authority | undefined {
    if (url.searchParams.has('access_token')) return undefined;
    const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    const found = token ? sessions.get(token) : undefined;
    return found && found.until > Date.now() ? found.authority : undefined;
  }

  function requireSession(req: IncomingMessage, url: URL): Authority {
    const authority = session(req, url);
    if (!authority)
      throw new GatewayError(401, 'unauthenticated', 'Unauthorised', {
        'www-authenticate': 'Bearer realm="HC"',
      });
    return authority;
  }

  async function body(req: IncomingMessage): Promise<string> {
    let text = '';
    for await (const chunk of req) {
      text += chunk;
      if (text.length > 1_000_000) throw new GatewayError(413, 'validation', 'Request entity too large');
    }
    return text;
  }

  function int(url: URL, name: string, min: number, max: number, fallback: number, frame: string): number {
    const raw = url.searchParams.get(name);
    if (raw === null) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new ServletException(
        'java.lang.IllegalArgumentException',
        `${name} must be between ${min} and ${max}: ${raw}`,
        frame,
      );
    return n;
  }

  function instant(url: URL, name: string, frame: string): number | undefined {
    const raw = url.searchParams.get(name);
    if (raw === null) return undefined;
    const ms = Date.parse(raw);
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(raw) || Number.isNaN(ms))
      throw new ServletException(
        'java.time.format.DateTimeParseException',
        `Text '${raw}' could not be parsed at index 0`,
        frame,
      );
    return ms;
  }

  /** GeoReport pages, linked with absolute URLs as the module always has. */
  function geoList(url: URL, records: Rec[], frame: string, headers: Record<string, string>): Rec[] {
    const page = int(url, 'page', 1, 1_000_000, 1, frame);
    const size = int(url, 'page_size', 1, 1000, 1000, frame);
    if (page * size < records.length) {
      const next = new URL(url);
      next.searchParams.set('page', String(page + 1));
      next.searchParams.set('page_size', String(size));
      headers.link += `, <${next.toString()}>; rel="next"`;
    }
    return records.slice((page - 1) * size, page * size);
  }

  function reply(res: ServerResponse, status: number, value: unknown, headers: Record<string, string>): void {
    const text = JSON.stringify(value);
    res.writeHead(status, {
      ...headers,
      'content-type': 'application/json;charset=UTF-8',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  function requests(url: URL): Rec[] {
    const frame = 'RequestController.list(RequestController.java:144)';
    const ids = url.searchParams.get('service_request_id');
    const start = instant(url, 'start_date', frame);
    const end = instant(url, 'end_date', frame);
    const after = instant(url, 'modified_after', frame);
    const codes = url.searchParams.get('service_code')?.split(',');
    const statuses = url.searchParams.get('status')?.split(',');
    const openish = ['open', 'investigating', 'action_scheduled', 'in_progress'];
    const t = db.requests;
    const [iId, iReq, iMod, iCode, iStatus] = [
      'service_request_id',
      'requested_datetime',
      'modified_at',
      'service_code',
      'status',
    ].map((c) => columnIndex(t, c)) as number[];
    return t.rows
      .filter((row) => {
        if (ids !== null) return ids.split(',').includes(row[iId as number] as string);
        if (start !== undefined && (row[iReq as number] as number) < start) return false;
        if (end !== undefined && (row[iReq as number] as number) > end) return false;
        if (after !== undefined && (row[iMod as number] as number) <= after) return false;
        if (codes && !codes.includes(row[iCode as number] as string)) return false;
        const status = row[iStatus as number] as string;
        if (
          statuses &&
          !statuses.some(
            (s) =>
              s === status ||
              (s === 'open' && openish.includes(status)) ||
              (s === 'closed' && !openish.includes(status)),
          )
        )
          return false;
        return true;
      })
      .map((row) => rowToRecord(t, row));
  }

  async function route(
    req: IncomingMessage,
    res: ServerResponse,
    headers: Record<string, string>,
  ): Promise<void> {
    const url = new URL(req.url ?? '/', base);
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const authority = session(req, url);
    limit(
      authority ? `authority:${authority}` : `ip:${req.socket.remoteAddress}`,
      authority ? LIMITS.authority : LIMITS.anonymous,
      headers,
    );
    const get = () => {
      if (method !== 'GET') throw new GatewayError(405, 'validation', 'Method Not Allowed', { allow: 'GET' });
    };
    const open = () => {
      headers.link += `, <${LICENCE}>; rel="license"`;
    };
    let m: RegExpExecArray | null;

    if (path === '/' || path === '/openapi.json') {
      get();
      open();
      res.writeHead(200, {
        ...headers,
        'content-type': 'application/json;charset=UTF-8',
        'content-length': Buffer.byteLength(openapi),
      });
      return void res.end(openapi);
    }
    if (path === '/.well-known/security.txt') {
      get();
      const text = `Contact: mailto:security@meridian-civic.co.uk\nExpires: ${new Date(Date.now() + 180 * 86_400_000).toISOString()}\nPreferred-Languages: en\n`;
      res.writeHead(200, { ...headers, 'content-type': 'text/plain; charset=utf-8' });
      return void res.end(text);
    }
    if (path === '/oauth/token') {
      if (method !== 'POST')
        throw new GatewayError(405, 'validation', 'Method Not Allowed', { allow: 'POST' });
      const form = new URLSearchParams(await body(req));
      let id = form.get('client_id') ?? '';
      let secret = form.get('client_secret') ?? '';
      const basic = /^Basic (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (basic) {
        const [u = '', ...p] = Buffer.from(basic, 'base64').toString('utf8').split(':');
        id = decodeURIComponent(u.replaceAll('+', ' '));
        secret = decodeURIComponent(p.join(':').replaceAll('+', ' '));
      }
      const client = clients.get(id);
      if (!client || client.secret !== secret)
        throw new GatewayError(401, 'unauthenticated', 'invalid_client');
      if (form.get('grant_type') !== 'client_credentials')
        throw new GatewayError(400, 'validation', 'unsupported_grant_type');
      const token = randomUUID();
      sessions.set(token, { authority: client.authority, until: Date.now() + 1_800_000 });
      return reply(
        res,
        200,
        { access_token: token, token_type: 'Bearer', expires_in: 1800 },
        { ...headers, 'cache-control': 'no-store' },
      );
    }
    if (path === '/services.json') {
      get();
      open();
      const after = instant(url, 'modified_after', 'ServiceController.list(ServiceController.java:61)');
      return reply(
        res,
        200,
        all(db.services).filter((s) => after === undefined || Date.parse(String(s.modified_at)) > after),
        headers,
      );
    }
    m = /^\/services\/([^/]+)\.json$/.exec(path);
    if (m) {
      get();
      open();
      const found = all(db.services).find((s) => s.service_code === m?.[1]);
      if (!found) throw new GatewayError(404, 'not-found', 'Not Found');
      return reply(res, 200, found, headers);
    }
    if (path === '/requests.json' || path === '/v1/requests.json') {
      if (method === 'POST' && path === '/requests.json') {
        const who = requireSession(req, url);
        return reply(res, 200, await createRequest(req, who), { ...headers, 'cache-control': 'no-store' });
      }
      get();
      open();
      if (path === '/v1/requests.json') {
        headers.deprecation = 'true';
        headers.sunset = V1_SUNSET;
      }
      return reply(
        res,
        200,
        geoList(url, requests(url), 'RequestController.list(RequestController.java:144)', headers),
        headers,
      );
    }
    m = /^\/requests\/([^/]+)\.json$/.exec(path);
    if (m) {
      get();
      open();
      const found = requests(
        new URL(`?service_request_id=${encodeURIComponent(decodeURIComponent(m[1] as string))}`, base),
      );
      if (found.length === 0) throw new GatewayError(404, 'not-found', 'Not Found');
      return reply(res, 200, found, headers);
    }
    if (path === '/servicerequestupdates.json') {
      get();
      open();
      const frame = 'UpdateController.list(UpdateController.java:97)';
      const start = instant(url, 'start_date', frame);
      const end = instant(url, 'end_date', frame);
      const after = instant(url, 'modified_after', frame);
      const request = url.searchParams.get('service_request_id');
      const records = all(db.updates).filter((u) => {
        const at = Date.parse(String(u.updated_datetime));
        if (start !== undefined && at < start) return false;
        if (end !== undefined && at > end) return false;
        if (after !== undefined && Date.parse(String(u.modified_at)) <= after) return false;
        return request === null || u.service_request_id === request;
      });
      return reply(res, 200, geoList(url, records, frame, headers), headers);
    }
    m = /^\/servicerequestupdates\/([^/]+)\.json$/.exec(path);
    if (m) {
      get();
      open();
      const found = all(db.updates).find((u) => u.update_id === decodeURIComponent(m?.[1] as string));
      if (!found) throw new GatewayError(404, 'not-found', 'Not Found');
      return reply(res, 200, found, headers);
    }
    if (path === '/reporters') {
      get();
      const who = requireSession(req, url);
      const frame = 'ReporterController.list(ReporterController.java:212)';
      const size = int(url, 'limit', 1, 1000, 100, frame);
      const offset = int(url, 'cursor', 0, 10_000_000, 0, frame);
      const after = instant(url, 'modified_after', frame);
      const records = all(db.reporters[who]).filter(
        (r) => after === undefined || Date.parse(String(r.modified_at)) > after,
      );
      const items = records.slice(offset, offset + size);
      let next: string | null = null;
      if (offset + size < records.length) {
        const n = new URL(url);
        n.searchParams.set('cursor', String(offset + size));
        n.searchParams.set('limit', String(size));
        next = n.toString();
        headers.link += `, <${next}>; rel="next"`;
      }
      return reply(res, 200, { items, next }, { ...headers, 'cache-control': 'no-store' });
    }
    m = /^\/reporters\/([^/]+)$/.exec(path);
    if (m) {
      get();
      const who = requireSession(req, url);
      const found = all(db.reporters[who]).find((r) => r.id === decodeURIComponent(m?.[1] as string));
      if (!found) throw new GatewayError(404, 'not-found', 'Not Found');
      return reply(res, 200, found, { ...headers, 'cache-control': 'no-store' });
    }
    if (path === '/exports') {
      if (method !== 'POST')
        throw new GatewayError(405, 'validation', 'Method Not Allowed', { allow: 'POST' });
      const who = requireSession(req, url);
      const text = await body(req);
      if (text.trim() !== '') {
        try {
          JSON.parse(text);
        } catch {
          throw new ServletException(
            'com.fasterxml.jackson.core.JsonParseException',
            'Unexpected character in export request',
            'ExportController.start(ExportController.java:51)',
          );
        }
      }
      const job = runExport(who);
      return reply(res, 202, jobBody(job), {
        ...headers,
        location: `/exports/${job.id}`,
        'cache-control': 'no-store',
      });
    }
    m = /^\/exports\/([^/]+)$/.exec(path);
    if (m) {
      get();
      const who = requireSession(req, url);
      const job = jobs.get(m[1] as string);
      if (!job || job.authority !== who) throw new GatewayError(404, 'not-found', 'Not Found');
      job.polls += 1;
      const view = jobBody(job);
      return reply(res, 200, view, {
        ...headers,
        'cache-control': 'no-store',
        ...(view.status === 'complete' ? {} : { 'retry-after': '2' }),
      });
    }
    m = /^\/exports\/([^/]+)\/files\/([^/]+)$/.exec(path);
    if (m) {
      get();
      const who = requireSession(req, url);
      const job = jobs.get(m[1] as string);
      if (!job || job.authority !== who) throw new GatewayError(404, 'not-found', 'Not Found');
      if (job.polls < 2) throw new GatewayError(409, 'export-not-ready', 'Export not ready');
      const file = job.files.find((f) => f.name === m?.[2]);
      if (!file) throw new GatewayError(404, 'not-found', 'Not Found');
      res.writeHead(200, {
        ...headers,
        'content-type':
          file.format === 'ndjson'
            ? 'application/x-ndjson; charset=utf-8'
            : 'text/csv; charset=utf-8; header=present',
        'content-length': file.body.length,
      });
      return void res.end(file.body);
    }
    if (path === '/imports' || path.startsWith('/imports/'))
      throw new GatewayError(501, 'not-implemented', 'Not Implemented');
    if (/^\/tokens\/[^/]+\.json$/.test(path)) throw new GatewayError(404, 'not-implemented', 'Not Found');
    throw new GatewayError(404, 'not-found', 'Not Found');
  }

  async function createRequest(req: IncomingMessage, who: Authority): Promise<Rec[]> {
    const frame = 'RequestController.create(RequestController.java:301)';
    const text = await body(req);
    let input: Rec;
    if ((req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      input = Object.fromEntries(new URLSearchParams(text));
      for (const k of ['lat', 'long']) if (input[k] !== undefined) input[k] = Number(input[k]);
    } else {
      try {
        input = JSON.parse(text) as Rec;
      } catch {
        throw new ServletException(
          'com.fasterxml.jackson.core.JsonParseException',
          'Unexpected character in request body',
          frame,
        );
      }
    }
    const service = all(db.services).find((s) => s.service_code === input.service_code);
    if (!service)
      throw new ServletException(
        'java.lang.IllegalArgumentException',
        `Unknown service_code ${String(input.service_code)}`,
        frame,
      );
    if (typeof input.lat !== 'number' || typeof input.long !== 'number')
      throw new ServletException('java.lang.NullPointerException', 'lat', frame);
    const id = `2026-${requestSequence++}`;
    const now = Date.now();
    const record: Rec = {
      id,
      service_request_id: id,
      status: 'open',
      service_name: service.service_name,
      service_code: service.service_code,
      description: input.description,
      agency_responsible: 'Highways',
      requested_datetime: now,
      updated_datetime: now,
      address: input.address_string,
      lat: input.lat,
      long: input.long,
      media_url: '',
      modified_at: now,
    };
    db.requests.rows.push(REQUEST_COLUMNS.map((c) => record[c]));
    const reporter: Rec = {
      id,
      service_request_id: id,
      first_name: input.first_name,
      last_name: input.last_name,
      email: input.email,
      phone: input.phone,
      modified_at: now,
    };
    db.reporters[who].rows.push(REPORTER_COLUMNS.map((c) => reporter[c]));
    return [{ service_request_id: id }];
  }

  function runExport(who: Authority): HcExport {
    const id = `HC${Date.now().toString(36).toUpperCase()}${randomUUID().slice(0, 8)}`;
    const datasets: [string, string, HcTable][] = [
      ['services', 'Service', db.services],
      ['service_requests', 'ServiceRequest', db.requests],
      ['service_request_updates', 'ServiceRequestUpdate', db.updates],
      ['reporters', 'Reporter', db.reporters[who]],
    ];
    const files: HcExport['files'] = [];
    for (const [dataset, schema, table] of datasets) {
      const records = all(table);
      const ndjson = records.map((r) => `${JSON.stringify(r)}\n`).join('');
      files.push({
        name: `${dataset}.ndjson`,
        dataset,
        format: 'ndjson',
        body: Buffer.from(ndjson, 'utf8'),
        records: records.length,
        schema,
      });
      // The CSV writer predates the JSON one and writes in the JVM's default charset (Cp1252).
      files.push({
        name: `${dataset}.csv`,
        dataset,
        format: 'csv',
        body: windows1252(csvOf(table.columns, records)),
        records: records.length,
        schema,
      });
    }
    const job: HcExport = { id, authority: who, created: new Date().toISOString(), polls: 0, files };
    jobs.set(id, job);
    return job;
  }

  function jobBody(job: HcExport): Rec & { status: string } {
    const status = job.polls === 0 ? 'queued' : job.polls === 1 ? 'running' : 'complete';
    const generatedAt = job.created;
    return {
      id: job.id,
      status,
      createdAt: job.created,
      progress: { datasetsDone: status === 'complete' ? 4 : 0, datasetsTotal: 4 },
      ...(status === 'complete'
        ? {
            completedAt: generatedAt,
            manifest: {
              exportId: job.id,
              generatedAt,
              description: '/openapi.json',
              files: job.files.map((f) => ({
                dataset: f.dataset,
                format: f.format,
                mediaType:
                  f.format === 'ndjson'
                    ? 'application/x-ndjson; charset=utf-8'
                    : 'text/csv; charset=utf-8; header=present',
                records: f.records,
                bytes: f.body.length,
                sha256: createHash('sha256').update(f.body).digest('hex'),
                schema: `/openapi.json#/components/schemas/${f.schema}`,
                url: `/exports/${job.id}/files/${f.name}`,
                generatedAt,
              })),
            },
          }
        : {}),
    };
  }

  return {
    url: base,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

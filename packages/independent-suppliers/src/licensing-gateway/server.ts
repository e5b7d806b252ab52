import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type IncomingMessage, createServer as plainServer, type ServerResponse } from 'node:http';
import { createServer as tlsServer } from 'node:https';

type Server = ReturnType<typeof plainServer> | ReturnType<typeof tlsServer>;

import type { AddressInfo } from 'node:net';
import type { RunningSupplier, SupplierStartOptions } from '../supplier.ts';
import {
  heldByAnIndividual,
  LIVE_SHARD_SIZE,
  type Licence,
  licenceBook,
  otherAuthority,
  registerEntry,
} from './register.ts';

const RELEASE = '5.0.3';
const OGL = 'https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/';
/** The 3.x paths, kept until their sunset, announced the way the 3.x gateway always announced it. */
const LEGACY_PATHS: Record<string, string> = {
  '/licences': '/premises-licences',
  '/public-register': '/register',
};
const SUNSET_NOTICE = { deprecation: 'yes', sunset: '2027-06-30' };

class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail: string,
    readonly extra: Record<string, string> = {},
    readonly fields?: { pointer: string; detail: string }[],
  ) {
    super(title);
  }
}

/** GCRA: each caller may run `burst` requests ahead of a steady `rate` per second. */
class Throttle {
  private readonly tat = new Map<string, number>();
  constructor(
    private readonly rate: number,
    private readonly burst: number,
  ) {}
  check(key: string): { ok: boolean; waitMs: number; left: number } {
    const now = Date.now();
    const interval = 1000 / this.rate;
    const tat = Math.max(this.tat.get(key) ?? now, now);
    const allowAt = tat + interval - this.burst * interval;
    if (now < allowAt) return { ok: false, waitMs: allowAt - now, left: 0 };
    this.tat.set(key, tat + interval);
    return {
      ok: true,
      waitMs: 0,
      left: Math.max(0, Math.floor(this.burst - (tat + interval - now) / interval)),
    };
  }
}

interface Tenant {
  readonly name: string;
  readonly licences: readonly Licence[];
}

interface Export {
  readonly owner: string;
  readonly created: string;
  readonly files: Map<string, { bytes: Buffer; mediaType: string; entry: Record<string, unknown> }>;
}

export async function startLicensingGateway(options: SupplierStartOptions): Promise<RunningSupplier> {
  const book = licenceBook(options.specsDir);
  const register = book.map(registerEntry);
  const registerById = new Map(register.map((entry) => [String(entry.id), entry]));
  const tenants = new Map<string, Tenant & { secret: string }>([
    [options.tenants.a.clientId, { name: 'hackney', licences: book, secret: options.tenants.a.clientSecret }],
    [
      options.tenants.b.clientId,
      { name: 'islington', licences: otherAuthority(book), secret: options.tenants.b.clientSecret },
    ],
  ]);
  const grants = new Map<string, { tenant: Tenant; client: string; expires: number }>();
  const exportsById = new Map<string, Export>();
  const signingKey = randomBytes(32);
  const councils = new Throttle(250, 400);
  const anonymous = new Throttle(20, 40);
  const description = JSON.parse(readFileSync(new URL('./openapi.json', import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;
  let apiOrigin = '';
  let storeOrigin = '';

  const sign = (path: string, expires: number) =>
    createHmac('sha256', signingKey).update(`${path}\n${expires}`).digest('base64url');

  function bearer(req: IncomingMessage): { tenant: Tenant; client: string } | undefined {
    const auth = req.headers.authorization ?? '';
    if (!auth.toLowerCase().startsWith('bearer ')) return undefined;
    const grant = grants.get(auth.slice(7).trim());
    if (!grant || grant.expires < Date.now())
      throw new GatewayError(
        401,
        'unauthenticated',
        'Authentication required',
        'The bearer token is not valid.',
        {
          'www-authenticate': 'Bearer error="invalid_token"',
        },
      );
    return grant;
  }

  function required(caller: { tenant: Tenant } | undefined, scope: string): Tenant {
    if (!caller)
      throw new GatewayError(
        401,
        'unauthenticated',
        'Authentication required',
        `A bearer token with ${scope} is required.`,
        {
          'www-authenticate': `Bearer scope="${scope}"`,
        },
      );
    return caller.tenant;
  }

  async function readAll(req: IncomingMessage): Promise<string> {
    const parts: Buffer[] = [];
    let total = 0;
    for await (const part of req) {
      total += (part as Buffer).length;
      if (total > 256_000)
        throw new GatewayError(413, 'validation', 'Request too large', 'The body is too large.');
      parts.push(part as Buffer);
    }
    return Buffer.concat(parts).toString('utf8');
  }

  async function issue(req: IncomingMessage): Promise<Record<string, unknown>> {
    const form = new URLSearchParams(await readAll(req));
    let clientId = form.get('client_id') ?? '';
    let secret = form.get('client_secret') ?? '';
    const basic = /^basic (.*)$/i.exec(req.headers.authorization ?? '');
    if (basic) {
      const [user = '', ...pass] = Buffer.from(basic[1] as string, 'base64')
        .toString('utf8')
        .split(':');
      clientId = decodeURIComponent(user.replace(/\+/g, '%20'));
      secret = decodeURIComponent(pass.join(':').replace(/\+/g, '%20'));
    }
    if (form.get('grant_type') !== 'client_credentials')
      throw new GatewayError(
        400,
        'validation',
        'Invalid token request',
        'grant_type must be client_credentials.',
      );
    const tenant = tenants.get(clientId);
    const good =
      tenant !== undefined &&
      tenant.secret.length === secret.length &&
      timingSafeEqual(Buffer.from(tenant.secret), Buffer.from(secret));
    if (!tenant || !good)
      throw new GatewayError(401, 'unauthenticated', 'Invalid client', 'The client id or secret is wrong.', {
        'www-authenticate': 'Basic realm="licensing-gateway"',
      });
    const token = `lg.${randomBytes(24).toString('hex')}`;
    grants.set(token, { tenant, client: clientId, expires: Date.now() + 7200_000 });
    return {
      access_token: token,
      token_type: 'Bearer',
      expires_in: 7200,
      scope: 'premises_licences:read exports:run',
    };
  }

  /** A page of a list, by an opaque page token holding the offset. */
  function listing(
    records: readonly Licence[],
    url: URL,
    path: string,
    shardLimit?: number,
  ): { body: Record<string, unknown>; next?: string } {
    const q = url.searchParams;
    const size = q.get('limit') === null ? 100 : Number(q.get('limit'));
    if (!Number.isInteger(size) || size < 1 || size > 1000)
      throw new GatewayError(400, 'validation', 'Invalid parameter', 'limit must be 1 to 1000.', {}, [
        { pointer: '/query/limit', detail: 'an integer from 1 to 1000' },
      ]);
    let offset = 0;
    const token = q.get('cursor');
    if (token !== null) {
      const m = /^pg_([0-9a-z]+)_([0-9a-f]{8})$/.exec(token);
      if (!m || createHash('sha1').update(`page:${m[1]}`).digest('hex').slice(0, 8) !== m[2])
        throw new GatewayError(
          400,
          'validation',
          'Invalid parameter',
          'cursor is not a page token of this list.',
          {},
          [{ pointer: '/query/cursor', detail: 'use the next link as given' }],
        );
      offset = Number.parseInt(m[1] as string, 36);
    }
    const since = q.get('modified_after');
    if (since !== null && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(since))
      throw new GatewayError(
        400,
        'validation',
        'Invalid parameter',
        'modified_after must be an RFC 3339 date-time.',
        {},
        [{ pointer: '/query/modified_after', detail: 'e.g. 2025-01-01T00:00:00Z' }],
      );
    const match = (l: Licence) => {
      const premises = l.premises as { address?: { uprn?: string; postcode?: string } };
      const activities = l.activities as Record<string, unknown>;
      const holders = l.holders as { companies_house_number?: string }[];
      const hours = (l.activity_hours as { activity: string }[] | undefined) ?? [];
      const activity = q.get('activity');
      return (
        (since === null || Date.parse(String(l.modified_at)) > Date.parse(since)) &&
        (q.get('licence_number') === null ||
          String(l.licence_number).toLowerCase() === q.get('licence_number')?.toLowerCase()) &&
        (q.get('licence_type') === null || l.licence_type === q.get('licence_type')) &&
        (q.get('status') === null || l.status === q.get('status')) &&
        (q.get('uprn') === null || premises.address?.uprn === q.get('uprn')) &&
        (q.get('postcode') === null || premises.address?.postcode === q.get('postcode')) &&
        (q.get('companies_house_number') === null ||
          holders.some((h) => h.companies_house_number === q.get('companies_house_number'))) &&
        (activity === null ||
          (activity === 'alcohol'
            ? activities.alcohol_supply === true
            : activity === 'late-night-refreshment'
              ? activities.late_night_refreshment === true
              : (activities.regulated_entertainment as string[]).includes(activity) ||
                hours.some((h) => h.activity === activity)))
      );
    };
    const positions: number[] = [];
    records.forEach((l, i) => {
      if (match(l)) positions.push(i);
    });
    const window = positions.slice(offset, offset + size + 1);
    // The register's list is read from two shards; the archive shard has not answered since the 2024 upgrade.
    if (shardLimit !== undefined && window.slice(0, size).some((i) => i >= shardLimit))
      throw new GatewayError(
        500,
        'server-error',
        'Internal error',
        'The register could not be read. Try again later.',
      );
    const items = window.slice(0, size).map((i) => records[i] as Licence);
    let next: string | undefined;
    if (window.length > size) {
      const params = new URLSearchParams(q);
      const at = (offset + size).toString(36);
      params.set('cursor', `pg_${at}_${createHash('sha1').update(`page:${at}`).digest('hex').slice(0, 8)}`);
      params.set('limit', String(size));
      next = `${apiOrigin}${path}?${params}`;
    }
    return { body: { items, next: next ?? null }, ...(next ? { next } : {}) };
  }

  function buildExport(owner: Tenant): Export {
    const created = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const files = new Map<string, { bytes: Buffer; mediaType: string; entry: Record<string, unknown> }>();
    const sets: [string, string, readonly Licence[], string][] = [
      ['premises_licences', 'PremisesLicence', owner.licences, 'LicenceFields'],
      ['premises_licence_register', 'PremisesLicenceRegisterEntry', register, 'LicenceFields'],
    ];
    const id = `lgx${randomBytes(8).toString('hex')}`;
    for (const [dataset, schema, records] of sets) {
      const columns: string[] = [];
      for (const r of records) for (const k of Object.keys(r)) if (!columns.includes(k)) columns.push(k);
      const cell = (v: unknown) => {
        if (v === undefined || v === null) return '';
        const s = typeof v === 'string' ? v : JSON.stringify(v);
        return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
      };
      const csv = [columns.join(','), ...records.map((r) => columns.map((c) => cell(r[c])).join(','))].join(
        '\r\n',
      );
      const outputs: [string, Buffer, string][] = [
        [
          'ndjson',
          Buffer.from(records.map((r) => JSON.stringify(r)).join('\n') + (records.length ? '\n' : '')),
          'application/x-ndjson; charset=utf-8',
        ],
        ['csv', Buffer.from(`${csv}\r\n`), 'text/csv; charset=utf-8; header=present'],
      ];
      for (const [format, bytes, mediaType] of outputs) {
        const name = `${dataset}.${format}`;
        files.set(name, {
          bytes,
          mediaType,
          entry: {
            dataset,
            format,
            mediaType,
            records: records.length,
            bytes: bytes.length,
            sha256: createHash('sha256').update(bytes).digest('hex'),
            schema: `/openapi.json#/components/schemas/${schema}`,
            url: `/exports/${id}/files/${name}`,
            generatedAt: created,
          },
        });
      }
    }
    const job: Export = { owner: owner.name, created, files };
    exportsById.set(id, job);
    return Object.assign(job, { id });
  }

  function jobBody(id: string, job: Export): Record<string, unknown> {
    return {
      id,
      status: 'complete',
      createdAt: job.created,
      completedAt: job.created,
      progress: { datasetsDone: 2, datasetsTotal: 2 },
      manifest: {
        exportId: id,
        generatedAt: job.created,
        description: '/openapi.json',
        licence: OGL,
        files: [...job.files.values()].map((f) => f.entry),
      },
    };
  }

  type Out = {
    status: number;
    body: Buffer | string;
    type: string;
    headers: Record<string, string>;
    open: boolean;
  };
  const json = (status: number, value: unknown, open = false, headers: Record<string, string> = {}): Out => ({
    status,
    body: JSON.stringify(value),
    type: 'application/json',
    headers,
    open,
  });

  function withNext(notice: Record<string, string>, next: string | undefined): Record<string, string> {
    const links = [notice.link, next ? `<${next}>; rel="next"` : undefined].filter(Boolean);
    return { ...notice, ...(links.length ? { link: links.join(', ') } : {}) };
  }

  async function serve(req: IncomingMessage, url: URL): Promise<Out> {
    const method = req.method ?? 'GET';
    let path = url.pathname;
    const caller = bearer(req);
    const legacy = LEGACY_PATHS[path];
    const notice = legacy ? { ...SUNSET_NOTICE, link: `<${legacy}>; rel="successor-version"` } : {};
    if (legacy) path = legacy;
    const get = () => {
      if (method !== 'GET')
        throw new GatewayError(
          405,
          'method-not-allowed',
          'Method not allowed',
          `${method} is not supported here.`,
          {
            allow: 'GET',
          },
        );
    };
    if (path === '/openapi.json' || path === '/') {
      get();
      return json(
        200,
        path === '/'
          ? { service: 'Licensing Gateway', release: RELEASE }
          : { ...description, servers: [{ url: apiOrigin }] },
        true,
      );
    }
    if (path === '/.well-known/security.txt') {
      get();
      return {
        status: 200,
        body: 'Contact: mailto:security@licensing-gateway.example\nExpires: 2027-06-30T00:00:00Z\nCanonical: /.well-known/security.txt\n',
        type: 'text/plain; charset=utf-8',
        headers: {},
        open: true,
      };
    }
    if (path === '/oauth/token') {
      if (method !== 'POST')
        throw new GatewayError(405, 'method-not-allowed', 'Method not allowed', 'Use POST.', {
          allow: 'POST',
        });
      return json(200, await issue(req), false, { 'cache-control': 'no-store' });
    }
    if (path === '/imports' || path.startsWith('/imports/') || path === '/register.csv') {
      throw new GatewayError(
        501,
        'not-implemented',
        'Not implemented',
        'Licensing Gateway does not offer this operation.',
      );
    }
    if (path === '/register') {
      get();
      const page = listing(register, url, url.pathname, LIVE_SHARD_SIZE);
      return json(200, page.body, true, withNext(notice, page.next));
    }
    const entry = /^\/register\/([^/]+)$/.exec(path);
    if (entry) {
      get();
      const id = decodeURIComponent(entry[1] as string);
      const found = registerById.get(id);
      if (!found) throw new GatewayError(404, 'not-found', 'Not found', `No register entry ${id}.`);
      // The entry page of the 3.x register, kept as it was: like the old paper register, it adds the
      // licensee's contact line to the hours note of a licence held by individuals.
      const full = book.find((l) => l.id === id) as Licence;
      if (!heldByAnIndividual(full)) return json(200, found, true);
      const contact = (full.holders as Licence[])
        .filter((h) => h.type === 'individual')
        .map((h) => [
          `Licensee: ${String(h.name)}`,
          h.phone ? `tel ${String(h.phone)}` : '',
          h.email ? String(h.email) : '',
        ])
        .map((parts) => parts.filter(Boolean).join(', '))
        .join('; ');
      const note = [found.hours_note, `${contact}.`].filter(Boolean).join(' ').slice(0, 1000);
      return json(200, { ...found, hours_note: note }, true);
    }
    if (path === '/premises-licences') {
      get();
      const tenant = required(caller, 'premises_licences:read');
      const page = listing(tenant.licences, url, url.pathname);
      return json(200, page.body, false, withNext(notice, page.next));
    }
    const licence = /^\/premises-licences\/([^/]+)$/.exec(path);
    if (licence) {
      get();
      const tenant = required(caller, 'premises_licences:read');
      const id = decodeURIComponent(licence[1] as string);
      const found = tenant.licences.find((l) => l.id === id);
      if (!found) throw new GatewayError(404, 'not-found', 'Not found', `No licence ${id}.`);
      return json(200, found);
    }
    if (path === '/exports') {
      if (method !== 'POST')
        throw new GatewayError(405, 'method-not-allowed', 'Method not allowed', 'Use POST.', {
          allow: 'POST',
        });
      const tenant = required(caller, 'exports:run');
      const text = await readAll(req);
      let request: unknown = {};
      try {
        if (text.trim()) request = JSON.parse(text);
      } catch {
        throw new GatewayError(400, 'validation', 'Invalid request body', 'The body is not JSON.');
      }
      if (request === null || typeof request !== 'object' || Array.isArray(request))
        throw new GatewayError(
          400,
          'validation',
          'Invalid request body',
          'The body must be an export request object.',
        );
      const job = buildExport(tenant) as Export & { id: string };
      return json(202, jobBody(job.id, job), false, { location: `/exports/${job.id}` });
    }
    const exported = /^\/exports\/([^/]+)(?:\/files\/([^/]+))?$/.exec(path);
    if (exported) {
      get();
      const tenant = required(caller, 'exports:run');
      const job = exportsById.get(exported[1] as string);
      if (!job || job.owner !== tenant.name)
        throw new GatewayError(404, 'not-found', 'Not found', 'No such export.');
      if (!exported[2]) return json(200, jobBody(exported[1] as string, job));
      const file = job.files.get(exported[2]);
      if (!file) throw new GatewayError(404, 'not-found', 'Not found', 'No such export file.');
      // Files are handed out by the object store, through a short-lived signed address.
      const objectPath = `/objects/${exported[1]}/${exported[2]}`;
      const expires = Math.floor(Date.now() / 1000) + 300;
      return {
        status: 302,
        body: '',
        type: 'text/plain; charset=utf-8',
        headers: {
          location: `${storeOrigin}${objectPath}?expires=${expires}&signature=${sign(objectPath, expires)}`,
        },
        open: false,
      };
    }
    throw new GatewayError(404, 'not-found', 'Not found', `Nothing at ${path}.`);
  }

  const api = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', apiOrigin);
    let out: Out;
    let limitState = { ok: true, waitMs: 0, left: 0 };
    let perSecond = 20;
    try {
      const who = req.headers.authorization?.toLowerCase().startsWith('bearer ')
        ? grants.get(req.headers.authorization.slice(7).trim())
        : undefined;
      perSecond = who ? 250 : 20;
      limitState = (who ? councils : anonymous).check(who ? who.client : `addr:${req.socket.remoteAddress}`);
      if (!limitState.ok)
        throw new GatewayError(
          429,
          'rate-limited',
          'Too many requests',
          'The request rate is over the limit.',
          {
            'retry-after': String(Math.max(1, Math.ceil(limitState.waitMs / 1000))),
          },
        );
      out = await serve(req, url);
    } catch (error) {
      const e =
        error instanceof GatewayError
          ? error
          : new GatewayError(500, 'server-error', 'Internal error', 'The request could not be completed.');
      out = {
        status: e.status,
        body: JSON.stringify({
          type: `urn:council-conform:problem:${e.code}`,
          title: e.title,
          status: e.status,
          detail: e.detail,
          ...(e.fields ? { errors: e.fields } : {}),
        }),
        type: 'application/problem+json',
        headers: e.extra,
        open: false,
      };
    }
    const links = ['</openapi.json>; rel="service-desc"'];
    if (out.headers.link) links.push(out.headers.link);
    if (out.open) links.push(`<${OGL}>; rel="license"`);
    res.writeHead(out.status, {
      ...out.headers,
      link: links.join(', '),
      'content-type': out.type,
      'content-length': String(Buffer.byteLength(out.body)),
      'strict-transport-security': 'max-age=31536000',
      'x-api-version': RELEASE,
      ratelimit: `limit=${perSecond}, remaining=${limitState.left}, reset=1`,
      'ratelimit-policy': `${perSecond};w=1`,
      ...(out.open ? { 'access-control-allow-origin': '*' } : {}),
    });
    res.end(out.body);
  };

  /** The object store: serves a file only with a valid, unexpired signature, and needs no token. */
  const store = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', storeOrigin);
    const m = /^\/objects\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    const expires = Number(url.searchParams.get('expires'));
    const signature = url.searchParams.get('signature') ?? '';
    const file = m ? exportsById.get(m[1] as string)?.files.get(m[2] as string) : undefined;
    const valid =
      m !== null &&
      file !== undefined &&
      expires * 1000 > Date.now() &&
      signature.length > 0 &&
      sign(url.pathname, expires) === signature;
    if (!valid) {
      res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('AccessDenied');
      return;
    }
    res.writeHead(200, { 'content-type': file.mediaType, 'content-length': String(file.bytes.length) });
    res.end(file.bytes);
  };

  const listen = async (handler: typeof api | typeof store): Promise<{ server: Server; origin: string }> => {
    const server: Server = options.tls
      ? tlsServer({ key: options.tls.key, cert: options.tls.cert, minVersion: 'TLSv1.2' }, handler)
      : plainServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `${options.tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { server, origin };
  };
  const a = await listen(api);
  const s = await listen(store);
  apiOrigin = a.origin;
  storeOrigin = s.origin;
  const stop = (server: Server) =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return { url: apiOrigin, close: async () => void (await Promise.all([stop(a.server), stop(s.server)])) };
}

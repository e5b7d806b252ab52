import { createHash, randomBytes } from 'node:crypto';
import { type IncomingMessage, createServer as plainServer, type ServerResponse } from 'node:http';
import { createServer as tlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { RunningSupplier, SupplierStartOptions } from '../supplier.ts';
import { compactId, DATASETS, type DatasetId, fromRow, loadShelves } from './catalogue-store.ts';
import { directoryHubOpenApi } from './openapi.ts';

type Json = Record<string, unknown>;
type Reply = {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  raw?: Buffer;
  type?: string;
};

const OGL = 'https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SCHEMAS: Record<DatasetId, string> = {
  services: 'Service',
  service_at_locations: 'ServiceAtLocation',
  organizations: 'Organization',
  taxonomies: 'Taxonomy',
  taxonomy_terms: 'TaxonomyTerm',
};
/** Sliding windows: how many requests each caller may make in the last WINDOW_MS. */
const WINDOW_MS = 2000;
const ALLOWANCE = { anonymous: 30, council: 600 };
/** The export writes this many datasets between two polls: it completes on the fourth. */
const DATASETS_PER_POLL = 2;

/** An answer that is an error: always RFC 9457 problem details in one shape. */
const problem = (
  status: number,
  slug: string,
  title: string,
  detail: string,
  headers: Record<string, string> = {},
): Reply => ({
  status,
  type: 'application/problem+json',
  headers,
  body: { type: `urn:council-conform:problem:${slug}`, title, status, detail },
});
const bad = (parameter: string, detail: string): Reply => ({
  ...problem(400, 'validation', 'Invalid request', detail),
  body: {
    type: 'urn:council-conform:problem:validation',
    title: 'Invalid request',
    status: 400,
    detail,
    errors: [{ pointer: `/query/${parameter}`, detail }],
  },
});

interface Job {
  readonly id: string;
  readonly council: 'a' | 'b';
  readonly createdAt: string;
  polls: number;
  completedAt?: string;
  readonly files: {
    name: string;
    dataset: DatasetId;
    format: 'ndjson' | 'csv';
    bytes: Buffer;
    records: number;
    sha256: string;
  }[];
}

function csv(records: readonly Json[]): string {
  const header: string[] = [];
  for (const r of records) for (const k of Object.keys(r)) if (!header.includes(k)) header.push(k);
  const cell = (v: unknown): string => {
    if (v === undefined || v === null) return '';
    const text = typeof v === 'object' ? JSON.stringify(v) : String(v);
    return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return [header.map(cell).join(','), ...records.map((r) => header.map((h) => cell(r[h])).join(','))]
    .join('\r\n')
    .concat('\r\n');
}

export async function startDirectoryHub(options: SupplierStartOptions): Promise<RunningSupplier> {
  const shelves = loadShelves(options.specsDir);
  const councils = new Map([
    [options.tenants.a.clientId, { secret: options.tenants.a.clientSecret, council: 'a' as const }],
    [options.tenants.b.clientId, { secret: options.tenants.b.clientSecret, council: 'b' as const }],
  ]);
  const tokens = new Map<string, { council: 'a' | 'b'; expiresAt: number }>();
  const jobs = new Map<string, Job>();
  const seen = new Map<string, number[]>();

  const server = options.tls
    ? tlsServer({ key: options.tls.key, cert: options.tls.cert, minVersion: 'TLSv1.2' })
    : plainServer();
  const origin = await new Promise<string>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () =>
      resolve(`${options.tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`),
    );
  });
  const description = Buffer.from(JSON.stringify(directoryHubOpenApi(options.specsDir, origin)));

  const records = (dataset: DatasetId) => [...shelves[dataset].rows.values()].map(fromRow);

  function admit(key: string, allowance: number): { headers: Record<string, string>; refused?: Reply } {
    const now = Date.now();
    const log = (seen.get(key) ?? []).filter((t) => now - t < WINDOW_MS);
    const headers: Record<string, string> = { 'ratelimit-policy': `${allowance};w=${WINDOW_MS / 1000}` };
    const resetIn = (t: number | undefined) => Math.max(1, Math.ceil(((t ?? now) + WINDOW_MS - now) / 1000));
    if (log.length >= allowance) {
      seen.set(key, log);
      headers.ratelimit = `limit=${allowance}, remaining=0, reset=${resetIn(log[0])}`;
      return {
        headers,
        refused: problem(
          429,
          'rate-limited',
          'Slow down',
          `No more than ${allowance} requests in ${WINDOW_MS / 1000} seconds.`,
          {
            'retry-after': String(resetIn(log[0])),
          },
        ),
      };
    }
    log.push(now);
    seen.set(key, log);
    headers.ratelimit = `limit=${allowance}, remaining=${allowance - log.length}, reset=${resetIn(log[0])}`;
    return { headers };
  }

  function councilOf(req: IncomingMessage): 'a' | 'b' | undefined {
    const bearer = /^Bearer ([A-Za-z0-9_-]+)$/.exec(req.headers.authorization ?? '')?.[1];
    const grant = bearer ? tokens.get(bearer) : undefined;
    return grant && grant.expiresAt > Date.now() ? grant.council : undefined;
  }

  function needCouncil(req: IncomingMessage, url: URL): 'a' | 'b' | Reply {
    const council = url.searchParams.has('access_token') ? undefined : councilOf(req);
    return (
      council ??
      problem(
        401,
        'unauthenticated',
        'Sign in first',
        'Exports need a bearer token from /oauth/token, sent in the Authorization header.',
        {
          'www-authenticate': 'Bearer realm="directoryhub"',
        },
      )
    );
  }

  /** ORUK page of any list, with absolute Link relations beside the envelope. */
  function page(url: URL, all: Json[]): Reply {
    const pageText = url.searchParams.get('page') ?? '1';
    const perPageText = url.searchParams.get('per_page') ?? '100';
    if (!/^[1-9]\d{0,6}$/.test(pageText)) return bad('page', 'page is a whole number from 1.');
    if (!/^\d{1,4}$/.test(perPageText) || Number(perPageText) < 1 || Number(perPageText) > 1000)
      return bad('per_page', 'per_page is a whole number from 1 to 1000.');
    const pageNumber = Number(pageText);
    const perPage = Number(perPageText);
    const totalPages = Math.ceil(all.length / perPage);
    const contents = all.slice((pageNumber - 1) * perPage, pageNumber * perPage);
    const at = (n: number) => {
      const u = new URL(url.pathname, origin);
      for (const [k, v] of url.searchParams) if (k !== 'page' && k !== 'per_page') u.searchParams.set(k, v);
      u.searchParams.set('page', String(n));
      u.searchParams.set('per_page', String(perPage));
      return u.toString();
    };
    const links = [`<${at(1)}>; rel="first"`];
    if (totalPages > 0) links.push(`<${at(totalPages)}>; rel="last"`);
    if (pageNumber > 1) links.push(`<${at(pageNumber - 1)}>; rel="prev"`);
    if (pageNumber < totalPages) links.push(`<${at(pageNumber + 1)}>; rel="next"`);
    return {
      status: 200,
      headers: { link: links.join(', ') },
      body: {
        total_items: all.length,
        total_pages: totalPages,
        page_number: pageNumber,
        size: contents.length,
        first_page: pageNumber === 1,
        last_page: pageNumber >= totalPages,
        empty: contents.length === 0,
        contents,
      },
    };
  }

  /** Filters every list shares, then each list's own. Cumulative (AND), as HSDS requires. */
  function filtered(dataset: DatasetId, url: URL): Json[] | Reply {
    const q = url.searchParams;
    let rows = records(dataset);
    const after = q.get('modified_after');
    if (after !== null) {
      if (
        !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i.test(after) ||
        Number.isNaN(Date.parse(after))
      )
        return bad('modified_after', 'modified_after is an RFC 3339 date-time with an offset.');
      rows = rows.filter((r) => Date.parse(String(r.modified_at)) > Date.parse(after));
    }
    const search = q.get('search');
    if (search !== null) {
      if (search.length > 200) return bad('search', 'search is at most 200 characters.');
      const needle = search.toLowerCase();
      rows = rows.filter((r) => {
        const target = dataset === 'service_at_locations' ? ((r.service as Json | undefined) ?? {}) : r;
        return `${String(target.name ?? '')} ${String(target.description ?? '')}`
          .toLowerCase()
          .includes(needle);
      });
    }
    for (const name of ['taxonomy_term_id', 'taxonomy_id', 'organization_id', 'parent_id']) {
      const v = q.get(name);
      if (v !== null && !UUID.test(v)) return bad(name, `${name} is a UUID.`);
    }
    const termIdsOf = (service: Json | undefined) =>
      ((service?.attributes as Json[] | undefined) ?? []).map((a) => String(a.taxonomy_term_id));
    const serviceOf = (r: Json): Json | undefined => {
      if (dataset === 'services') return r;
      const row = shelves.services.rows.get(compactId(String(r.service_id)));
      return row ? fromRow(row) : undefined;
    };
    const term = q.get('taxonomy_term_id');
    if (term && (dataset === 'services' || dataset === 'service_at_locations'))
      rows = rows.filter((r) => termIdsOf(serviceOf(r)).includes(term.toLowerCase()));
    const taxonomy = q.get('taxonomy_id');
    if (taxonomy) {
      const terms = new Set(
        records('taxonomy_terms')
          .filter((t) => t.taxonomy_id === taxonomy.toLowerCase())
          .map((t) => String(t.id)),
      );
      rows =
        dataset === 'taxonomy_terms'
          ? rows.filter((r) => r.taxonomy_id === taxonomy.toLowerCase())
          : dataset === 'services' || dataset === 'service_at_locations'
            ? rows.filter((r) => termIdsOf(serviceOf(r)).some((t) => terms.has(t)))
            : rows;
    }
    const organization = q.get('organization_id');
    if (organization && dataset === 'services')
      rows = rows.filter((r) => r.organization_id === organization.toLowerCase());
    if (dataset === 'taxonomy_terms') {
      const parent = q.get('parent_id');
      if (parent) rows = rows.filter((r) => r.parent_id === parent.toLowerCase());
      const top = q.get('top_only');
      if (top !== null && top !== 'true' && top !== 'false')
        return bad('top_only', 'top_only is true or false.');
      if (top === 'true') rows = rows.filter((r) => r.parent_id === undefined);
    }
    for (const [name, keep] of [
      ['minimum_age', (r: Json, n: number) => Number(r.minimum_age ?? 0) >= n],
      ['maximum_age', (r: Json, n: number) => r.maximum_age !== undefined && Number(r.maximum_age) <= n],
    ] as const) {
      const v = q.get(name);
      if (v === null || !(dataset === 'services' || dataset === 'service_at_locations')) continue;
      if (!/^\d+(\.\d+)?$/.test(v)) return bad(name, `${name} is a number from 0.`);
      rows = rows.filter((r) => {
        const s = serviceOf(r);
        return s !== undefined && keep(s, Number(v));
      });
    }
    const day = q.get('day');
    if (day !== null && (dataset === 'services' || dataset === 'service_at_locations')) {
      if (!/^(MO|TU|WE|TH|FR|SA|SU)$/.test(day)) return bad('day', 'day is MO, TU, WE, TH, FR, SA or SU.');
      rows = rows.filter((r) =>
        ((serviceOf(r)?.schedules as Json[] | undefined) ?? []).some((s) =>
          String(s.byday ?? '').includes(day),
        ),
      );
    }
    for (const name of ['start_time', 'end_time']) {
      const v = q.get(name);
      if (v !== null && !/^(?:[01]\d|2[0-3]):[0-5]\d$/.test(v)) return bad(name, `${name} is HH:MM.`);
    }
    const postcode = q.get('postcode');
    if (postcode !== null && dataset === 'service_at_locations') {
      if (!/^(?:GIR 0AA|[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2})$/.test(postcode))
        return bad('postcode', 'postcode is upper case with one space, e.g. E8 1EA.');
      const proximity = q.get('proximity');
      if (proximity !== null && !/^\d{1,6}$/.test(proximity))
        return bad('proximity', 'proximity is a whole number of metres.');
      const at = (r: Json) => ((r.location as Json)?.addresses as Json[] | undefined) ?? [];
      const matches = rows.filter((r) => at(r).some((a) => a.postal_code === postcode));
      if (proximity === null || matches.length === 0) rows = matches;
      else {
        const centre = matches[0]?.location as Json;
        const metres = (l: Json) => {
          const dLat = ((Number(l.latitude) - Number(centre.latitude)) * Math.PI) / 180;
          const dLon = ((Number(l.longitude) - Number(centre.longitude)) * Math.PI) / 180;
          return 6_371_000 * Math.hypot(dLat, dLon * Math.cos((Number(centre.latitude) * Math.PI) / 180));
        };
        rows = rows.filter((r) => metres(r.location as Json) <= Number(proximity));
      }
    }
    return rows;
  }

  function exportFor(council: 'a' | 'b'): Job {
    const id = `dh_${randomBytes(9).toString('hex')}`;
    const files: Job['files'] = [];
    for (const dataset of DATASETS) {
      const all = records(dataset);
      for (const format of ['ndjson', 'csv'] as const) {
        const bytes = Buffer.from(
          format === 'ndjson' ? all.map((r) => `${JSON.stringify(r)}\n`).join('') : csv(all),
          'utf8',
        );
        files.push({
          name: `${dataset.replaceAll('_', '-')}.${format}`,
          dataset,
          format,
          bytes,
          records: all.length,
          sha256: createHash('sha256').update(bytes).digest('hex'),
        });
      }
    }
    const job: Job = { id, council, createdAt: new Date().toISOString(), polls: 0, files };
    jobs.set(id, job);
    return job;
  }

  function jobView(job: Job): Json {
    const done = Math.min(DATASETS.length, Math.max(0, job.polls - 1) * DATASETS_PER_POLL);
    const status = job.polls === 0 ? 'queued' : done < DATASETS.length ? 'running' : 'complete';
    if (status === 'complete') job.completedAt ??= new Date().toISOString();
    return {
      id: job.id,
      status,
      createdAt: job.createdAt,
      ...(job.completedAt ? { completedAt: job.completedAt } : {}),
      progress: { datasetsDone: done, datasetsTotal: DATASETS.length },
      ...(status === 'complete'
        ? {
            manifest: {
              exportId: job.id,
              generatedAt: job.completedAt,
              description: `${origin}/openapi.json`,
              licence: OGL,
              files: job.files.map((f) => ({
                dataset: f.dataset,
                format: f.format,
                mediaType:
                  f.format === 'ndjson'
                    ? 'application/x-ndjson; charset=utf-8'
                    : 'text/csv; charset=utf-8; header=present',
                records: f.records,
                bytes: f.bytes.length,
                sha256: f.sha256,
                schema: `${origin}/openapi.json#/components/schemas/${SCHEMAS[f.dataset]}`,
                url: `${origin}/exports/${job.id}/files/${f.name}`,
                generatedAt: job.createdAt,
              })),
            },
          }
        : {}),
    };
  }

  async function readText(req: IncomingMessage): Promise<string | Reply> {
    const parts: Buffer[] = [];
    let size = 0;
    for await (const part of req) {
      size += (part as Buffer).length;
      if (size > 64 * 1024)
        return problem(413, 'validation', 'Too large', 'Request bodies are at most 64 KiB.');
      parts.push(part as Buffer);
    }
    return Buffer.concat(parts).toString('utf8');
  }

  const LISTS: Record<string, DatasetId> = {
    '/services': 'services',
    '/service_at_locations': 'service_at_locations',
    '/organizations': 'organizations',
    '/taxonomies': 'taxonomies',
    '/taxonomy_terms': 'taxonomy_terms',
  };

  async function answer(req: IncomingMessage, url: URL): Promise<Reply> {
    const method = req.method ?? 'GET';
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/$/, '') : url.pathname;
    const onlyGet = (allow = 'GET') =>
      method === allow || (allow === 'GET' && method === 'HEAD')
        ? undefined
        : problem(405, 'method-not-allowed', 'Method not allowed', `${method} is not allowed on ${path}.`, {
            allow,
          });

    if (path === '/') {
      return (
        onlyGet() ?? {
          status: 200,
          body: {
            version: '3.0',
            profile: 'https://openreferraluk.org/',
            openapi_url: `${origin}/openapi.json`,
          },
        }
      );
    }
    if (path === '/openapi.json')
      return onlyGet() ?? { status: 200, raw: description, type: 'application/json' };
    if (path === '/.well-known/security.txt') {
      const expires = new Date(Date.now() + 200 * 86_400_000).toISOString();
      return (
        onlyGet() ?? {
          status: 200,
          type: 'text/plain; charset=utf-8',
          raw: Buffer.from(
            `Contact: mailto:security@directoryhub.org.uk\nContact: https://directoryhub.org.uk/security\nExpires: ${expires}\nPreferred-Languages: en, cy\n`,
          ),
        }
      );
    }
    if (path === '/oauth/token') {
      const refused = onlyGet('POST');
      if (refused) return refused;
      const text = await readText(req);
      if (typeof text !== 'string') return text;
      const form = new URLSearchParams(text);
      const basic = /^Basic ([A-Za-z0-9+/=]+)$/.exec(req.headers.authorization ?? '')?.[1];
      let id: string | null = form.get('client_id');
      let secret: string | null = form.get('client_secret');
      if (basic) {
        const decoded = Buffer.from(basic, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        const unform = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
        try {
          id = unform(decoded.slice(0, colon));
          secret = unform(decoded.slice(colon + 1));
        } catch {
          id = null;
        }
      }
      const council = id ? councils.get(id) : undefined;
      if (!council || council.secret !== secret)
        return problem(
          401,
          'unauthenticated',
          'Unknown client',
          'The client id and secret were not recognised.',
          {
            'www-authenticate': 'Basic realm="directoryhub"',
          },
        );
      if (form.get('grant_type') !== 'client_credentials')
        return bad('grant_type', 'grant_type must be client_credentials.');
      const token = randomBytes(24).toString('base64url');
      tokens.set(token, { council: council.council, expiresAt: Date.now() + 900_000 });
      return {
        status: 200,
        headers: { 'cache-control': 'no-store' },
        body: {
          access_token: token,
          token_type: 'Bearer',
          expires_in: 900,
          scope:
            'exports:run services:read service_at_locations:read organizations:read taxonomies:read taxonomy_terms:read',
        },
      };
    }
    const list = LISTS[path];
    if (list) {
      const refused = onlyGet();
      if (refused) return refused;
      const rows = filtered(list, url);
      return Array.isArray(rows) ? page(url, rows) : rows;
    }
    const one = /^\/(services|service_at_locations|organizations|taxonomies|taxonomy_terms)\/([^/]+)$/.exec(
      path,
    );
    if (one) {
      const refused = onlyGet();
      if (refused) return refused;
      const id = decodeURIComponent(one[2] as string);
      const row = UUID.test(id)
        ? shelves[one[1] as DatasetId].rows.get(compactId(id.toLowerCase()))
        : undefined;
      return row
        ? { status: 200, body: fromRow(row) }
        : problem(404, 'not-found', 'Not found', `No record ${id} in ${one[1]}.`);
    }
    if (path === '/exports') {
      const refused = onlyGet('POST');
      if (refused) return refused;
      const council = needCouncil(req, url);
      if (typeof council !== 'string') return council;
      const text = await readText(req);
      if (typeof text !== 'string') return text;
      if (text.trim() !== '') {
        let request: unknown;
        try {
          request = JSON.parse(text);
        } catch {
          return problem(400, 'validation', 'Invalid request', 'The export request is not JSON.');
        }
        if (request === null || typeof request !== 'object' || Array.isArray(request))
          return problem(400, 'validation', 'Invalid request', 'The export request is a JSON object.');
        const extra = Object.keys(request).filter(
          (k) => !['datasets', 'formats', 'modified_after'].includes(k),
        );
        if (extra.length > 0)
          return problem(400, 'validation', 'Invalid request', `Unknown members: ${extra.join(', ')}.`);
      }
      const job = exportFor(council);
      return {
        status: 202,
        headers: { location: `/exports/${job.id}`, 'cache-control': 'no-store' },
        body: jobView(job),
      };
    }
    const exportJob = /^\/exports\/([^/]+)(?:\/files\/([^/]+))?$/.exec(path);
    if (exportJob) {
      const refused = onlyGet();
      if (refused) return refused;
      const council = needCouncil(req, url);
      if (typeof council !== 'string') return council;
      const job = jobs.get(exportJob[1] as string);
      if (!job || job.council !== council) return problem(404, 'not-found', 'Not found', 'No such export.');
      if (exportJob[2] === undefined) {
        job.polls += 1;
        const view = jobView(job);
        return {
          status: 200,
          headers:
            view.status === 'complete'
              ? { 'cache-control': 'no-store' }
              : { 'retry-after': '1', 'cache-control': 'no-store' },
          body: view,
        };
      }
      if (!job.completedAt)
        return problem(409, 'export-not-ready', 'Not ready', 'The export has not completed; poll it first.', {
          'retry-after': '1',
        });
      const file = job.files.find((f) => f.name === exportJob[2]);
      if (!file) return problem(404, 'not-found', 'Not found', 'No such file in this export.');
      return {
        status: 200,
        raw: file.bytes,
        type:
          file.format === 'ndjson'
            ? 'application/x-ndjson; charset=utf-8'
            : 'text/csv; charset=utf-8; header=present',
        headers: { etag: `"${file.sha256}"`, 'cache-control': 'private, no-store' },
      };
    }
    if (path === '/imports' || path.startsWith('/imports/'))
      return problem(
        501,
        'not-implemented',
        'Not implemented',
        'DirectoryHub does not offer the baseline import.',
      );
    return problem(404, 'not-found', 'Not found', `Nothing lives at ${path}.`);
  }

  server.on('request', async (req: IncomingMessage, res: ServerResponse) => {
    const common: Record<string, string> = {
      'access-control-allow-origin': '*',
      'access-control-expose-headers': 'Link, RateLimit, RateLimit-Policy, Retry-After, Location',
      link: `</openapi.json>; rel="service-desc", <${OGL}>; rel="license"`,
      'x-api-version': '2.8.1',
    };
    if (options.tls) common['strict-transport-security'] = 'max-age=63072000; includeSubDomains; preload';
    let reply: Reply;
    try {
      const url = new URL(req.url ?? '/', origin);
      if (req.method === 'OPTIONS') {
        reply = {
          status: 204,
          headers: {
            'access-control-allow-methods': 'GET, POST, OPTIONS',
            'access-control-allow-headers': 'Authorization, Content-Type',
            'access-control-max-age': '86400',
          },
        };
      } else {
        const council = councilOf(req);
        const admitted = admit(
          council ? `council:${council}` : `address:${req.socket.remoteAddress}`,
          council ? ALLOWANCE.council : ALLOWANCE.anonymous,
        );
        Object.assign(common, admitted.headers);
        reply = admitted.refused ?? (await answer(req, url));
      }
    } catch {
      reply = problem(
        500,
        'server-error',
        'Something went wrong',
        'The directory could not answer; try again shortly.',
      );
    }
    const headers = { ...common, ...reply.headers };
    if (reply.headers?.link) headers.link = `${common.link}, ${reply.headers.link}`;
    const bytes =
      reply.raw ?? (reply.body === undefined ? undefined : Buffer.from(JSON.stringify(reply.body)));
    if (bytes) {
      headers['content-type'] = reply.type ?? 'application/json';
      headers['content-length'] = String(bytes.length);
    }
    res.writeHead(reply.status, headers);
    res.end(req.method === 'HEAD' ? undefined : bytes);
  });

  return {
    url: origin,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

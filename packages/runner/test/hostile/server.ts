import { createHash, randomBytes } from 'node:crypto';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { IssuedCertificate } from '@council-conform/private-ca';
import { HOSTILE_REFERENCE } from './reference.ts';

export const CLIENT = { clientId: 'hostile-client', clientSecret: 'hostile-client-secret-6d1f0e2a' } as const;

export interface HandlerContext {
  readonly url: URL;
  readonly body: string;
  readonly supplier: HostileSupplier;
  /** True when the request carries a bearer token this supplier issued. */
  readonly authorised: boolean;
}

export type Handler = (request: IncomingMessage, response: ServerResponse, context: HandlerContext) => void;
/** Handlers by exact path; a pathology replaces some of the conformant supplier's. */
export type Routes = Readonly<Record<string, Handler>>;

export interface HostileSupplier {
  readonly url: string;
  readonly origin: string;
  /** Requests seen, by path. */
  readonly hits: Map<string, number>;
  /** Tokens issued at /oauth/token. */
  readonly issued: string[];
  /** A second server on another origin: what a redirect or a manifest there would reach. */
  readonly elsewhere: { readonly origin: string; readonly hits: Map<string, number> };
  close(): Promise<void>;
}

export interface ExportFile {
  readonly name: string;
  readonly format: 'csv' | 'ndjson';
  readonly mediaType: string;
  readonly records: number;
  readonly bytes: Buffer;
}

export const ITEMS = [
  { id: '1', name: 'Garden waste collection', supplier: 'Acme Waste Ltd' },
  { id: '2', name: 'Bulky item collection', supplier: 'Acme Waste Ltd' },
  { id: '3', name: 'Bin replacement', supplier: 'Northgate Bins' },
] as const;

export const EXPORT_FILES: readonly ExportFile[] = [
  {
    name: 'items.ndjson',
    format: 'ndjson',
    mediaType: 'application/x-ndjson',
    records: ITEMS.length,
    bytes: Buffer.from(ITEMS.map((item) => `${JSON.stringify(item)}\n`).join('')),
  },
  {
    name: 'items.csv',
    format: 'csv',
    mediaType: 'text/csv',
    records: ITEMS.length,
    bytes: Buffer.from(
      `id,name,supplier\r\n${ITEMS.map((i) => `${i.id},${i.name},${i.supplier}`).join('\r\n')}\r\n`,
    ),
  },
];

export const json = (
  response: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string | string[]> = {},
): void => {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(value));
};

const refuse = (response: ServerResponse) =>
  json(
    response,
    401,
    { title: 'Unauthorized', status: 401 },
    { 'www-authenticate': 'Bearer error="invalid_token"', 'content-type': 'application/problem+json' },
  );

/** The manifest a completed export job carries, for files as given (a pathology may lie about them). */
export function manifestOf(files: readonly ExportFile[], base = '/exports/job-1') {
  return {
    files: files.map((file) => ({
      dataset: 'items',
      format: file.format,
      mediaType: file.mediaType,
      records: file.records,
      bytes: file.bytes.length,
      sha256: createHash('sha256').update(file.bytes).digest('hex'),
      url: `${base}/${file.name}`,
    })),
  };
}

/** A supplier that does everything right: the baseline every pathology departs from in one place. */
export function conformantRoutes(): Record<string, Handler> {
  const routes: Record<string, Handler> = {
    '/': (_q, res) =>
      json(res, 200, { name: 'hostile supplier' }, { link: '</openapi.json>; rel="service-desc"' }),
    '/openapi.json': (_q, res) => json(res, 200, HOSTILE_REFERENCE.document),
    '/oauth/token': (q, res, { body, supplier }) => {
      // client_secret_basic, as Council API Baseline 1.1 requires; the form body's secret is not read.
      void body;
      const basic = /^Basic (\S+)$/.exec(q.headers.authorization ?? '')?.[1];
      const [id, secret] = Buffer.from(basic ?? '', 'base64')
        .toString()
        .split(':')
        .map(decodeURIComponent);
      if (id !== CLIENT.clientId || secret !== CLIENT.clientSecret)
        return json(res, 401, { error: 'invalid_client' });
      const token = `hostile-token-${supplier.issued.length + 1}-${randomBytes(12).toString('hex')}`;
      supplier.issued.push(token);
      json(res, 200, { access_token: token, token_type: 'Bearer', expires_in: 3600 });
    },
    '/items': (_q, res, { url, authorised }) => {
      if (!authorised) return refuse(res);
      if (url.searchParams.get('cursor') === 'page-2')
        return json(res, 200, { items: ITEMS.slice(2), next: null });
      json(res, 200, { items: ITEMS.slice(0, 2), next: '/items?limit=100&cursor=page-2' });
    },
    '/items/1': (_q, res, { authorised }) => (authorised ? json(res, 200, ITEMS[0]) : refuse(res)),
    '/whoami': (_q, res, { authorised }) => (authorised ? json(res, 200, { tenant: 'a' }) : refuse(res)),
    '/exports': (request, res, { authorised }) => {
      if (!authorised) return refuse(res);
      if (request.method !== 'POST') return json(res, 405, { title: 'Method Not Allowed', status: 405 });
      res.writeHead(202, { location: '/exports/job-1', 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'job-1', status: 'running' }));
    },
    '/exports/job-1': (_q, res, { authorised }) =>
      authorised
        ? json(res, 200, { id: 'job-1', status: 'complete', manifest: manifestOf(EXPORT_FILES) })
        : refuse(res),
  };
  for (const file of EXPORT_FILES) {
    routes[`/exports/job-1/${file.name}`] = (_q, res, { authorised }) => {
      if (!authorised) return refuse(res);
      res.writeHead(200, { 'content-type': file.mediaType, 'content-length': String(file.bytes.length) });
      res.end(file.bytes);
    };
  }
  return routes;
}

/**
 * Real HTTP (or HTTPS with a throwaway certificate) on 127.0.0.1: the conformant routes with a pathology's
 * routes over them, and a second plain server on another port standing for "another origin".
 */
export async function startHostileSupplier(
  options: { routes?: (supplier: HostileSupplier) => Routes; tls?: IssuedCertificate } = {},
): Promise<HostileSupplier> {
  const hits = new Map<string, number>();
  const elsewhereHits = new Map<string, number>();
  const issued: string[] = [];
  const count = (map: Map<string, number>, path: string) => map.set(path, (map.get(path) ?? 0) + 1);

  const elsewhere = createHttpServer((request, response) => {
    count(elsewhereHits, new URL(request.url ?? '/', 'http://x').pathname);
    json(response, 200, { saw: request.headers.authorization ?? null });
  });
  const elsewhereOrigin = await listen(elsewhere);

  let supplier: HostileSupplier | undefined;
  let routes: Routes = {};
  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (!supplier) return response.destroy();
      const url = new URL(request.url ?? '/', supplier.origin);
      count(hits, url.pathname);
      const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      const route = routes[url.pathname];
      if (!route) return json(response, 404, { title: 'Not Found', status: 404 });
      route(request, response, {
        url,
        body: Buffer.concat(chunks).toString('utf8'),
        supplier,
        authorised: token !== undefined && issued.includes(token),
      });
    });
  };
  const server = options.tls
    ? createHttpsServer({ key: options.tls.keyPem, cert: options.tls.certificatePem }, handle)
    : createHttpServer(handle);
  // A failed handshake is what a TLS pathology is for; it must not surface as a server error.
  server.on('tlsClientError', () => undefined);
  const origin = (await listen(server)).replace('http:', options.tls ? 'https:' : 'http:');
  supplier = {
    url: origin,
    origin,
    hits,
    issued,
    elsewhere: { origin: elsewhereOrigin, hits: elsewhereHits },
    close: async () => {
      await Promise.all([stop(server), stop(elsewhere)]);
    },
  };
  routes = { ...conformantRoutes(), ...(options.routes?.(supplier) ?? {}) };
  return supplier;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function stop(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

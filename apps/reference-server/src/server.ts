import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import {
  createMockSupplier,
  type MockClientInfo,
  type MockSupplier,
  PROBLEM,
  RequestBodyTooLargeError,
  sendFetchResponse,
  toFetchRequest,
} from '@council-conform/mocks';
import { listenHttp } from '@council-conform/service';
import { listSpecIds, loadSpec } from '@council-conform/specs';
import type { RecordStore } from '@council-conform/storage';
import { ConfigurationError, type ReferenceServerConfig } from './config.ts';

export interface ReferenceServer {
  /** One conformant supplier per reference spec, each answering under `/<spec-id>`. */
  readonly suppliers: ReadonlyMap<string, MockSupplier>;
  readonly store: RecordStore;
  /**
   * The whole server as a fetch handler; never throws (a failure is a 500 problem+json). `client.address` is
   * the peer's address, which the rate limiter counts requests without a valid token against.
   */
  handle(request: Request, client?: MockClientInfo): Promise<Response>;
  /** The same over node:http, for `http.createServer` and supertest. */
  readonly listener: RequestListener;
  /** Waits for exports still being written and removes their files. Does not close the store. */
  close(): Promise<void>;
}

/** A year, as secure-hsts advises. */
const HSTS = 'max-age=31536000';

const problem = (status: number, title: string, detail: string, type: string, instance: string) =>
  new Response(JSON.stringify({ type, title, status, detail, instance }), {
    status,
    headers: { 'content-type': 'application/problem+json' },
  });

/**
 * Every reference spec in one process. Each spec is served by the project's one conformant implementation of
 * the Council API Baseline (the same behaviour the conformant mock has, with no faults), here on the given
 * PostgreSQL-semantics store and with exports streamed to disk, so a spec's mock and its reference server
 * cannot drift apart.
 */
export async function createReferenceServer(
  config: ReferenceServerConfig,
  store: RecordStore,
): Promise<ReferenceServer> {
  const specIds = listSpecIds();
  if (config.profile && !specIds.includes(config.profile))
    throw new ConfigurationError(
      `CONFORM_PROFILE names no reference spec: "${config.profile}" (known: ${specIds.join(', ')})`,
    );
  const exportDirectory = await mkdtemp(join(tmpdir(), 'conform-reference-exports-'));
  const suppliers = new Map<string, MockSupplier>();
  for (const id of specIds) {
    const { profile } = await loadSpec(id);
    suppliers.set(
      id,
      await createMockSupplier(id, {
        basePath: `/${id}`,
        tenants: config.tenants,
        store,
        space: id,
        seed: config.seed === 'fixtures',
        // Everything the profile allows, the bulk import included: the reference offers it all.
        features: profile.operations.optional,
        rateLimit: { limit: config.rateLimitPerSecond, windowMs: 1000 },
        exportDirectory: join(exportDirectory, id),
      }),
    );
  }

  async function health(instance: string): Promise<Response> {
    try {
      await store.ping();
    } catch (error) {
      return problem(
        503,
        'Service Unavailable',
        `storage does not answer: ${(error as Error).message}`,
        PROBLEM.serverError,
        instance,
      );
    }
    return Response.json({ status: 'ok', storage: store.kind, specs: specIds });
  }

  function index(origin: string): Response {
    return Response.json({
      title: 'Council Conform reference server',
      description:
        'A conformant implementation of every Council Conform reference spec; each is served under its own base path.',
      health: '/healthz',
      specs: [...suppliers.values()].map((supplier) => ({
        id: supplier.spec.profile.id,
        title: supplier.spec.profile.title,
        version: supplier.spec.profile.version,
        baseUrl: `${origin}/${supplier.spec.profile.id}`,
        description: `${origin}/${supplier.spec.profile.id}/openapi.json`,
      })),
    });
  }

  async function handle(request: Request, client: MockClientInfo = {}): Promise<Response> {
    const url = new URL(request.url);
    try {
      if (url.pathname === '/healthz') return await health(url.pathname);
      if (url.pathname === '/') return index(url.origin);
      const id = url.pathname.split('/')[1] ?? '';
      const supplier = suppliers.get(id);
      if (!supplier)
        return problem(
          404,
          'Not Found',
          `no reference spec is served at /${id}; see / for the list`,
          PROBLEM.notFound,
          url.pathname,
        );
      return await supplier.handle(request, client);
    } catch (error) {
      // A bug must cost one request, not the server; the detail stays in the log, not the answer.
      console.error(`reference server: ${request.method} ${url.pathname} failed: ${(error as Error).stack}`);
      return problem(
        500,
        'Internal Server Error',
        'the server failed to answer this request; it has been logged',
        PROBLEM.serverError,
        url.pathname,
      );
    }
  }

  const listener: RequestListener = (incoming: IncomingMessage, outgoing: ServerResponse) => {
    const secure = (incoming.socket as TLSSocket).encrypted === true;
    // The mocks' conformant behaviour sends HSTS on its own answers when it sees an https URL; health, the
    // index and unknown paths get it here, so every answer over https carries it.
    if (secure) outgoing.setHeader('strict-transport-security', HSTS);
    const origin = `${secure ? 'https' : 'http'}://${incoming.headers.host ?? 'localhost'}`;
    // The socket's own peer, never a forwarding header a client could write: the limiter keys on it.
    const client = { address: incoming.socket.remoteAddress };
    toFetchRequest(incoming, origin)
      .then(
        (request) => handle(request, client),
        (error: unknown) =>
          error instanceof RequestBodyTooLargeError
            ? problem(413, 'Content Too Large', error.message, PROBLEM.validation, incoming.url ?? '/')
            : problem(
                400,
                'Bad Request',
                `the request could not be read: ${(error as Error).message}`,
                PROBLEM.validation,
                incoming.url ?? '/',
              ),
      )
      .then((response) => sendFetchResponse(response, outgoing))
      .catch((error: unknown) => {
        console.error(`reference server: writing the answer failed: ${(error as Error).message}`);
        outgoing.destroy();
      });
  };

  return {
    suppliers,
    store,
    handle,
    listener,
    async close() {
      await Promise.all([...suppliers.values()].map((supplier) => supplier.settled()));
      await rm(exportDirectory, { recursive: true, force: true });
    },
  };
}

export interface RunningReferenceServer {
  readonly url: string;
  readonly port: number;
  readonly server: ReferenceServer;
  /** Stops accepting connections, lets requests in flight finish (at most `graceMs`), then cleans up. */
  close(graceMs?: number): Promise<void>;
}

/** Listens on `config.host:config.port` (0: a free port): https only when `config.tls` is set. */
export async function listenReferenceServer(
  config: ReferenceServerConfig,
  store: RecordStore,
): Promise<RunningReferenceServer> {
  const server = await createReferenceServer(config, store);
  const http = await listenHttp(server.listener, {
    port: config.port,
    host: config.host,
    requestTimeoutMs: 60_000,
    headersTimeoutMs: 20_000,
    ...(config.tls ? { tls: config.tls } : {}),
  });
  return {
    url: http.url,
    port: http.port,
    server,
    async close(graceMs = 10_000) {
      await http.close(graceMs);
      await server.close();
    },
  };
}

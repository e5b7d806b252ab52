import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHarnessHttp } from '../src/http.ts';
import { Redactor } from '../src/redact.ts';

export type Handler = (request: IncomingMessage, response: ServerResponse, body: string) => void;

/** A real HTTP server on 127.0.0.1 whose routes a test defines; it counts every request it sees. */
export async function serve(routes: Record<string, Handler>): Promise<{
  url: string;
  origin: string;
  hits: Map<string, number>;
  close(): Promise<void>;
}> {
  const hits = new Map<string, number>();
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    request.on('end', () => {
      const path = new URL(request.url ?? '/', 'http://x').pathname;
      hits.set(path, (hits.get(path) ?? 0) + 1);
      const route = routes[path];
      if (!route) {
        response.writeHead(404, { 'content-type': 'application/problem+json' });
        response.end(JSON.stringify({ title: 'Not Found', status: 404 }));
        return;
      }
      route(request, response, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    origin,
    hits,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const json = (response: ServerResponse, status: number, value: unknown, headers = {}) => {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(value));
};

/** A harness client for a test server on loopback, anonymous, with no redaction and generous limits. */
export function loopbackHttp(serverUrl: string) {
  return createHarnessHttp({
    target: new URL(`${serverUrl}/`),
    requestsPerSecond: 100,
    requestTimeoutMs: 5_000,
    maxResponseBytes: 1_000_000,
    maxRetryAfterMs: 1_000,
    redactor: new Redactor(new Set()),
    signal: new AbortController().signal,
    tokenFor: async () => undefined,
  });
}

/** mulberry32: small, seeded, good enough to draw test cases from. */
export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

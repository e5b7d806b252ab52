import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarnessHttp, type HarnessError, type HarnessHttp, Redactor } from '../src/index.ts';

/**
 * A server that keeps each connection alive after its answer but drops it, unanswered, when the client
 * reuses it: what a client meets when a server (or a load balancer before it) closes an idle kept-alive
 * connection just as the next request goes out on it. The client holds one connection, so the next request
 * always reuses the last.
 */
async function droppingReusedConnections() {
  const served = new WeakSet<object>();
  const seen: string[] = [];
  const server: Server = createServer((request, response) => {
    seen.push(`${request.method} ${request.url}`);
    request.resume();
    if (served.has(request.socket)) {
      request.socket.destroy();
      return;
    }
    served.add(request.socket);
    response.writeHead(200, { 'content-type': 'application/json', connection: 'keep-alive' });
    response.end(JSON.stringify({ ok: true }));
  });
  const { http, close } = await listening(server);
  return { http, seen, close };
}

/** The server on 127.0.0.1, and a client that holds at most one connection to it. */
async function listening(server: Server): Promise<{ http: HarnessHttp; close(): Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const dispatcher = new Agent({ connections: 1 });
  const http = createHarnessHttp({
    target: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`),
    requestsPerSecond: 1000,
    requestTimeoutMs: 10_000,
    maxResponseBytes: 1024 * 1024,
    maxRetryAfterMs: 1_000,
    redactor: new Redactor(new Set()),
    signal: new AbortController().signal,
    tokenFor: async () => 'token-for-the-retry-test',
    dispatcher,
  });
  return {
    http,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await dispatcher.close();
    },
  };
}

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

const CLOSED = /the server closed the connection before answering \((UND_ERR_SOCKET|ECONNRESET|EPIPE)\b/;

function errorOf(http: HarnessHttp, index: number) {
  return http.exchanges[index]?.error;
}

describe('a kept-alive connection the server closed', () => {
  it('is retried once for an idempotent request, and both exchanges stay in the evidence', async () => {
    const server = await droppingReusedConnections();
    close = server.close;
    const { http } = server;
    expect((await http.request({ url: '/first', note: 'first' })).status).toBe(200);
    const second = await http.request({ url: '/second', note: 'read the second' });
    expect(second.status).toBe(200);
    expect(server.seen).toEqual(['GET /first', 'GET /second', 'GET /second']);
    expect(http.exchanges.map((e) => e.id)).toEqual(['ex-0001', 'ex-0002', 'ex-0003']);
    expect(errorOf(http, 1)?.code).toBe('NETWORK');
    expect(errorOf(http, 1)?.message).toMatch(/UND_ERR_SOCKET|ECONNRESET|EPIPE/);
    expect(http.exchanges[1]?.response).toBeUndefined();
    expect(second.exchange.id).toBe('ex-0003');
    expect(second.exchange.note).toMatch(/^read the second \(retry of ex-0002: /);
    expect(second.exchange.note).toMatch(CLOSED);
    expect(second.exchange.note).toMatch(/GET is idempotent, so it is sent once more\)$/);
  });

  it('is retried for PUT and DELETE too, and for a download', async () => {
    const server = await droppingReusedConnections();
    close = server.close;
    const { http } = server;
    await http.request({ url: '/a' });
    expect((await http.request({ url: '/b', method: 'PUT', body: '{}' })).status).toBe(200);
    expect((await http.request({ url: '/c', method: 'DELETE' })).status).toBe(200);
    const chunks: Buffer[] = [];
    const download = await http.download({ url: '/file' }, (chunk) => void chunks.push(chunk));
    expect(download.status).toBe(200);
    expect(Buffer.concat(chunks).toString()).toBe('{"ok":true}');
    expect(download.exchange.note).toMatch(/^retry of ex-\d{4}: /);
    expect(server.seen).toEqual([
      'GET /a',
      'PUT /b',
      'PUT /b',
      'DELETE /c',
      'DELETE /c',
      'GET /file',
      'GET /file',
    ]);
  });

  it('is never retried for POST or PATCH: the failure is the answer', async () => {
    const server = await droppingReusedConnections();
    close = server.close;
    const { http } = server;
    await http.request({ url: '/a' });
    const post = await http.request({ url: '/exports', method: 'POST', body: '{}' }).catch((e: unknown) => e);
    expect((post as HarnessError).code).toBe('NETWORK');
    expect((post as HarnessError).exchangeId).toBe('ex-0002');
    await http.request({ url: '/b' });
    const patch = await http.request({ url: '/c', method: 'PATCH', body: '{}' }).catch((e: unknown) => e);
    expect((patch as HarnessError).code).toBe('NETWORK');
    expect(server.seen).toEqual(['GET /a', 'POST /exports', 'GET /b', 'PATCH /c']);
    expect(http.exchanges.map((e) => e.note ?? '')).not.toContainEqual(expect.stringMatching(/retry/));
  });

  it('is retried only once: a second closed connection is the error', async () => {
    const seen: string[] = [];
    // Drops every connection unanswered, the retry's fresh one too.
    const server = createServer((request) => {
      seen.push(`${request.method} ${request.url}`);
      request.socket.destroy();
    });
    const listened = await listening(server);
    close = listened.close;
    const { http } = listened;
    const error = await http.request({ url: '/x' }).catch((e: unknown) => e);
    expect((error as HarnessError).code).toBe('NETWORK');
    expect((error as HarnessError).exchangeId).toBe('ex-0002');
    expect(seen).toEqual(['GET /x', 'GET /x']);
    expect(http.exchanges[1]?.note).toMatch(/^retry of ex-0001: /);
  });
});

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, createServer as createNetServer, type Socket } from 'node:net';
import { getResponse } from 'msw';
import type { MockSupplier } from './supplier.ts';
import type { TlsCertificate } from './tls.ts';

export interface RunningMockServer {
  /** The API's base URL: https when served with a certificate. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export interface MockServerOptions {
  readonly port?: number;
  readonly host?: string;
  /**
   * Serve HTTPS with this certificate (see `createSelfSignedCertificate`). Plain http on the same port then
   * answers 308 to https, or, with the `http-without-tls-redirect` fault, answers as the API itself. With the
   * `tls-legacy-versions` fault the TLS side also accepts TLS 1.0 and 1.1.
   */
  readonly tls?: TlsCertificate;
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;

export class RequestBodyTooLargeError extends RangeError {
  override readonly name = 'RequestBodyTooLargeError';
}

/** A node:http request as a fetch `Request`, its body read whole (at most 10 MB). */
export async function toFetchRequest(incoming: IncomingMessage, origin: string): Promise<Request> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of incoming) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new RequestBodyTooLargeError('the request body is over 10 MB');
    chunks.push(chunk as Buffer);
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  const method = incoming.method ?? 'GET';
  const body = method === 'GET' || method === 'HEAD' || size === 0 ? undefined : Buffer.concat(chunks);
  return new Request(new URL(incoming.url ?? '/', origin), { method, headers, ...(body ? { body } : {}) });
}

/** Writes a fetch `Response` to a node:http response, streaming its body with backpressure. */
export async function sendFetchResponse(response: Response, outgoing: ServerResponse): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    // Several Link headers are joined by Headers; split them back so each relation stands alone.
    headers[name] = name === 'link' ? value.split(/,\s*(?=<)/) : value;
  });
  outgoing.writeHead(response.status, headers);
  if (response.body) {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      if (outgoing.destroyed) break;
      // A client that goes away mid-download must not leave this loop waiting for a drain that never comes.
      if (!outgoing.write(chunk))
        await new Promise((resolve) => {
          outgoing.once('drain', resolve);
          outgoing.once('close', resolve);
        });
    }
  }
  outgoing.end();
}

/**
 * Serves a mock supplier over real HTTP on 127.0.0.1 through msw's own `getResponse`, so a client on a
 * socket sees exactly what in-process msw interception would give it: one implementation, two transports.
 * With `tls`, one port speaks both: a connection opening with a TLS handshake goes to HTTPS, any other to
 * plain HTTP, as a real server's 443 and 80 would.
 */
export async function startMockServer(
  supplier: MockSupplier,
  options: MockServerOptions = {},
): Promise<RunningMockServer> {
  const host = options.host ?? '127.0.0.1';
  let origin = '';
  let plainOrigin = '';
  const answer = (incoming: IncomingMessage, outgoing: ServerResponse, from: string) => {
    toFetchRequest(incoming, from)
      .then(async (request) => {
        const response =
          (await getResponse(supplier.handlers, request)) ?? new Response('no handler', { status: 500 });
        await sendFetchResponse(response, outgoing);
      })
      .catch((error: unknown) => {
        if (!outgoing.headersSent) {
          outgoing.writeHead(400, { 'content-type': 'application/problem+json' });
          outgoing.end(
            JSON.stringify({
              type: 'urn:council-conform:problem:validation',
              title: 'Bad Request',
              status: 400,
              detail: (error as Error).message,
            }),
          );
        } else outgoing.destroy();
      });
  };
  const plain = createServer((incoming, outgoing) => {
    if (!options.tls || supplier.faults.has('http-without-tls-redirect')) {
      answer(incoming, outgoing, plainOrigin);
      return;
    }
    outgoing.writeHead(308, { location: `${origin}${incoming.url ?? '/'}` });
    outgoing.end();
  });
  const legacy = supplier.faults.has('tls-legacy-versions');
  const secure = options.tls
    ? createHttpsServer(
        {
          key: options.tls.key,
          cert: options.tls.cert,
          ...(legacy ? { minVersion: 'TLSv1' as const, ciphers: 'DEFAULT:@SECLEVEL=0' } : {}),
        },
        (incoming, outgoing) => answer(incoming, outgoing, origin),
      )
    : undefined;
  const server = secure
    ? createNetServer((socket) => {
        socket.once('data', (chunk: Buffer) => {
          // Hand the connection on with its first bytes put back: 0x16 opens a TLS handshake.
          socket.pause();
          socket.unshift(chunk);
          (chunk[0] === 0x16 ? secure : plain).emit('connection', socket);
          process.nextTick(() => socket.resume());
        });
      })
    : plain;
  // An idle kept-alive connection is left for the client to close. With Node's 5 s default the server closes
  // it, and a client on a loaded machine can send its next request (a POST, which is never retried) on the
  // socket just as it goes: ECONNRESET, a check in error for nothing the supplier did.
  for (const http of [plain, secure]) if (http) http.keepAliveTimeout = 65_000;
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  plainOrigin = `http://${hostInUrl}:${port}`;
  origin = secure ? `https://${hostInUrl}:${port}` : plainOrigin;
  return {
    url: origin,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const socket of sockets) socket.destroy();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

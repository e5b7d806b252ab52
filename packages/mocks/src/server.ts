import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getResponse } from 'msw';
import type { MockSupplier } from './supplier.ts';

export interface RunningMockServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;

async function toRequest(incoming: IncomingMessage, origin: string): Promise<Request> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of incoming) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new RangeError('request body over 10 MB');
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

async function send(response: Response, outgoing: ServerResponse): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    // Several Link headers are joined by Headers; split them back so each relation stands alone.
    headers[name] = name === 'link' ? value.split(/,\s*(?=<)/) : value;
  });
  outgoing.writeHead(response.status, headers);
  if (response.body) {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) outgoing.write(chunk);
  }
  outgoing.end();
}

/**
 * Serves a mock supplier over real HTTP on 127.0.0.1 through msw's own `getResponse`, so a client on a
 * socket sees exactly what in-process msw interception would give it: one implementation, two transports.
 */
export async function startMockServer(
  supplier: MockSupplier,
  options: { port?: number; host?: string } = {},
): Promise<RunningMockServer> {
  const host = options.host ?? '127.0.0.1';
  let origin = '';
  const server: Server = createServer((incoming, outgoing) => {
    toRequest(incoming, origin)
      .then(async (request) => {
        const response =
          (await getResponse(supplier.handlers, request)) ?? new Response('no handler', { status: 500 });
        await send(response, outgoing);
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
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://${host}:${port}`;
  return {
    url: origin,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

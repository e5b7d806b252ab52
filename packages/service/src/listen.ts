import { createServer, type RequestListener } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { ConfigurationError } from './config.ts';

export interface ListenHttpOptions {
  /** 0: a free port. */
  readonly port: number;
  readonly host: string;
  /** Slow or silent clients must not hold a socket for ever: the whole request, and its headers. */
  readonly requestTimeoutMs: number;
  readonly headersTimeoutMs: number;
  /**
   * Serve https only, with this certificate and key (PEM), TLS 1.2 or newer; plain http on the port is then
   * refused (the connection is closed), never served.
   */
  readonly tls?: { readonly cert: string; readonly key: string };
}

export interface ListeningHttp {
  /** Where a client on this machine reaches it (0.0.0.0 shown as 127.0.0.1); `https:` when serving TLS. */
  readonly url: string;
  readonly port: number;
  /** Stops accepting connections and lets requests in flight finish, for at most `graceMs`. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Serves `listener` over node:http, or node:https with `tls`; a port already taken is a configuration
 * mistake, named as one.
 */
export async function listenHttp(
  listener: RequestListener,
  options: ListenHttpOptions,
): Promise<ListeningHttp> {
  const http = options.tls
    ? createHttpsServer(
        { cert: options.tls.cert, key: options.tls.key, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' },
        listener,
      )
    : createServer(listener);
  http.requestTimeout = options.requestTimeoutMs;
  http.headersTimeout = options.headersTimeoutMs;
  const sockets = new Set<Socket>();
  http.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new ConfigurationError(`port ${options.port} on ${options.host} is already in use (PORT)`)
          : error,
      ),
    );
    http.listen(options.port, options.host, () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  const host = options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
  return {
    url: `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    async close(graceMs = 10_000) {
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeIdleConnections();
      // Requests still running when the grace is over are cut, so a stop never waits on a stuck client.
      const timer = setTimeout(() => {
        for (const socket of sockets) socket.destroy();
      }, graceMs);
      await closed;
      clearTimeout(timer);
    },
  };
}

import { request as httpRequest } from 'node:http';
import { connect } from 'node:tls';
import {
  createSelfSignedCertificate,
  type MockSupplier,
  type RunningMockServer,
  startMockServer,
  type TlsCertificate,
} from '../src/index.ts';

let certificate: Promise<TlsCertificate> | undefined;

/** Serves the supplier over HTTPS (plain http on the same port) for the length of `use`. */
export async function withTlsServer<T>(
  supplier: MockSupplier,
  use: (server: RunningMockServer, cert: TlsCertificate) => Promise<T>,
): Promise<T> {
  certificate ??= createSelfSignedCertificate();
  const cert = await certificate;
  const server = await startMockServer(supplier, { tls: cert });
  try {
    return await use(server, cert);
  } finally {
    await server.close();
  }
}

/** A GET over plain http to the server's port: status and Location. */
export function plainGet(server: RunningMockServer, path: string) {
  return new Promise<{ status: number; location?: string }>((resolve, reject) => {
    const req = httpRequest(`http://127.0.0.1:${server.port}${path}`, (res) => {
      res.resume();
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          ...(res.headers.location ? { location: res.headers.location } : {}),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** The protocol a TLS handshake within the given versions settles on, or the error that ended it. */
export function handshake(
  server: RunningMockServer,
  versions: { min: 'TLSv1' | 'TLSv1.2'; max: 'TLSv1.1' | 'TLSv1.3' },
  ca?: string,
) {
  return new Promise<string>((resolve) => {
    const socket = connect({
      host: '127.0.0.1',
      port: server.port,
      minVersion: versions.min,
      maxVersion: versions.max,
      ciphers: 'DEFAULT:@SECLEVEL=0',
      ...(ca ? { ca } : { rejectUnauthorized: false }),
    });
    socket.once('secureConnect', () => {
      resolve(socket.getProtocol() ?? 'unknown');
      socket.destroy();
    });
    socket.once('error', (error: NodeJS.ErrnoException) =>
      resolve(`refused: ${error.code ?? error.message}`),
    );
  });
}

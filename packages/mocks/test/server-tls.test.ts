import { get } from 'node:https';
import { describe, expect, it } from 'vitest';
import { createMockSupplier } from '../src/index.ts';
import { handshake, plainGet, withTlsServer } from './tls-server.ts';

describe('a mock served over HTTPS', () => {
  it('answers https with HSTS, redirects plain http to https and refuses TLS before 1.2', async () => {
    const supplier = await createMockSupplier('street-reports');
    await withTlsServer(supplier, async (server, cert) => {
      expect(server.url).toBe(`https://127.0.0.1:${server.port}`);
      expect(await handshake(server, { min: 'TLSv1.2', max: 'TLSv1.3' }, cert.cert)).toBe('TLSv1.3');
      expect(await handshake(server, { min: 'TLSv1', max: 'TLSv1.1' })).toMatch(/^refused/);
      expect(await plainGet(server, '/openapi.json?x=1')).toEqual({
        status: 308,
        location: `${server.url}/openapi.json?x=1`,
      });
      const response = await new Promise<{ status: number; hsts?: string }>((resolve, reject) => {
        get(`${server.url}/openapi.json`, { ca: cert.cert }, (res) => {
          res.resume();
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, hsts: res.headers['strict-transport-security'] }),
          );
        }).on('error', reject);
      });
      expect(response).toEqual({ status: 200, hsts: 'max-age=31536000; includeSubDomains' });
    });
  });
});

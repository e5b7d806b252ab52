import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { createServer as createHttpsServer, get } from 'node:https';
import type { AddressInfo } from 'node:net';
import { connect, createServer, type Server } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { createPrivateCa, createSelfSignedCertificate, type IssuedCertificate } from '../src/index.ts';
import { createHostileCertificates } from '../src/testing.ts';

/**
 * What the package is for: a TLS server holding a certificate the CA issued is accepted by Node's TLS client
 * when the client trusts the CA, under each name the certificate was issued for, and refused otherwise.
 */
const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

async function serve(issued: IssuedCertificate): Promise<number> {
  const server = createServer(
    { key: issued.keyPem, cert: issued.certificatePem, minVersion: 'TLSv1.2' },
    (s) => s.end('hello'),
  );
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** A handshake to 127.0.0.1, checking the certificate against `ca` (the public CAs when absent) for `name`. */
function handshake(port: number, name: string, ca?: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({
      host: '127.0.0.1',
      port,
      // The name the certificate must carry: an IP is checked against its IP entries, a name against DNS ones.
      ...(name === '127.0.0.1' ? {} : { servername: name }),
      ...(ca ? { ca } : {}),
    });
    socket.once('secureConnect', () => {
      resolve(`accepted ${socket.getProtocol()}`);
      socket.destroy();
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(`refused ${error.code}`));
  });
}

describe('a private CA', () => {
  it('issues a server certificate Node accepts for 127.0.0.1 and localhost when the CA is trusted', async () => {
    const ca = createPrivateCa({ name: 'Test CA' });
    const port = await serve(ca.issueServerCertificate({ hosts: ['127.0.0.1', 'localhost'] }));
    for (const name of ['127.0.0.1', 'localhost'])
      expect(await handshake(port, name, ca.certificatePem)).toMatch(/^accepted TLSv1\.[23]$/);
  });

  it('is refused without the CA, by another CA, and for a host it was not issued for', async () => {
    const ca = createPrivateCa();
    const port = await serve(ca.issueServerCertificate({ hosts: ['127.0.0.1', 'localhost'] }));
    for (const name of ['127.0.0.1', 'localhost'])
      expect(await handshake(port, name)).toBe('refused UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    const stranger = createPrivateCa();
    expect(await handshake(port, 'localhost', stranger.certificatePem)).toBe(
      'refused UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    );
    expect(await handshake(port, 'api.example.org', ca.certificatePem)).toBe(
      'refused ERR_TLS_CERT_ALTNAME_INVALID',
    );
  });

  it('serves an https request end to end with the CA trusted', async () => {
    const ca = createPrivateCa();
    const issued = ca.issueServerCertificate({ hosts: ['localhost', '127.0.0.1'] });
    const server = createHttpsServer({ key: issued.keyPem, cert: issued.certificatePem }, (_, res) =>
      res.end('hello over https'),
    );
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const body = await new Promise<string>((resolve, reject) => {
        get({ host: '127.0.0.1', port, servername: 'localhost', ca: ca.certificatePem }, (res) => {
          res.setEncoding('utf8');
          let text = '';
          res.on('data', (chunk: string) => {
            text += chunk;
          });
          res.on('end', () => resolve(text));
        }).on('error', reject);
      });
      expect(body).toBe('hello over https');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('puts IPv4, IPv6 and DNS names in subjectAltName and marks what signed what', () => {
    const ca = createPrivateCa({ name: 'Names CA', validDays: 2 });
    const issued = ca.issueServerCertificate({ hosts: ['127.0.0.1', '::1', 'localhost', 'api.example.org'] });
    const leaf = new X509Certificate(issued.certificatePem);
    const root = new X509Certificate(ca.certificatePem);
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(leaf.checkIP('::1')).toBe('::1');
    expect(leaf.checkHost('localhost')).toBe('localhost');
    expect(leaf.checkHost('api.example.org')).toBe('api.example.org');
    expect(leaf.checkHost('example.org')).toBeUndefined();
    expect(leaf.subject).toBe('CN=127.0.0.1');
    expect(leaf.issuer).toBe('CN=Names CA');
    expect(leaf.ca).toBe(false);
    expect(root.ca).toBe(true);
    expect(leaf.checkIssued(root)).toBe(true);
    expect(leaf.verify(root.publicKey)).toBe(true);
    expect(root.verify(root.publicKey)).toBe(true);
    expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    const days = (Date.parse(root.validTo) - Date.parse(root.validFrom)) / (24 * 3600 * 1000);
    expect(days).toBeCloseTo(2, 5);
    expect(leaf.validTo).toBe(root.validTo);
  });

  it('refuses what it cannot issue, with a stable code', () => {
    const ca = createPrivateCa();
    for (const hosts of [[], ['not a host'], ['-bad.example'], ['fe80::1%eth0'], ['ex ample.org']])
      expect(() => ca.issueServerCertificate({ hosts }), JSON.stringify(hosts)).toThrow(
        expect.objectContaining({ code: 'PRIVATE_CA_INVALID_HOST' }),
      );
    expect(() =>
      ca.issueServerCertificate({ hosts: ['localhost'], validFrom: new Date(2), validTo: new Date(1) }),
    ).toThrow(expect.objectContaining({ code: 'PRIVATE_CA_INVALID_VALIDITY' }));
    for (const validDays of [0, -1, Number.NaN])
      expect(() => createPrivateCa({ validDays })).toThrow(
        expect.objectContaining({ code: 'PRIVATE_CA_INVALID_VALIDITY' }),
      );
  });

  it('writes dates from 2050 on as GeneralizedTime, which Node reads back', () => {
    const ca = createPrivateCa({ validDays: 36_500 });
    const issued = ca.issueServerCertificate({
      hosts: ['localhost'],
      validFrom: new Date('2049-12-31T23:59:59Z'),
      validTo: new Date('2051-06-01T00:00:00Z'),
    });
    const leaf = new X509Certificate(issued.certificatePem);
    expect(new Date(leaf.validFrom).toISOString()).toBe('2049-12-31T23:59:59.000Z');
    expect(new Date(leaf.validTo).toISOString()).toBe('2051-06-01T00:00:00.000Z');
  });
});

describe('a self-signed certificate', () => {
  it('is accepted when trusted as its own CA and refused otherwise', async () => {
    const issued = createSelfSignedCertificate({ hosts: ['127.0.0.1', 'localhost'] });
    const port = await serve(issued);
    for (const name of ['127.0.0.1', 'localhost']) {
      expect(await handshake(port, name, issued.certificatePem)).toMatch(/^accepted/);
      expect(await handshake(port, name)).toBe('refused DEPTH_ZERO_SELF_SIGNED_CERT');
    }
  });
});

describe('the hostile certificates', () => {
  it('are each refused for their own reason by a client that trusts the CA', async () => {
    const certificates = createHostileCertificates();
    const ca = certificates.ca.certificatePem;
    expect(await handshake(await serve(certificates.valid), '127.0.0.1', ca)).toMatch(/^accepted/);
    expect(await handshake(await serve(certificates.expired), '127.0.0.1', ca)).toBe(
      'refused CERT_HAS_EXPIRED',
    );
    expect(await handshake(await serve(certificates.wrongHost), '127.0.0.1', ca)).toBe(
      'refused ERR_TLS_CERT_ALTNAME_INVALID',
    );
    expect(await handshake(await serve(certificates.selfSigned), '127.0.0.1', ca)).toBe(
      'refused DEPTH_ZERO_SELF_SIGNED_CERT',
    );
  });
});

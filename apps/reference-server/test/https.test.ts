import { request as httpRequest } from 'node:http';
import { get } from 'node:https';
import { connect } from 'node:tls';
import { createPrivateCa, type PrivateCa } from '@council-conform/private-ca';
import { createMemoryRecordStore, openRecordStore, type RecordStore } from '@council-conform/storage';
import { BUDGET } from '@council-conform/test-budgets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError } from '../src/config.ts';
import type { RunningReferenceServer } from '../src/server.ts';
import { badMustChecks, runAgainstReference, startTestServer, testConfig } from './support.ts';

/**
 * The reference server over https, as `conform run --image` starts it: a certificate from a private CA in
 * CONFORM_TLS_CERT and CONFORM_TLS_KEY. It serves https only (plain http on the port is refused), TLS 1.2
 * or newer, with Strict-Transport-Security on every answer, so the three TLS checks can be judged, and pass.
 */
const TLS_CHECKS = ['secure-tls-enforced', 'secure-tls-version', 'secure-hsts'];

function tlsEnv(ca: PrivateCa, hosts = ['127.0.0.1', 'localhost']) {
  const issued = ca.issueServerCertificate({ hosts });
  return { CONFORM_TLS_CERT: issued.certificatePem, CONFORM_TLS_KEY: issued.keyPem };
}

interface Answer {
  readonly status: number;
  readonly hsts?: string | undefined;
  readonly body: string;
}

function httpsGet(url: string, ca?: string, servername?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    get(url, { ...(ca ? { ca } : {}), ...(servername ? { servername } : {}) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, hsts: res.headers['strict-transport-security'], body }),
      );
    }).on('error', reject);
  });
}

/** What plain http to the port gets: an answer's status, or the error that ended the connection. */
function plainHttp(port: number, path: string): Promise<string> {
  return new Promise((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, timeout: 5_000 }, (res) => {
      res.resume();
      resolve(`answered ${res.statusCode}`);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (error: NodeJS.ErrnoException) => resolve(`refused (${error.code ?? error.message})`));
    req.end();
  });
}

function legacyHandshake(port: number, ca: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({
      host: '127.0.0.1',
      port,
      ca,
      minVersion: 'TLSv1',
      maxVersion: 'TLSv1.1',
      ciphers: 'DEFAULT:@SECLEVEL=0',
    });
    socket.once('secureConnect', () => {
      resolve(`accepted ${socket.getProtocol()}`);
      socket.destroy();
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(`refused (${error.code})`));
  });
}

describe('CONFORM_TLS_CERT and CONFORM_TLS_KEY', () => {
  const ca = createPrivateCa();

  it('are read together and checked at start, the key never quoted', () => {
    const env = tlsEnv(ca);
    expect(testConfig(env).tls).toEqual({ cert: env.CONFORM_TLS_CERT, key: env.CONFORM_TLS_KEY });
    expect(testConfig().tls).toBeUndefined();
    expect(() => testConfig({ CONFORM_TLS_CERT: env.CONFORM_TLS_CERT })).toThrow(
      new ConfigurationError(
        'CONFORM_TLS_CERT and CONFORM_TLS_KEY go together (the certificate and its key, PEM): CONFORM_TLS_KEY is missing',
      ),
    );
    expect(() => testConfig({ ...env, CONFORM_TLS_CERT: 'not a certificate' })).toThrow(
      /CONFORM_TLS_CERT must be the PEM text of a certificate/,
    );
    expect(() => testConfig({ ...env, CONFORM_TLS_KEY: 'not a key' })).toThrow(
      /CONFORM_TLS_KEY must be the PEM text of an unencrypted private key/,
    );
    const other = tlsEnv(ca);
    let mismatch: unknown;
    try {
      testConfig({ ...env, CONFORM_TLS_KEY: other.CONFORM_TLS_KEY });
    } catch (error) {
      mismatch = error;
    }
    expect(mismatch).toEqual(
      new ConfigurationError('CONFORM_TLS_KEY is not the private key of the certificate in CONFORM_TLS_CERT'),
    );
    expect(String(mismatch)).not.toContain('PRIVATE KEY');
  });
});

describe('the reference server on https', { timeout: BUDGET.unit }, () => {
  const ca = createPrivateCa({ name: 'Reference server test CA' });
  let store: RecordStore;
  let server: RunningReferenceServer;
  beforeAll(async () => {
    store = createMemoryRecordStore();
    server = await startTestServer(store, tlsEnv(ca));
  }, BUDGET.setUp);
  afterAll(async () => {
    await server?.close();
    await store?.close();
  });

  it('answers health, the index, a spec and an unknown path over https, each with HSTS', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const health = await httpsGet(`${server.url}/healthz`, ca.certificatePem);
    expect(health.status).toBe(200);
    expect(health.hsts).toBe('max-age=31536000');
    const index = await httpsGet(`${server.url}/`, ca.certificatePem);
    expect(JSON.parse(index.body).specs[0].baseUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\//);
    for (const path of ['/', '/street-reports/openapi.json', '/street-reports/services', '/no-such-spec']) {
      const answer = await httpsGet(`${server.url}${path}`, ca.certificatePem);
      expect(`${path}: ${answer.hsts}`).toMatch(new RegExp(`^${path}: max-age=31536000`));
    }
    // Its certificate names localhost too: 127.0.0.1 asked for by that name (SNI and the name checked).
    const byName = await httpsGet(`${server.url}/healthz`, ca.certificatePem, 'localhost');
    expect(byName.status).toBe(200);
  });

  it('refuses plain http on its port, TLS before 1.2, and clients that do not trust its CA', async () => {
    for (const path of ['/', '/healthz', '/street-reports/services'])
      expect(await plainHttp(server.port, path)).toMatch(/^refused/);
    expect(await legacyHandshake(server.port, ca.certificatePem)).toMatch(/^refused/);
    await expect(httpsGet(`${server.url}/healthz`)).rejects.toThrow(/unable to verify|self.signed/i);
  });
});

describe('a run against the reference server on https', { timeout: BUDGET.realRun }, () => {
  const ca = createPrivateCa();
  let stores: RecordStore[] = [];
  let server: RunningReferenceServer;
  let roundTrip: RunningReferenceServer;
  beforeAll(async () => {
    stores = [await openRecordStore(), await openRecordStore()];
    server = await startTestServer(stores[0] as RecordStore, tlsEnv(ca));
    // The round-trip target stays on plain http: the run's CA is not (yet) given to the round-trip client.
    roundTrip = await startTestServer(stores[1] as RecordStore, { CONFORM_SEED: 'none' });
  }, BUDGET.database);
  afterAll(async () => {
    await server?.close();
    await roundTrip?.close();
    for (const store of stores) await store.close();
  });

  it('judges TLS and passes all three TLS checks, and every other must check', async () => {
    const report = await runAgainstReference('street-reports', server, roundTrip, ca.certificatePem);
    expect(report.target.url).toMatch(/^https:/);
    const tls = report.checks.filter((c) => TLS_CHECKS.includes(c.id)).map((c) => `${c.id}: ${c.status}`);
    expect(tls).toEqual(TLS_CHECKS.map((id) => `${id}: pass`));
    expect(badMustChecks(report)).toEqual([]);
    expect(report.checks.find((c) => c.id === 'easy-exit-round-trip')?.status).toBe('pass');
  });
});

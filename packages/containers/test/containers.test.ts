import { execFile } from 'node:child_process';
import { get } from 'node:https';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createPrivateCa } from '@council-conform/private-ca';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildScratchNodeImage,
  containerEngine,
  type SupplierContainer,
  SupplierContainerError,
  sharedLibrariesOf,
  startSupplierContainer,
} from '../src/index.ts';

const engine = await containerEngine();
// With CI=true a missing engine fails the run (scripts/system-setup.sh must have started it); elsewhere the
// reason is shown and the engine tests are skipped.
if (!engine.available && process.env.CI === 'true') throw new Error(`CI=true: ${engine.reason}`);
if (!engine.available) console.warn(`container tests skipped: ${engine.reason}`);

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);

it('lists the shared libraries the Node binary loads', async () => {
  const libraries = await sharedLibrariesOf(process.execPath);
  expect(libraries.some((path) => /\/libc\.so\.6$/.test(path))).toBe(true);
  expect(libraries.some((path) => /ld-linux/.test(path))).toBe(true);
});

describe.skipIf(!engine.available)('a FROM scratch image under testcontainers', () => {
  const tag = `council-conform/containers-test:${process.pid}`;
  const broken = `council-conform/containers-test-broken:${process.pid}`;
  let container: SupplierContainer | undefined;

  beforeAll(async () => {
    await buildScratchNodeImage({ tag, appDir: fixture('tiny-app'), entry: 'server.mjs' });
    await buildScratchNodeImage({ tag: broken, appDir: fixture('broken-app'), entry: 'server.mjs' });
  });

  afterAll(async () => {
    await container?.stop();
    // The test images are throwaway: leave the engine as it was found.
    await promisify(execFile)('docker', ['rmi', '-f', tag, broken]).catch(() => undefined);
  });

  it('starts the image on a free port with its environment, waits for health and keeps its output', async () => {
    container = await startSupplierContainer({ image: tag, env: { GREETING: 'hello council' } });
    const answer = (await (await fetch(`${container.url}/`)).json()) as { greeting: string; node: string };
    expect(answer.greeting).toBe('hello council');
    expect(answer.node).toBe(process.version);
    expect(container.protocol).toBe('http');
    await expect.poll(() => container!.logs()).toContain(`tiny app listening on ${container.port}`);
  });

  it('stops and removes the container, and a second stop is harmless', async () => {
    const { url } = container!;
    await container!.stop();
    await container!.stop();
    await expect(fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) })).rejects.toThrow();
    const { getContainerRuntimeClient } = await import('testcontainers');
    const client = await getContainerRuntimeClient();
    const left = await client.container.list();
    expect(left.map((c) => c.Id)).not.toContain(container!.containerId);
  });

  describe('given a certificate from a private CA', () => {
    const ca = createPrivateCa({ name: 'Containers test CA' });
    const issued = ca.issueServerCertificate({ hosts: ['127.0.0.1', 'localhost'] });
    const tlsEnv = { CONFORM_TLS_CERT: issued.certificatePem, CONFORM_TLS_KEY: issued.keyPem };

    it('health-checks a product that serves it over https, trusting that CA', async () => {
      const served = await startSupplierContainer({
        image: tag,
        env: { ...tlsEnv, GREETING: 'hello over https' },
        tls: { ca: ca.certificatePem },
      });
      try {
        expect(served.protocol).toBe('https');
        expect(served.url).toBe(`https://127.0.0.1:${served.port}`);
        const body = await new Promise<string>((resolve, reject) => {
          get(`${served.url}/`, { ca: ca.certificatePem }, (response) => {
            let text = '';
            response.setEncoding('utf8');
            response.on('data', (chunk: string) => {
              text += chunk;
            });
            response.on('end', () => resolve(text));
          }).on('error', reject);
        });
        expect(JSON.parse(body).greeting).toBe('hello over https');
        expect(served.logs()).toContain('(https)');
      } finally {
        await served.stop();
      }
    });

    it('falls back to plain http for a product that ignores the certificate', async () => {
      const served = await startSupplierContainer({ image: tag, tls: { ca: ca.certificatePem } });
      try {
        expect(served.protocol).toBe('http');
        expect(served.url).toBe(`http://127.0.0.1:${served.port}`);
        expect((await fetch(`${served.url}/healthz`)).status).toBe(200);
      } finally {
        await served.stop();
      }
    });

    it('never calls healthy a product serving a certificate the CA did not sign, and says so', async () => {
      const stranger = createPrivateCa().issueServerCertificate({ hosts: ['127.0.0.1'] });
      const error = await startSupplierContainer({
        image: tag,
        env: { CONFORM_TLS_CERT: stranger.certificatePem, CONFORM_TLS_KEY: stranger.keyPem },
        tls: { ca: ca.certificatePem },
        startupTimeoutMs: 5_000,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SupplierContainerError);
      expect((error as SupplierContainerError).code).toBe('CONTAINER_UNHEALTHY');
      expect((error as SupplierContainerError).message).toMatch(
        /UNABLE_TO_VERIFY_LEAF_SIGNATURE\): the product serves a certificate other than the one it was given/,
      );
    });
  });

  it('reports a product that dies at start with its output, and removes it', async () => {
    const attempt = startSupplierContainer({ image: broken, startupTimeoutMs: 30_000 });
    const error = await attempt.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SupplierContainerError);
    expect((error as SupplierContainerError).code).toBe('CONTAINER_UNHEALTHY');
    expect((error as SupplierContainerError).logs).toContain('cannot connect to database at startup');
    expect((error as SupplierContainerError).message).toMatch(/exited with code 3/);
  });
});

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildScratchNodeImage, containerEngine } from '@council-conform/containers';
import {
  buildReferenceServerImage,
  listenReferenceServer,
  type RunningReferenceServer,
  readConfig,
} from '@council-conform/reference-server';
import { loadSpec } from '@council-conform/specs';
import { createMemoryRecordStore } from '@council-conform/storage';
import { BUDGET } from '@council-conform/test-budgets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/index.ts';
import { capture } from './support.ts';

const engine = await containerEngine();
// With CI=true a missing engine fails the run (scripts/system-setup.sh must have started it).
if (!engine.available && process.env.CI === 'true') throw new Error(`CI=true: ${engine.reason}`);
if (!engine.available) console.warn(`image certification skipped: ${engine.reason}`);

const PROFILE = 'housing-repairs';
const TLS_CHECKS = ['secure-tls-enforced', 'secure-tls-version', 'secure-hsts'];
const ROUND_TRIP = { clientId: 'round-trip-a', clientSecret: 'round-trip-secret-a-24chars' };

describe.skipIf(!engine.available)(
  'conform run --image certifies the reference server’s image',
  { timeout: BUDGET.container },
  () => {
    const tag = `council-conform/reference-server:test-${process.pid}`;
    const plain = `council-conform/plain-http-app:test-${process.pid}`;
    let dir: string;
    let roundTrip: RunningReferenceServer;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'conform-image-run-'));
      await buildReferenceServerImage(tag);
      await buildScratchNodeImage({
        tag: plain,
        appDir: join(import.meta.dirname, 'fixtures', 'plain-http-app'),
        entry: 'server.mjs',
      });
      // The easy-exit round trip carries the container's export into an empty reference server in this process.
      roundTrip = await listenReferenceServer(
        readConfig({
          PORT: '0',
          CONFORM_SEED: 'none',
          CONFORM_RATE_LIMIT: '1000',
          CONFORM_TENANT_A_CLIENT_ID: ROUND_TRIP.clientId,
          CONFORM_TENANT_A_CLIENT_SECRET: ROUND_TRIP.clientSecret,
          CONFORM_TENANT_B_CLIENT_ID: 'round-trip-b',
          CONFORM_TENANT_B_CLIENT_SECRET: 'round-trip-secret-b-24chars',
        }),
        createMemoryRecordStore(),
      );
    }, BUDGET.container);

    afterAll(async () => {
      await roundTrip?.close();
      await promisify(execFile)('docker', ['rmi', '-f', tag, plain]).catch(() => undefined);
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('starts it over https, passes every must check (TLS too) with the round trip, keeps its logs and removes it', async () => {
      const { profile } = await loadSpec(PROFILE);
      const io = capture();
      const report = join(dir, 'report.json');
      const code = await runCli(
        [
          'run',
          '--profile',
          PROFILE,
          '--image',
          tag,
          '--base-path',
          '/{profile}',
          '--round-trip',
          `${roundTrip.url}/${PROFILE}`,
          '--round-trip-client-id',
          ROUND_TRIP.clientId,
          '--round-trip-client-secret',
          ROUND_TRIP.clientSecret,
          '--report',
          join(dir, 'report.json'),
          ...profile.operations.optional.flatMap((feature) => ['--feature', feature]),
        ],
        io,
      );
      expect(io.stderr()).not.toMatch(/^conform run: error/m);
      const written = JSON.parse(
        await readFile(report, 'utf8').catch(() => {
          throw new Error(`no report; the CLI said:\n${io.stderr()}`);
        }),
      ) as {
        target: { url: string; container?: { image: string; logs: string } };
        checks: { id: string; severity: string; status: string; message: string }[];
        certifiable: boolean;
        certifiableReasons: string[];
      };
      const bad = written.checks
        .filter((c) => c.severity === 'must' && (c.status === 'fail' || c.status === 'error'))
        .map((c) => `${c.id}: ${c.status}: ${c.message}`);
      expect(bad).toEqual([]);
      expect(code, io.stderr()).toBe(0);
      // The container served https with the run's certificate, so TLS was judged, not passed over.
      expect(written.target.url).toMatch(new RegExp(`^https://127\\.0\\.0\\.1:\\d+/${PROFILE}$`));
      const tls = written.checks.filter((c) => TLS_CHECKS.includes(c.id)).map((c) => `${c.id}: ${c.status}`);
      expect(tls).toEqual(TLS_CHECKS.map((id) => `${id}: pass`));
      expect(written.certifiable, written.certifiableReasons.join('; ')).toBe(true);
      expect(io.stderr()).not.toMatch(/serves plain http/);
      // Neither the CA's key nor the server's key the container was given is anywhere in the report.
      expect(JSON.stringify(written)).not.toMatch(/PRIVATE KEY/);
      expect(written.checks.find((c) => c.id === 'easy-exit-round-trip')?.status).toBe('pass');
      expect(written.target.container?.image).toBe(tag);
      expect(written.target.container?.logs).toMatch(/reference server listening on/);
      // The made-up tenant secrets never reach the report, though the container was given them.
      expect(written.target.container?.logs).not.toMatch(/CONFORM_TENANT_A_CLIENT_SECRET=\S{8}/);
      expect(io.stderr()).toMatch(/stopped and removed/);
      const { stdout } = await promisify(execFile)('docker', [
        'ps',
        '-a',
        '--filter',
        `ancestor=${tag}`,
        '-q',
      ]);
      expect(stdout.trim()).toBe('');
    });

    it('still runs an image that ignores the certificate and serves plain http, and says what that costs', async () => {
      const io = capture();
      const code = await runCli(['run', '--profile', 'street-reports', '--image', plain, '--dry-run'], io);
      expect(io.stderr()).toContain(
        `${plain} ignored CONFORM_TLS_CERT and CONFORM_TLS_KEY and serves plain http, so secure-tls-enforced, secure-tls-version and secure-hsts cannot be judged and the run cannot be certified`,
      );
      expect(io.stderr()).toMatch(/is healthy at http:\/\/127\.0\.0\.1:\d+/);
      // No API behind it: pre-flight stops the run, and the container is removed all the same.
      expect(code).toBe(2);
      expect(io.stderr()).toMatch(/stopped and removed/);
    });
  },
);

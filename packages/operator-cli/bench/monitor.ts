/**
 * `pnpm bench` (through turbo) or `pnpm --filter @council-conform/operator-cli bench`: continuous conformance at scale.
 * Measures (1) the run queue's own cost per job, with nothing to run: pg-boss alone, and pg-boss with the
 * worker's registry bookkeeping; and (2) whole scheduled runs per minute with 1, 2 and 4 `conform worker`
 * processes against local mock suppliers, each run signed and published to a dashboard. Writes
 * bench/results/monitor.json and the monitor section of docs/performance.md at the repository root.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { machineFacts, measuredOn, publishBenchmark } from '@council-conform/bench-report';
import { generateKeyPair } from '@council-conform/certificates';
import { listenDashboard, openResultsStore } from '@council-conform/dashboard';
import { createMockSupplier, startMockServer } from '@council-conform/mocks';
import {
  MonitorRegistry,
  type MonitorTarget,
  RUN_QUEUE,
  RunQueue,
  startMonitorWorker,
} from '@council-conform/monitor';
import { openPostgres } from '@council-conform/storage';
import { createTestDatabase, testPostgresAvailability } from '@council-conform/storage/testing';

const repoRoot = resolve(import.meta.dirname, '..', '..', '..');
const bin = join(repoRoot, 'packages', 'operator-cli', 'src', 'bin.ts');
const OVERHEAD_JOBS = Number(process.env.BENCH_QUEUE_JOBS ?? 500);
const SWEEP_TARGETS = Number(process.env.BENCH_SWEEP_TARGETS ?? 24);
const WORKER_COUNTS = [1, 2, 4];

if (!(await testPostgresAvailability()).available) {
  process.stdout.write('PostgreSQL is not running: starting it with scripts/system-setup.sh\n');
  const setup = spawnSync('bash', [join(repoRoot, 'scripts', 'system-setup.sh')], { stdio: 'inherit' });
  if (setup.status !== 0 || !(await testPostgresAvailability()).available)
    throw new Error('the monitor benchmark needs PostgreSQL; scripts/system-setup.sh could not start it');
}

const work = mkdtempSync(join(tmpdir(), 'conform-monitor-bench-'));
const database = await createTestDatabase();
const sql = await openPostgres(database.url);
const registry = await MonitorRegistry.open(sql);
const queue = await RunQueue.open({ databaseUrl: database.url, supervise: true });

async function until(what: string, done: () => Promise<boolean>, ms = 600_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > end) throw new Error(`benchmark: timed out waiting for ${what}`);
    await sleep(50);
  }
}

// (1) The queue's own overhead: send N jobs, then time how long workers take to drain them doing nothing.
process.stdout.write(`queue overhead: ${OVERHEAD_JOBS} jobs\n`);
await queue.boss.createQueue('bench-noop');
const noopIds: string[] = [];
let sendMs = performance.now();
for (let i = 0; i < OVERHEAD_JOBS; i++) noopIds.push((await queue.boss.send('bench-noop', { i })) as string);
sendMs = performance.now() - sendMs;
let done = 0;
let drainMs = performance.now();
// In batches, bursting while batches come back full: the database's cost per job, not the polling interval.
const noopWorker = await queue.boss.work(
  'bench-noop',
  { batchSize: 20, burstWhenBatchFull: true, pollingIntervalSeconds: 0.5 },
  async (jobs) => {
    done += jobs.length;
  },
);
await until('the no-op jobs', async () => done >= OVERHEAD_JOBS);
drainMs = performance.now() - drainMs;
await queue.boss.offWork('bench-noop', { id: noopWorker, wait: true });

// The same, through the monitor's worker: the attempt and run records it keeps around every job.
const noopTarget = await registry.addTarget({
  id: 'bench-noop',
  supplier: 'Bench',
  product: 'No-op',
  profile: 'street-reports',
  baseUrl: 'http://127.0.0.1:9/',
  schedule: '0 2 * * *',
});
let published = 0;
const bookkeeping = await startMonitorWorker({
  queue,
  registry,
  concurrency: 4,
  pollingIntervalSeconds: 0.5,
  executor: {
    run: async (_t, { jobId }) => ({ signedReport: jobId, level: 'gold', mustFailures: 0, summary: 'no-op' }),
    publish: async (_t, text) => {
      published += 1;
      return { reportId: text, reportUrl: text, productUrl: null, regressions: [] };
    },
  },
});
// One target is one supplier: a singleton key would serialise them, so each job gets its own key here.
const monitorJobs = Math.min(OVERHEAD_JOBS, 200);
let monitorMs = performance.now();
for (let i = 0; i < monitorJobs; i++)
  await queue.boss.send(
    RUN_QUEUE,
    { targetId: noopTarget.id, reason: 'manual' },
    { singletonKey: `noop-${i}` },
  );
await until('the monitor no-op jobs', async () => published >= monitorJobs);
monitorMs = performance.now() - monitorMs;
await bookkeeping.stop();
await registry.removeTarget(noopTarget.id);

// (2) Whole runs: mock suppliers, a dashboard, and N worker processes.
const certifier = generateKeyPair();
const keyPath = join(work, 'certifier.key');
writeFileSync(keyPath, certifier.privateKeyPem, { mode: 0o600 });
const store = await openResultsStore();
const uploadToken = 'bench-certifier-token-0123456789abcdef0123';
const dashboard = await listenDashboard({
  store,
  trustedKeys: [{ publicKeyPem: certifier.publicKeyPem, role: 'certifier', name: 'Bench certifier' }],
  seedPrincipals: [{ kind: 'certifier', name: 'Bench certifier', token: uploadToken }],
  rateLimit: { limit: 100_000, windowMs: 60_000 },
  port: 0,
});
const env: Record<string, string> = {
  DATABASE_URL: database.url,
  CONFORM_DASHBOARD_URL: dashboard.url,
  CONFORM_UPLOAD_TOKEN: uploadToken,
  CONFORM_SIGNING_KEY_FILE: keyPath,
};
const mocks: { close(): Promise<void> }[] = [];
const targets: MonitorTarget[] = [];
for (let i = 0; i < SWEEP_TARGETS; i++) {
  const supplier = await createMockSupplier('street-reports', {
    rateLimit: { limit: 100_000, windowMs: 1000 },
  });
  const served = await startMockServer(supplier);
  mocks.push(served);
  const tenant = supplier.tenants[0] as { clientId: string; clientSecret: string };
  env[`BENCH_${i}_ID`] = tenant.clientId;
  env[`BENCH_${i}_SECRET`] = tenant.clientSecret;
  targets.push(
    await registry.addTarget({
      id: `bench-${i}`,
      supplier: `Bench Supplier ${i}`,
      product: `Bench Streets ${i}`,
      profile: 'street-reports',
      baseUrl: served.url,
      schedule: '0 2 * * *',
      requestsPerSecond: 1000,
      features: supplier.features,
      credentials: { from: 'env', clientId: `BENCH_${i}_ID`, clientSecret: `BENCH_${i}_SECRET` },
    }),
  );
}

async function sweep(
  workers: number,
): Promise<{ workers: number; runs: number; ms: number; runsPerMinute: number }> {
  const children: ChildProcess[] = [];
  let ready = 0;
  for (let w = 0; w < workers; w++) {
    const child = spawn(process.execPath, ['--import', 'tsx', bin, 'worker', '--concurrency', '1'], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('takes runs from')) ready += 1;
    });
    children.push(child);
  }
  await until(`${workers} workers ready`, async () => ready >= workers, 120_000);
  const before = (await registry.runs({ limit: 100_000 })).filter((r) => r.publishedAt).length;
  const started = performance.now();
  for (const target of targets) await queue.enqueue(target);
  await until(`${targets.length} runs with ${workers} workers`, async () => {
    const now = (await registry.runs({ limit: 100_000 })).filter((r) => r.publishedAt).length;
    return now - before >= targets.length;
  });
  const ms = performance.now() - started;
  const exits = children.map((c) => new Promise((r) => c.once('exit', r)));
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(exits);
  const result = { workers, runs: targets.length, ms, runsPerMinute: (targets.length / ms) * 60_000 };
  process.stdout.write(
    `${workers} worker(s): ${targets.length} runs in ${(ms / 1000).toFixed(1)} s, ${result.runsPerMinute.toFixed(1)} runs/min\n`,
  );
  return result;
}

const sweeps = [];
for (const workers of WORKER_COUNTS) sweeps.push(await sweep(workers));

await dashboard.close();
await store.close();
for (const mock of mocks) await mock.close();
await queue.close();
await registry.close();
await database.drop();
rmSync(work, { recursive: true, force: true });

const report = {
  generatedAt: new Date().toISOString(),
  machine: machineFacts(),
  queueOverhead: {
    jobs: OVERHEAD_JOBS,
    sendMsPerJob: sendMs / OVERHEAD_JOBS,
    fetchAndCompleteMsPerJob: drainMs / OVERHEAD_JOBS,
    monitorJobs,
    monitorWorkerMsPerJob: monitorMs / monitorJobs,
  },
  sweeps,
};

const ms = (value: number) => `${value.toFixed(1)} ms`;
const best = Math.max(...sweeps.map((s) => s.runsPerMinute));
const scaling = (sweeps.at(-1)?.runsPerMinute ?? 0) / (sweeps[0]?.runsPerMinute ?? 1);
const londonTargets = 33 * 10;
const section = [
  '## Continuous conformance (`conform worker`)',
  '',
  `${measuredOn(report.machine, report.generatedAt)}, PostgreSQL on the same machine. Raw numbers: \`bench/results/monitor.json\`.`,
  '',
  `The queue's own cost per job (pg-boss, ${OVERHEAD_JOBS} jobs that do nothing):`,
  '',
  '| Step | Per job |',
  '| --- | ---: |',
  `| send (one INSERT through pg-boss) | ${ms(report.queueOverhead.sendMsPerJob)} |`,
  `| fetch and complete, in batches of 20 | ${ms(report.queueOverhead.fetchAndCompleteMsPerJob)} |`,
  `| one by one through \`conform worker\`'s loop and bookkeeping (attempt, kept report, publication), 4 at once, each slot polling every 0.5 s; ${monitorJobs} jobs | ${ms(report.queueOverhead.monitorWorkerMsPerJob)} |`,
  '',
  'The last row is mostly the polling interval: a worker asks for its next run at most every half second',
  '(two seconds by default), which is nothing beside a run of seconds to minutes.',
  '',
  `Whole scheduled runs: ${SWEEP_TARGETS} targets, each a mock street-reports supplier on 127.0.0.1 judged in readonly mode by every check of the catalogue at up to 1000 requests a second, the report signed and published to a dashboard in the benchmark's process. Each worker process takes one run at a time (\`--concurrency 1\`).`,
  '',
  '| Workers | Runs | Wall time | Runs per minute |',
  '| ---: | ---: | ---: | ---: |',
  ...sweeps.map(
    (s) => `| ${s.workers} | ${s.runs} | ${(s.ms / 1000).toFixed(1)} s | ${s.runsPerMinute.toFixed(1)} |`,
  ),
  '',
  `Reading it for a nightly London-wide sweep: going from 1 to ${sweeps.at(-1)?.workers} workers multiplied the rate by ${scaling.toFixed(1)} on ${report.machine.cores} cores.`,
  'Even against mocks a run spends part of its time waiting (on the supplier, the dashboard, PostgreSQL), so',
  'workers beyond the core count still help until the CPU is busy (the checks, JSON Schema validation and',
  'signing are the CPU work). The queue costs milliseconds a job, nothing beside a run. At the best rate measured here',
  `(${best.toFixed(1)} runs a minute), ${londonTargets} products (33 boroughs, about ten systems each) take about ${Math.ceil(londonTargets / best)} minutes.`,
  "Real suppliers are slower than mocks, and the runner keeps to each target's `--rps` (5 by default), so",
  'a real run waits on the network far more than it computes: a run of N requests takes at least N/5',
  'seconds, and workers (and `--concurrency`) scale almost linearly until the CPU is busy. Size the sweep',
  'as (products × requests per run ÷ rps) ÷ runs at once.',
].join('\n');
const written = publishBenchmark({
  repoRoot,
  name: 'monitor',
  marker: 'monitor-bench',
  source: 'packages/operator-cli/bench/monitor.ts',
  report,
  section,
});
process.stdout.write(
  `\nwrote ${relative(repoRoot, written.resultsPath)} and ${relative(repoRoot, written.performancePath)}\n`,
);
process.exit(0);

import { createServer, type IncomingMessage, type Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { openPostgres } from '@council-conform/storage';
import { createTestDatabase, postgresForTests, type TestDatabase } from '@council-conform/storage/testing';
import { BUDGET } from '@council-conform/test-budgets';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  MonitorRegistry,
  type MonitorTarget,
  type MonitorTargetInput,
  type MonitorWorker,
  type Publication,
  type RegressionNotification,
  type RunExecutor,
  RunQueue,
  startMonitorWorker,
  webhookSignature,
} from '../src/index.ts';

// With CI=true a missing PostgreSQL fails the run instead of skipping.
const postgres = await postgresForTests('monitor queue tests');

let database: TestDatabase;
let registry: MonitorRegistry;
let queue: RunQueue;
const workers: MonitorWorker[] = [];

const target = (id: string, extra: Partial<MonitorTargetInput> = {}): MonitorTargetInput => ({
  id,
  supplier: `${id} Ltd`,
  product: `${id} product`,
  profile: 'street-reports',
  baseUrl: `http://127.0.0.1:9/${id}`,
  schedule: '0 2 * * *',
  runBudgetSeconds: 60,
  ...extra,
});

/** Waits for a condition the workers bring about, failing with what it last saw. */
async function until<T>(
  what: string,
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  ms = BUDGET.unit,
) {
  const end = Date.now() + ms;
  let last: T = await probe();
  while (!done(last)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last saw ${JSON.stringify(last)}`);
    await sleep(100);
    last = await probe();
  }
  return last;
}

/** An executor that only pretends to run: it records what it was asked and when, per target. */
function recordingExecutor(behaviour: {
  runMs?: number;
  failRun?: (targetId: string, attempt: number) => string | undefined;
  failPublish?: (targetId: string, calls: number) => boolean;
  regressions?: (targetId: string) => Publication['regressions'];
}) {
  const active = new Map<string, number>();
  const runs: { targetId: string; jobId: string; attempt: number }[] = [];
  const publishes: { targetId: string; text: string }[] = [];
  let overlap = 0;
  const executor: RunExecutor = {
    async run(t, { jobId, attempt }) {
      runs.push({ targetId: t.id, jobId, attempt });
      const now = (active.get(t.id) ?? 0) + 1;
      active.set(t.id, now);
      if (now > 1) overlap += 1;
      try {
        await sleep(behaviour.runMs ?? 50);
        const failure = behaviour.failRun?.(t.id, attempt);
        if (failure) throw new Error(failure);
        return {
          signedReport: `{"job":"${jobId}"}`,
          level: 'gold',
          mustFailures: 0,
          summary: `level gold for ${t.id}`,
        };
      } finally {
        active.set(t.id, (active.get(t.id) ?? 1) - 1);
      }
    },
    async publish(t, text) {
      publishes.push({ targetId: t.id, text });
      if (behaviour.failPublish?.(t.id, publishes.filter((p) => p.targetId === t.id).length))
        throw new Error('the dashboard did not answer');
      return {
        reportId: `report-of-${text}`,
        reportUrl: `http://dashboard.test/products/${t.id}?report=x`,
        productUrl: `http://dashboard.test/products/${t.id}`,
        regressions: behaviour.regressions?.(t.id) ?? [],
      };
    },
  };
  return { executor, runs, publishes, overlap: () => overlap };
}

beforeAll(async () => {
  if (!postgres.available) return;
  database = await createTestDatabase();
  registry = await MonitorRegistry.open(await openPostgres(database.url));
  queue = await RunQueue.open({
    databaseUrl: database.url,
    supervise: true,
    superviseIntervalSeconds: 1,
    policy: { retryLimit: 2, retryDelaySeconds: 1, retryDelayMaxSeconds: 2, heartbeatSeconds: 10 },
  });
}, BUDGET.database);
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop(10_000)));
});
afterAll(async () => {
  await queue?.close();
  await registry?.close();
  await database?.drop();
}, BUDGET.database);

describe.skipIf(!postgres.available)('the run queue and its workers', { timeout: BUDGET.realRun }, () => {
  it('runs every queued run exactly once, never two at once against one target, across workers', async () => {
    const targets: MonitorTarget[] = [];
    for (const id of ['alpha', 'bravo', 'charlie']) targets.push(await registry.addTarget(target(id)));
    const fake = recordingExecutor({ runMs: 150 });
    // Two workers of two slots each on one queue: four runs at once at most, one per target.
    for (const name of ['w1', 'w2'])
      workers.push(
        await startMonitorWorker({
          queue,
          registry,
          executor: fake.executor,
          concurrency: 2,
          name,
          pollingIntervalSeconds: 0.5,
        }),
      );
    const jobs: string[] = [];
    for (let round = 0; round < 4; round++) for (const t of targets) jobs.push(await queue.enqueue(t));
    // While runs are under way they are the open attempts; none stays open once all are done.
    const running = await until(
      'a run under way',
      () => registry.openAttempts(),
      (open) => open.length > 0,
    );
    expect(running.every((a) => a.finishedAt === null && jobs.includes(a.jobId))).toBe(true);
    const runs = await until(
      '12 published runs',
      () => registry.runs(),
      (r) => r.filter((x) => x.publishedAt).length === 12,
    );
    expect(new Set(runs.map((r) => r.jobId))).toEqual(new Set(jobs));
    expect(fake.runs).toHaveLength(12);
    expect(fake.overlap()).toBe(0);
    await until(
      'every attempt closed',
      () => registry.openAttempts(),
      (open) => open.length === 0,
    );
    const attempts = await registry.attempts();
    for (const t of targets) {
      const mine = attempts.filter((a) => a.targetId === t.id);
      for (let i = 1; i < mine.length; i++)
        expect((mine[i]?.startedAt.getTime() ?? 0) >= (mine[i - 1]?.finishedAt?.getTime() ?? Infinity)).toBe(
          true,
        );
    }
    expect(new Set(attempts.map((a) => a.worker))).toEqual(new Set(['w1', 'w2']));
  });

  it('retries a run that failed with back-off, and dead-letters one that keeps failing, with its error', async () => {
    const flaky = await registry.addTarget(target('flaky'));
    const broken = await registry.addTarget(target('broken'));
    const fake = recordingExecutor({
      failRun: (id, attempt) =>
        id === 'broken'
          ? 'credentials: the environment variable BROKEN_TOKEN is not set'
          : id === 'flaky' && attempt === 1
            ? 'supplier answered 503'
            : undefined,
    });
    workers.push(
      await startMonitorWorker({ queue, registry, executor: fake.executor, pollingIntervalSeconds: 0.5 }),
    );
    const flakyJob = await queue.enqueue(flaky);
    const brokenJob = await queue.enqueue(broken);
    await until(
      'the flaky run published',
      () => registry.run(flakyJob),
      (r) => Boolean(r?.publishedAt),
    );
    expect(fake.runs.filter((r) => r.jobId === flakyJob).map((r) => r.attempt)).toEqual([1, 2]);
    const dead = await until(
      'the broken run dead',
      () => queue.deadRuns(),
      (d) => d.some((x) => x.id === brokenJob),
    );
    expect(dead.find((x) => x.id === brokenJob)).toMatchObject({
      targetId: 'broken',
      error: expect.stringContaining('BROKEN_TOKEN'),
    });
    expect(fake.runs.filter((r) => r.jobId === brokenJob)).toHaveLength(3);
    expect(await registry.run(brokenJob)).toBeUndefined();
    expect((await queue.counts()).dead.total).toBeGreaterThanOrEqual(1);
  });

  it('publishes a kept report again instead of running again when publishing failed', async () => {
    const t = await registry.addTarget(target('publish-once'));
    const fake = recordingExecutor({ failPublish: (_id, calls) => calls === 1 });
    workers.push(
      await startMonitorWorker({ queue, registry, executor: fake.executor, pollingIntervalSeconds: 0.5 }),
    );
    const job = await queue.enqueue(t);
    const run = await until(
      'the run published',
      () => registry.run(job),
      (r) => Boolean(r?.publishedAt),
    );
    expect(fake.runs.filter((r) => r.jobId === job)).toHaveLength(1);
    expect(fake.publishes.filter((p) => p.targetId === t.id)).toHaveLength(2);
    expect(run?.attempt).toBe(1);
    const attempts = (await registry.attempts(t.id)).map((a) => a.outcome);
    expect(attempts).toEqual(['error', 'published-kept-run']);
  });

  it('drops the runs of a removed target without running them', async () => {
    const t = await registry.addTarget(target('gone'));
    const job = await queue.enqueue(t);
    await registry.removeTarget(t.id);
    const fake = recordingExecutor({});
    workers.push(
      await startMonitorWorker({ queue, registry, executor: fake.executor, pollingIntervalSeconds: 0.5 }),
    );
    const [attempt] = await until(
      'the job settled',
      () => registry.attempts('gone'),
      (a) => a[0]?.outcome != null,
    );
    expect(attempt?.outcome).toBe('target-removed');
    expect(fake.runs.some((r) => r.jobId === job)).toBe(false);
  });

  it('sends a signed regression notice to the target’s webhook, and records the delivery', async () => {
    const received: { headers: IncomingMessage['headers']; body: string }[] = [];
    const hook: Server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        received.push({ headers: request.headers, body });
        response.writeHead(received.length === 1 ? 503 : 204).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    const port = (hook.address() as { port: number }).port;
    try {
      const t = await registry.addTarget(
        target('noticed', {
          notify: [
            { kind: 'webhook', url: `http://127.0.0.1:${port}/hooks/conform`, secretEnv: 'HOOK_SECRET' },
          ],
        }),
      );
      const regression = {
        kind: 'level-dropped' as const,
        detail: 'the level fell from gold to silver',
        previousReportId: 'before',
      };
      const fake = recordingExecutor({ regressions: (id) => (id === 'noticed' ? [regression] : []) });
      const { notifiersFor } = await import('../src/index.ts');
      workers.push(
        await startMonitorWorker({
          queue,
          registry,
          executor: fake.executor,
          pollingIntervalSeconds: 0.5,
          notifiers: (x) => notifiersFor(x, { env: { HOOK_SECRET: 'hook-secret-123' }, backoffMs: 50 }),
        }),
      );
      const job = await queue.enqueue(t);
      const run = await until(
        'the delivery recorded',
        () => registry.run(job),
        (r) => (r?.notifications.length ?? 0) > 0,
      );
      expect(run?.notifications).toEqual([
        { url: `http://127.0.0.1:${port}/hooks/conform`, delivered: true, status: 204, detail: 'HTTP 204' },
      ]);
      expect(received).toHaveLength(2);
      const last = received[1] as (typeof received)[number];
      expect(last.headers['x-conform-signature']).toBe(webhookSignature('hook-secret-123', last.body));
      const notice = JSON.parse(last.body) as RegressionNotification;
      expect(notice).toMatchObject({
        type: 'council-conform.regression',
        version: 1,
        target: { id: 'noticed', profile: 'street-reports' },
        product: {
          supplier: 'noticed Ltd',
          name: 'noticed product',
          url: 'http://dashboard.test/products/noticed',
        },
        run: {
          jobId: job,
          level: 'gold',
          mustFailures: 0,
          reportUrl: 'http://dashboard.test/products/noticed?report=x',
        },
        regressions: [regression],
      });
      expect(received[0]?.headers['x-conform-delivery']).toBe(notice.id);
    } finally {
      hook.close();
    }
  });

  it('registers a cron schedule per target in London time, and refuses a target twice', async () => {
    const t = await registry.addTarget(target('nightly', { schedule: '30 1 * * *' }));
    await queue.schedule(t);
    expect(await queue.scheduledTargetIds()).toContain('nightly');
    const [next] = queue.nextRuns(t.schedule);
    expect(next).toBeInstanceOf(Date);
    const london = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/London',
      hour: '2-digit',
      minute: '2-digit',
    }).format(next);
    expect(london).toBe('01:30');
    await expect(registry.addTarget(target('nightly'))).rejects.toThrow(/already registered/);
    await queue.unschedule('nightly');
    expect(await queue.scheduledTargetIds()).not.toContain('nightly');
  });

  it('keeps where a target’s second tenant’s credentials are, and none for a target without one', async () => {
    const both = await registry.addTarget(
      target('two-tenants', {
        credentials: { from: 'env', clientId: 'A_ID', clientSecret: 'A_SECRET' },
        secondTenant: { from: 'env', clientId: 'B_ID', clientSecret: 'B_SECRET' },
      }),
    );
    expect((await registry.target(both.id))?.secondTenant).toEqual({
      from: 'env',
      clientId: 'B_ID',
      clientSecret: 'B_SECRET',
    });
    await registry.addTarget(target('one-tenant'));
    expect((await registry.target('one-tenant'))?.secondTenant).toEqual({ from: 'none' });
    await registry.removeTarget('two-tenants');
    await registry.removeTarget('one-tenant');
  });
});

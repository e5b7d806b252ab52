import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { type Notifier, notifiersFor, type RegressionNotification } from './notifier.ts';
import { RUN_QUEUE, type RunJobData, type RunQueue } from './queue.ts';
import type { MonitorRegistry, NotificationRecord, Regression, RunRecord } from './registry.ts';
import type { MonitorTarget } from './targets.ts';

/** A run's report, signed, before anyone has seen it. */
export interface SignedRun {
  /** The signed report's bytes, as published. */
  readonly signedReport: string;
  readonly level: string;
  readonly mustFailures: number;
  /** One line for `conform monitor status`. */
  readonly summary: string;
}

/** What the dashboard answered when the signed report was published. */
export interface Publication {
  readonly reportId: string;
  readonly reportUrl: string;
  readonly productUrl: string | null;
  readonly regressions: readonly Regression[];
}

/**
 * The two halves of a scheduled run. Kept apart so that a worker killed between them is retried by
 * publishing the kept report, never by running against the supplier again.
 */
export interface RunExecutor {
  run(
    target: MonitorTarget,
    context: { jobId: string; attempt: number; signal: AbortSignal },
  ): Promise<SignedRun>;
  publish(target: MonitorTarget, signedReport: string): Promise<Publication>;
}

export interface MonitorWorkerOptions {
  readonly queue: RunQueue;
  readonly registry: MonitorRegistry;
  readonly executor: RunExecutor;
  /** Runs this worker does at once (different targets; one target is never run twice at once). */
  readonly concurrency?: number;
  /** How the worker names itself in the registry; host and pid by default. */
  readonly name?: string;
  readonly notifiers?: (target: MonitorTarget) => Notifier[];
  readonly log?: (line: string) => void;
  readonly pollingIntervalSeconds?: number;
  readonly now?: () => Date;
}

export interface MonitorWorker {
  readonly name: string;
  /** Takes no new jobs, lets the running ones finish (up to `timeoutMs`), then lets go of the queue. */
  stop(timeoutMs?: number): Promise<void>;
}

/** What one job came to, for the log and the attempt's record. */
type JobOutcome = 'published' | 'published-kept-run' | 'already-recorded' | 'target-removed';

export async function startMonitorWorker(options: MonitorWorkerOptions): Promise<MonitorWorker> {
  const { queue, registry, executor } = options;
  const name = options.name ?? `${hostname()}:${process.pid}`;
  const log = options.log ?? (() => undefined);
  const now = options.now ?? (() => new Date());
  const notifiers = options.notifiers ?? ((target: MonitorTarget) => notifiersFor(target));

  async function notify(target: MonitorTarget, record: RunRecord, publication: Publication): Promise<void> {
    const subscribers = notifiers(target);
    if (publication.regressions.length === 0 || subscribers.length === 0) return;
    const notification: RegressionNotification = {
      type: 'council-conform.regression',
      version: 1,
      id: randomUUID(),
      sentAt: now().toISOString(),
      target: { id: target.id, profile: target.profile, baseUrl: target.baseUrl },
      product: { supplier: target.supplier, name: target.product, url: publication.productUrl },
      run: {
        jobId: record.jobId,
        reportId: publication.reportId,
        reportUrl: publication.reportUrl,
        level: record.level,
        mustFailures: record.mustFailures,
        signedAt: record.signedAt.toISOString(),
      },
      regressions: publication.regressions,
    };
    const delivered: NotificationRecord[] = [];
    for (const notifier of subscribers) {
      const result = await notifier.notify(notification);
      delivered.push(result);
      log(`${target.id}: regression notice to ${notifier.describe}: ${result.detail}`);
    }
    await registry.recordNotifications(record.jobId, delivered);
  }

  async function handle(job: { id: string; data: RunJobData; retryCount: number; signal: AbortSignal }) {
    const attempt = job.retryCount + 1;
    const { targetId } = job.data;
    const startedAt = now();
    await registry.startAttempt({ jobId: job.id, attempt, targetId, worker: name, startedAt });
    let outcome: JobOutcome | 'error' = 'error';
    try {
      outcome = await runJob(job, attempt, startedAt);
      return { outcome };
    } catch (error) {
      log(`${targetId}: job ${job.id} attempt ${attempt} failed: ${(error as Error).message}`);
      throw error;
    } finally {
      await registry.finishAttempt(job.id, attempt, outcome, now()).catch(() => undefined);
    }
  }

  async function runJob(
    job: { id: string; data: RunJobData; signal: AbortSignal },
    attempt: number,
    startedAt: Date,
  ): Promise<JobOutcome> {
    const { targetId } = job.data;
    let record = await registry.run(job.id);
    if (record?.publishedAt) return 'already-recorded';
    const target = await registry.target(targetId);
    if (!target) {
      log(`${targetId}: job ${job.id} skipped: the target was removed from the registry`);
      return 'target-removed';
    }
    const kept = record !== undefined;
    if (!record) {
      log(`${target.id}: run starts (job ${job.id}, attempt ${attempt})`);
      const signed = await executor.run(target, { jobId: job.id, attempt, signal: job.signal });
      record = await registry.keepSignedRun({
        jobId: job.id,
        targetId: target.id,
        attempt,
        worker: name,
        startedAt,
        signedAt: now(),
        level: signed.level,
        mustFailures: signed.mustFailures,
        summary: signed.summary,
        signedReport: signed.signedReport,
      });
    }
    const publication = await executor.publish(target, record.signedReport);
    await registry.markPublished(job.id, { ...publication, at: now() });
    log(
      `${target.id}: ${record.summary}; published ${publication.reportUrl}${publication.regressions.length > 0 ? `; REGRESSION: ${publication.regressions.map((r) => r.detail).join('; ')}` : ''}`,
    );
    await notify(target, record, publication);
    return kept ? 'published-kept-run' : 'published';
  }

  const workId = await queue.boss.work<RunJobData>(
    RUN_QUEUE,
    {
      localConcurrency: options.concurrency ?? 1,
      batchSize: 1,
      pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2,
    },
    async ([job]) => {
      if (!job) return;
      return handle(job);
    },
  );
  log(`worker ${name} takes runs from ${queue.describe()} (concurrency ${options.concurrency ?? 1})`);

  return {
    name,
    async stop(timeoutMs = 30_000) {
      await Promise.race([
        queue.boss.offWork(RUN_QUEUE, { id: workId, wait: true }),
        new Promise((r) => setTimeout(r, timeoutMs).unref()),
      ]);
    },
  };
}

import { describeDatabaseUrl } from '@council-conform/storage';
import { PgBoss } from 'pg-boss';
import type { MonitorTarget } from './targets.ts';

/** The queue every scheduled and manual run goes through, and where runs that used up their retries land. */
export const RUN_QUEUE = 'conform-run';
export const DEAD_RUN_QUEUE = 'conform-run-dead';
/** pg-boss's tables live in their own schema, out of the way of the results store's. */
export const QUEUE_SCHEMA = 'conform_queue';
/** Schedules are read in London time: "02:00 every night" stays 02:00 across the clock change. */
export const SCHEDULE_TIME_ZONE = 'Europe/London';
/** After its run budget, a job still gets this long to sign and publish before the queue calls it dead. */
export const PUBLISH_GRACE_SECONDS = 120;

export interface RunJobData {
  readonly targetId: string;
  readonly reason: 'schedule' | 'manual';
}

/** How the run queue retries; set when the queue is first created, then kept. */
export interface RunQueuePolicy {
  /** Attempts after the first before the job goes to the dead queue. */
  readonly retryLimit: number;
  readonly retryDelaySeconds: number;
  readonly retryDelayMaxSeconds: number;
  /** A worker that stops sending heartbeats this long (killed, cut off) loses its job to another. */
  readonly heartbeatSeconds: number;
}

export const DEFAULT_RUN_QUEUE_POLICY: RunQueuePolicy = {
  retryLimit: 3,
  retryDelaySeconds: 60,
  retryDelayMaxSeconds: 3600,
  heartbeatSeconds: 30,
};

export interface OpenRunQueueOptions {
  readonly databaseUrl: string;
  /** Whether this process runs the queue's upkeep (expiry, heartbeats, retries, cron). Workers do. */
  readonly supervise?: boolean;
  /** How often upkeep looks for dead workers' jobs; pg-boss's default is a minute. */
  readonly superviseIntervalSeconds?: number;
  readonly policy?: Partial<RunQueuePolicy>;
  /** Connections this process may hold. */
  readonly maxConnections?: number;
  /** Hears pg-boss's background failures (a lost connection, a failed upkeep pass); they are not fatal. */
  readonly onError?: (error: Error) => void;
}

export class QueueError extends Error {
  override readonly name = 'QueueError';
}

export interface QueueCounts {
  readonly queued: number;
  readonly active: number;
  readonly failed: number;
  readonly total: number;
}

export interface DeadRun {
  readonly id: string;
  readonly targetId: string;
  readonly failedAt: Date | null;
  readonly retries: number | null;
  readonly error: string;
}

export const jobBudgetSeconds = (target: Pick<MonitorTarget, 'runBudgetSeconds'>) =>
  target.runBudgetSeconds + PUBLISH_GRACE_SECONDS;

/** The run queue on pg-boss: scheduling, enqueueing and what a monitor needs to see of it. */
export class RunQueue {
  private constructor(
    readonly boss: PgBoss,
    private readonly databaseUrl: string,
  ) {}

  static async open(options: OpenRunQueueOptions): Promise<RunQueue> {
    const policy = { ...DEFAULT_RUN_QUEUE_POLICY, ...options.policy };
    const boss = new PgBoss({
      connectionString: options.databaseUrl,
      schema: QUEUE_SCHEMA,
      application_name: 'council-conform',
      max: options.maxConnections ?? 4,
      supervise: options.supervise ?? false,
      schedule: options.supervise ?? false,
      ...(options.superviseIntervalSeconds
        ? { superviseIntervalSeconds: options.superviseIntervalSeconds }
        : {}),
    });
    // pg-boss reports background failures as events; unheard, an 'error' event would end the process.
    const onError = options.onError ?? (() => undefined);
    boss.on('error', (error) => onError(error));
    try {
      await boss.start();
    } catch (error) {
      await boss.stop({ graceful: false }).catch(() => undefined);
      throw new QueueError(
        `cannot start the run queue on PostgreSQL at ${describeDatabaseUrl(options.databaseUrl)}: ${(error as Error).message}`,
      );
    }
    const queue = new RunQueue(boss, options.databaseUrl);
    await queue.ensureQueues(policy);
    return queue;
  }

  private async ensureQueues(policy: RunQueuePolicy): Promise<void> {
    if (!(await this.boss.getQueue(DEAD_RUN_QUEUE)))
      await this.boss
        .createQueue(DEAD_RUN_QUEUE, { deleteAfterSeconds: 30 * 24 * 60 * 60 })
        .catch(ignoreExists);
    if (!(await this.boss.getQueue(RUN_QUEUE)))
      await this.boss
        .createQueue(RUN_QUEUE, {
          // One active job per singleton key, and the key is the target: never two runs against one supplier.
          policy: 'singleton',
          retryLimit: policy.retryLimit,
          retryDelay: policy.retryDelaySeconds,
          retryBackoff: true,
          retryDelayMax: policy.retryDelayMaxSeconds,
          heartbeatSeconds: policy.heartbeatSeconds,
          deadLetter: DEAD_RUN_QUEUE,
          deleteAfterSeconds: 30 * 24 * 60 * 60,
        })
        .catch(ignoreExists);
  }

  /** Registers (or replaces) the target's cron schedule; pg-boss sends a job at each tick. */
  async schedule(target: MonitorTarget): Promise<void> {
    const data: RunJobData = { targetId: target.id, reason: 'schedule' };
    await this.boss.schedule(RUN_QUEUE, target.schedule, data, {
      key: target.id,
      tz: SCHEDULE_TIME_ZONE,
      singletonKey: target.id,
      expireInSeconds: jobBudgetSeconds(target),
    });
  }

  async unschedule(targetId: string): Promise<void> {
    await this.boss.unschedule(RUN_QUEUE, targetId);
  }

  async scheduledTargetIds(): Promise<string[]> {
    return (await this.boss.getSchedules(RUN_QUEUE)).map((s) => s.key).sort();
  }

  /** The next times a schedule fires, in the schedule's time zone. */
  nextRuns(cron: string, count = 1): Date[] {
    return this.boss.previewSchedule(cron, { tz: SCHEDULE_TIME_ZONE, count });
  }

  /** A run now, outside the schedule (`conform schedule run`). Returns the job id. */
  async enqueue(target: MonitorTarget, reason: RunJobData['reason'] = 'manual'): Promise<string> {
    const data: RunJobData = { targetId: target.id, reason };
    const id = await this.boss.send(RUN_QUEUE, data, {
      singletonKey: target.id,
      expireInSeconds: jobBudgetSeconds(target),
    });
    if (!id) throw new QueueError(`the queue did not take a run for ${target.id}`);
    return id;
  }

  /**
   * Counted by PostgreSQL from the jobs themselves, one row per state: pg-boss's own queue counts are
   * refreshed only on its monitor pass, and reading the jobs to count them would load a month of them.
   */
  async counts(): Promise<{ runs: QueueCounts; dead: QueueCounts }> {
    const of = async (name: string): Promise<QueueCounts> => {
      const { rows } = await this.boss
        .getDb()
        .executeSql(
          `SELECT state::text AS state, count(*)::int AS jobs FROM ${QUEUE_SCHEMA}.job WHERE name = $1 GROUP BY state`,
          [name],
        );
      const byState = new Map((rows as { state: string; jobs: number }[]).map((r) => [r.state, r.jobs]));
      const count = (...states: string[]) =>
        states.reduce((sum, state) => sum + (byState.get(state) ?? 0), 0);
      return {
        queued: count('created', 'retry'),
        active: count('active'),
        failed: count('failed'),
        total: [...byState.values()].reduce((sum, jobs) => sum + jobs, 0),
      };
    };
    return { runs: await of(RUN_QUEUE), dead: await of(DEAD_RUN_QUEUE) };
  }

  /** Runs that used up their retries: visible, with the last error, until someone looks. */
  async deadRuns(limit = 100): Promise<DeadRun[]> {
    const jobs = (await this.boss.findJobs<RunJobData>(DEAD_RUN_QUEUE, { limit: 100_000 }))
      .slice(-limit)
      .reverse();
    const dead: DeadRun[] = [];
    for (const job of jobs) {
      // The error is kept on the job that failed, not on its copy in the dead queue.
      const [source] = job.sourceId ? await this.boss.findJobs(RUN_QUEUE, { id: job.sourceId }) : [];
      dead.push({
        id: job.sourceId ?? job.id,
        targetId: job.data?.targetId ?? '(unknown)',
        failedAt: job.createdOn ?? null,
        retries: job.sourceRetryCount ?? null,
        error: errorText(source?.output ?? job.output),
      });
    }
    return dead;
  }

  describe(): string {
    return `pg-boss on PostgreSQL at ${describeDatabaseUrl(this.databaseUrl)} (schema ${QUEUE_SCHEMA})`;
  }

  async close(): Promise<void> {
    await this.boss.stop({ graceful: true, timeout: 10_000 });
  }
}

function ignoreExists(error: unknown): void {
  // Two processes creating the queue at once: the second finds it made.
  if (!/exist/i.test((error as Error).message)) throw error;
}

function errorText(output: unknown): string {
  if (output && typeof output === 'object') {
    const o = output as { message?: unknown; value?: unknown };
    if (typeof o.message === 'string') return o.message;
    if (typeof o.value === 'string') return o.value;
  }
  return output === undefined || output === null ? '' : JSON.stringify(output).slice(0, 500);
}

import type { DeadRun, QueueCounts, RunQueue } from './queue.ts';
import type { MonitorRegistry, Regression } from './registry.ts';

export interface TargetStatus {
  readonly id: string;
  readonly supplier: string;
  readonly product: string;
  readonly profile: string;
  readonly schedule: string;
  readonly scheduled: boolean;
  readonly nextRun: Date | null;
  readonly running: { readonly worker: string; readonly since: Date } | null;
  readonly lastRun: {
    readonly signedAt: Date;
    readonly level: string;
    readonly mustFailures: number;
    readonly summary: string;
    readonly published: boolean;
    readonly reportUrl: string | null;
    readonly regressions: readonly Regression[];
  } | null;
  /** Latest runs in a row with a failing must check. */
  readonly mustFailureStreak: number;
}

export interface MonitorStatus {
  readonly targets: readonly TargetStatus[];
  readonly queue: { readonly runs: QueueCounts; readonly dead: QueueCounts };
  readonly deadRuns: readonly DeadRun[];
}

/** Everything `conform monitor status` shows: each target's last run and streak, the queue, dead runs. */
export async function monitorStatus(registry: MonitorRegistry, queue: RunQueue): Promise<MonitorStatus> {
  const [targets, scheduled, openAttempts, counts, deadRuns] = await Promise.all([
    registry.targets(),
    queue.scheduledTargetIds(),
    registry.openAttempts(),
    queue.counts(),
    queue.deadRuns(20),
  ]);
  const statuses: TargetStatus[] = [];
  for (const target of targets) {
    const runs = await registry.runs({ targetId: target.id, limit: 50 });
    const last = runs[0];
    let streak = 0;
    for (const run of runs) {
      if (run.mustFailures === 0) break;
      streak += 1;
    }
    const open = openAttempts.filter((a) => a.targetId === target.id).at(-1);
    statuses.push({
      id: target.id,
      supplier: target.supplier,
      product: target.product,
      profile: target.profile,
      schedule: target.schedule,
      scheduled: scheduled.includes(target.id),
      nextRun: queue.nextRuns(target.schedule, 1)[0] ?? null,
      running: open ? { worker: open.worker, since: open.startedAt } : null,
      lastRun: last
        ? {
            signedAt: last.signedAt,
            level: last.level,
            mustFailures: last.mustFailures,
            summary: last.summary,
            published: last.publishedAt !== null,
            reportUrl: last.reportUrl,
            regressions: last.regressions,
          }
        : null,
      mustFailureStreak: streak,
    });
  }
  return { targets: statuses, queue: counts, deadRuns };
}

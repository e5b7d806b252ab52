export { CredentialsError, type ResolvedCredentials, resolveCredentials } from './credentials.ts';
export { MONITOR_MIGRATIONS, MONITOR_MIGRATIONS_TABLE } from './migrations.ts';
export {
  type Notifier,
  notifiersFor,
  type RegressionNotification,
  type WebhookOptions,
  webhookNotifier,
  webhookSignature,
} from './notifier.ts';
export {
  DEAD_RUN_QUEUE,
  DEFAULT_RUN_QUEUE_POLICY,
  type DeadRun,
  jobBudgetSeconds,
  type OpenRunQueueOptions,
  PUBLISH_GRACE_SECONDS,
  QUEUE_SCHEMA,
  type QueueCounts,
  QueueError,
  RUN_QUEUE,
  type RunJobData,
  RunQueue,
  type RunQueuePolicy,
  SCHEDULE_TIME_ZONE,
} from './queue.ts';
export {
  type AttemptRecord,
  MonitorRegistry,
  type NotificationRecord,
  type Regression,
  type RunRecord,
} from './registry.ts';
export { type MonitorStatus, monitorStatus, type TargetStatus } from './status.ts';
export {
  type CredentialsSource,
  checkCron,
  checkTarget,
  DEFAULT_RUN_BUDGET_SECONDS,
  MAX_RUN_BUDGET_SECONDS,
  type MonitorTarget,
  type MonitorTargetInput,
  type Subscription,
  TargetError,
  type WebhookSubscription,
} from './targets.ts';
export {
  type MonitorWorker,
  type MonitorWorkerOptions,
  type Publication,
  type RunExecutor,
  type SignedRun,
  startMonitorWorker,
} from './worker.ts';

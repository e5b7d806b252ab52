import { readFile } from 'node:fs/promises';
import { type CliIo, EXIT, formatTable, fromUserCwd, UsageError } from '@council-conform/cli';
import type {
  CredentialsSource,
  MonitorRegistry,
  MonitorTarget,
  MonitorTargetInput,
  RunQueue,
  RunQueuePolicy,
} from '@council-conform/monitor';
import { type Command, Option } from 'commander';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Environment variables the monitoring commands read, each standing for a flag. */
export const MONITOR_ENV = {
  databaseUrl: 'DATABASE_URL',
  dashboardUrl: 'CONFORM_DASHBOARD_URL',
  uploadToken: 'CONFORM_UPLOAD_TOKEN',
  signingKey: 'CONFORM_SIGNING_KEY_FILE',
  superviseSeconds: 'CONFORM_QUEUE_SUPERVISE_SECONDS',
  retryLimit: 'CONFORM_QUEUE_RETRY_LIMIT',
  retryDelaySeconds: 'CONFORM_QUEUE_RETRY_DELAY_SECONDS',
  heartbeatSeconds: 'CONFORM_QUEUE_HEARTBEAT_SECONDS',
} as const;

interface Connected {
  readonly registry: MonitorRegistry;
  readonly queue: RunQueue;
  close(): Promise<void>;
}

async function wholeFromEnv(name: string, fallback: number, min: number, max: number): Promise<number> {
  const { ConfigurationError, integerFromEnv } = await import('@council-conform/service');
  try {
    return integerFromEnv(process.env, name, fallback, min, max);
  } catch (error) {
    if (error instanceof ConfigurationError) throw new UsageError('CONFIG_INVALID', error.message);
    throw error;
  }
}

/** The registry and the queue, both on the PostgreSQL server the results store uses. */
async function connect(
  databaseUrl: string | undefined,
  options: { supervise?: boolean; onError?: (error: Error) => void } = {},
): Promise<Connected> {
  const url = databaseUrl ?? process.env[MONITOR_ENV.databaseUrl];
  if (!url)
    throw new UsageError(
      'DATABASE_URL_MISSING',
      `monitoring needs the results store's PostgreSQL server: give --database-url or ${MONITOR_ENV.databaseUrl} (postgres://user:password@host:5432/database)`,
    );
  const { openPostgres, StorageConnectionError } = await import('@council-conform/storage');
  const { DEFAULT_RUN_QUEUE_POLICY, MonitorRegistry, QueueError, RunQueue } = await import(
    '@council-conform/monitor'
  );
  const policy: RunQueuePolicy = {
    retryLimit: await wholeFromEnv(MONITOR_ENV.retryLimit, DEFAULT_RUN_QUEUE_POLICY.retryLimit, 0, 20),
    retryDelaySeconds: await wholeFromEnv(
      MONITOR_ENV.retryDelaySeconds,
      DEFAULT_RUN_QUEUE_POLICY.retryDelaySeconds,
      1,
      86_400,
    ),
    retryDelayMaxSeconds: DEFAULT_RUN_QUEUE_POLICY.retryDelayMaxSeconds,
    heartbeatSeconds: await wholeFromEnv(
      MONITOR_ENV.heartbeatSeconds,
      DEFAULT_RUN_QUEUE_POLICY.heartbeatSeconds,
      10,
      3600,
    ),
  };
  const superviseIntervalSeconds = await wholeFromEnv(MONITOR_ENV.superviseSeconds, 30, 1, 3600);
  let sql: Awaited<ReturnType<typeof openPostgres>>;
  try {
    sql = await openPostgres(url);
  } catch (error) {
    if (error instanceof StorageConnectionError) throw new UsageError('DATABASE_UNREACHABLE', error.message);
    throw error;
  }
  try {
    const registry = await MonitorRegistry.open(sql);
    const queue = await RunQueue.open({
      databaseUrl: url,
      supervise: options.supervise ?? false,
      superviseIntervalSeconds,
      policy,
      ...(options.onError ? { onError: options.onError } : {}),
    });
    return {
      registry,
      queue,
      async close() {
        await queue.close();
        await registry.close();
      },
    };
  } catch (error) {
    await sql.close().catch(() => undefined);
    if (error instanceof QueueError) throw new UsageError('QUEUE_UNAVAILABLE', error.message);
    throw error;
  }
}

async function withConnection<T>(
  databaseUrl: string | undefined,
  work: (c: Connected) => Promise<T>,
): Promise<T> {
  const connected = await connect(databaseUrl);
  try {
    return await work(connected);
  } finally {
    await connected.close();
  }
}

interface AddFlags {
  id: string;
  supplier: string;
  product: string;
  profile: string;
  target: string;
  cron: string;
  mode?: 'readonly' | 'sandbox';
  feature?: string[];
  tokenEnv?: string;
  clientIdEnv?: string;
  clientSecretEnv?: string;
  secretsFile?: string;
  secretsEntry?: string;
  secondTokenEnv?: string;
  secondClientIdEnv?: string;
  secondClientSecretEnv?: string;
  secondSecretsEntry?: string;
  budget?: string;
  rps?: string;
  notifyWebhook?: string[];
  notifySecretEnv?: string;
  databaseUrl?: string;
}

/**
 * One tenant's credentials as the flags give them: the names of environment variables, or an entry of the
 * secrets file (`--secrets-file`, shared by both tenants).
 */
function tenantCredentials(
  flags: AddFlags,
  names: { token?: string | undefined; clientId?: string | undefined; clientSecret?: string | undefined },
  entry: string | undefined,
  whose: { readonly label: string; readonly envFlags: string; readonly entryFlag: string },
): CredentialsSource {
  const fromEnv = names.token || names.clientId || names.clientSecret;
  if (fromEnv && entry)
    throw new UsageError(
      'CREDENTIALS_TWICE',
      `give ${whose.label} either as environment variable names (${whose.envFlags}) or as a secrets file entry (${whose.entryFlag}), not both`,
    );
  if (entry) {
    if (!flags.secretsFile)
      throw new UsageError(
        'SECRETS_FILE_MISSING',
        `${whose.entryFlag} names an entry of the secrets file: give it with --secrets-file`,
      );
    return { from: 'file', path: fromUserCwd(flags.secretsFile), entry };
  }
  if (!fromEnv) return { from: 'none' };
  return {
    from: 'env',
    ...(names.token ? { token: names.token } : {}),
    ...(names.clientId ? { clientId: names.clientId } : {}),
    ...(names.clientSecret ? { clientSecret: names.clientSecret } : {}),
  };
}

function credentialsOf(flags: AddFlags): CredentialsSource {
  if (flags.secretsFile && !flags.secretsEntry && !flags.secondSecretsEntry)
    throw new UsageError('SECRETS_ENTRY_MISSING', '--secrets-file needs --secrets-entry <name>');
  return tenantCredentials(
    flags,
    { token: flags.tokenEnv, clientId: flags.clientIdEnv, clientSecret: flags.clientSecretEnv },
    flags.secretsEntry,
    {
      label: 'credentials',
      envFlags: '--token-env, --client-id-env, --client-secret-env',
      entryFlag: '--secrets-entry',
    },
  );
}

/** A second tenant of the product, for the cross-tenant check; given as the first tenant's are. */
function secondTenantOf(flags: AddFlags): CredentialsSource {
  return tenantCredentials(
    flags,
    {
      token: flags.secondTokenEnv,
      clientId: flags.secondClientIdEnv,
      clientSecret: flags.secondClientSecretEnv,
    },
    flags.secondSecretsEntry,
    {
      label: "the second tenant's credentials",
      envFlags: '--second-token-env, --second-client-id-env, --second-client-secret-env',
      entryFlag: '--second-secrets-entry',
    },
  );
}

function number(raw: string | undefined, flag: string): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new UsageError('CONFIG_INVALID', `${flag} must be a positive number, not "${raw}"`);
  return value;
}

async function addTarget(flags: AddFlags, io: CliIo): Promise<void> {
  const { listSpecIds } = await import('@council-conform/specs');
  const { didYouMean } = await import('@council-conform/runner');
  const { TargetError } = await import('@council-conform/monitor');
  const known = listSpecIds();
  if (!known.includes(flags.profile))
    throw new UsageError(
      'PROFILE_UNKNOWN',
      `no profile "${flags.profile}"${didYouMean(flags.profile, known)}; known profiles: ${known.join(', ')}`,
    );
  const budget = number(flags.budget, '--budget');
  const rps = number(flags.rps, '--rps');
  const input: MonitorTargetInput = {
    id: flags.id,
    supplier: flags.supplier,
    product: flags.product,
    profile: flags.profile,
    baseUrl: flags.target,
    schedule: flags.cron,
    credentials: credentialsOf(flags),
    secondTenant: secondTenantOf(flags),
    ...(flags.mode ? { mode: flags.mode } : {}),
    ...(flags.feature ? { features: flags.feature } : {}),
    ...(budget !== undefined ? { runBudgetSeconds: budget } : {}),
    ...(rps !== undefined ? { requestsPerSecond: rps } : {}),
    notify: (flags.notifyWebhook ?? []).map((url) => ({
      kind: 'webhook' as const,
      url,
      ...(flags.notifySecretEnv ? { secretEnv: flags.notifySecretEnv } : {}),
    })),
  };
  await withConnection(flags.databaseUrl, async ({ registry, queue }) => {
    // The queue's own parser judges the cron before anything is stored: "61 2 * * *" has five fields too.
    try {
      queue.nextRuns(flags.cron);
    } catch (error) {
      throw new UsageError('TARGET_INVALID', `schedule "${flags.cron}": ${(error as Error).message}`);
    }
    let target: MonitorTarget;
    try {
      target = await registry.addTarget(input);
    } catch (error) {
      if (error instanceof TargetError) throw new UsageError('TARGET_INVALID', error.message);
      throw error;
    }
    try {
      await queue.schedule(target);
    } catch (error) {
      await registry.removeTarget(target.id);
      throw new UsageError(
        'SCHEDULE_REFUSED',
        `the queue refused the schedule "${target.schedule}": ${(error as Error).message}`,
      );
    }
    const next = queue.nextRuns(target.schedule)[0];
    io.out(
      `scheduled ${target.id}: ${target.profile} at ${target.baseUrl}, "${target.schedule}" (Europe/London)${next ? `, next run ${next.toISOString()}` : ''}`,
    );
  });
}

async function listTargets(flags: { json?: boolean; databaseUrl?: string }, io: CliIo): Promise<void> {
  await withConnection(flags.databaseUrl, async ({ registry, queue }) => {
    const targets = await registry.targets();
    const scheduled = new Set(await queue.scheduledTargetIds());
    if (flags.json) {
      io.out(
        JSON.stringify(
          targets.map((t) => ({
            ...t,
            scheduled: scheduled.has(t.id),
            nextRun: queue.nextRuns(t.schedule)[0] ?? null,
          })),
          null,
          2,
        ),
      );
      return;
    }
    if (targets.length === 0) {
      io.out('No targets are monitored yet. Add one with `conform schedule add`.');
      return;
    }
    io.out(
      formatTable(
        ['Target', 'Product', 'Profile', 'Base URL', 'Schedule', 'Next run', 'Credentials', 'Notify'],
        targets.map((t) => [
          t.id,
          `${t.product} (${t.supplier})`,
          t.profile,
          t.baseUrl,
          scheduled.has(t.id) ? t.schedule : `${t.schedule} (NOT SCHEDULED)`,
          queue.nextRuns(t.schedule)[0]?.toISOString() ?? '',
          t.secondTenant.from === 'none'
            ? describeCredentials(t.credentials)
            : `${describeCredentials(t.credentials)}; second tenant: ${describeCredentials(t.secondTenant)}`,
          t.notify.map((n) => new URL(n.url).origin).join(', ') || '-',
        ]),
      ),
    );
  });
}

function describeCredentials(source: CredentialsSource): string {
  if (source.from === 'none') return 'none';
  if (source.from === 'file') return `file ${source.path} [${source.entry}]`;
  return `env ${[source.token, source.clientId, source.clientSecret].filter(Boolean).join(', ')}`;
}

async function removeTarget(id: string, flags: { databaseUrl?: string }, io: CliIo): Promise<void> {
  await withConnection(flags.databaseUrl, async ({ registry, queue }) => {
    await queue.unschedule(id);
    if (!(await registry.removeTarget(id))) {
      io.err(`conform: no target "${id}" is monitored`);
      process.exitCode = EXIT.usage;
      return;
    }
    io.out(`removed ${id}: no more scheduled runs; the history of its runs is kept`);
  });
}

async function runNow(
  ids: string[],
  flags: { all?: boolean; times?: string; databaseUrl?: string },
  io: CliIo,
): Promise<void> {
  const times = number(flags.times ?? '1', '--times') as number;
  if (!Number.isInteger(times) || times > 1000)
    throw new UsageError('CONFIG_INVALID', '--times must be a whole number up to 1000');
  if (ids.length === 0 && !flags.all)
    throw new UsageError('TARGET_MISSING', 'name the targets to run, or give --all');
  await withConnection(flags.databaseUrl, async ({ registry, queue }) => {
    const all = await registry.targets();
    const chosen = flags.all ? all : ids.map((id) => all.find((t) => t.id === id) ?? id);
    const missing = chosen.filter((t): t is string => typeof t === 'string');
    if (missing.length > 0)
      throw new UsageError(
        'TARGET_UNKNOWN',
        `no target ${missing.map((m) => `"${m}"`).join(', ')} is monitored (see \`conform schedule list\`)`,
      );
    let queued = 0;
    for (let i = 0; i < times; i++)
      for (const target of chosen as MonitorTarget[]) {
        await queue.enqueue(target, 'manual');
        queued += 1;
      }
    io.out(
      `queued ${queued} run${queued === 1 ? '' : 's'} for ${chosen.length} target${chosen.length === 1 ? '' : 's'}; a \`conform worker\` takes them`,
    );
  });
}

interface WorkerFlags {
  concurrency: string;
  dashboard?: string;
  signingKey?: string;
  role: 'certifier' | 'supplier';
  databaseUrl?: string;
}

async function worker(flags: WorkerFlags, io: CliIo): Promise<void> {
  const concurrency = Number(flags.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)
    throw new UsageError(
      'CONFIG_INVALID',
      `--concurrency must be a whole number from 1 to 64, not "${flags.concurrency}"`,
    );
  const dashboardUrl = flags.dashboard ?? process.env[MONITOR_ENV.dashboardUrl];
  if (!dashboardUrl)
    throw new UsageError(
      'DASHBOARD_MISSING',
      `give the dashboard to publish to: --dashboard <url> or ${MONITOR_ENV.dashboardUrl}`,
    );
  const uploadToken = process.env[MONITOR_ENV.uploadToken];
  if (!uploadToken)
    throw new UsageError(
      'UPLOAD_TOKEN_MISSING',
      `set ${MONITOR_ENV.uploadToken} to the dashboard's upload token`,
    );
  const keyPath = flags.signingKey ?? process.env[MONITOR_ENV.signingKey];
  if (!keyPath)
    throw new UsageError(
      'SIGNING_KEY_MISSING',
      `give the key the worker signs reports with: --signing-key <file> or ${MONITOR_ENV.signingKey}`,
    );
  let signingKeyPem: string;
  try {
    signingKeyPem = await readFile(fromUserCwd(keyPath), 'utf8');
  } catch (error) {
    throw new UsageError('SIGNING_KEY_UNREADABLE', `${keyPath}: cannot be read: ${(error as Error).message}`);
  }
  const { startMonitorWorker } = await import('@council-conform/monitor');
  const { conformRunExecutor } = await import('./monitor-executor.ts');
  const stamp = (line: string) => io.err(`${new Date().toISOString()} ${line}`);
  const connected = await connect(flags.databaseUrl, {
    supervise: true,
    onError: (error) => stamp(`queue: ${error.message}`),
  });
  const running = await startMonitorWorker({
    queue: connected.queue,
    registry: connected.registry,
    executor: conformRunExecutor({ dashboardUrl, uploadToken, signingKeyPem, role: flags.role }),
    concurrency,
    log: stamp,
  });
  await new Promise<void>((done) => {
    const stop = (signal: string) => {
      stamp(`worker ${running.name}: ${signal}: taking no new runs, finishing the running ones`);
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      done();
    };
    const onTerm = () => stop('SIGTERM');
    const onInt = () => stop('SIGINT');
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
  });
  await running.stop(60_000);
  await connected.close();
  stamp(`worker ${running.name} stopped`);
}

async function status(flags: { json?: boolean; databaseUrl?: string }, io: CliIo): Promise<void> {
  const { monitorStatus } = await import('@council-conform/monitor');
  await withConnection(flags.databaseUrl, async ({ registry, queue }) => {
    const current = await monitorStatus(registry, queue);
    if (flags.json) {
      io.out(JSON.stringify(current, null, 2));
      return;
    }
    const { runs, dead } = current.queue;
    io.out(
      `Queue: ${runs.queued} waiting, ${runs.active} running, ${runs.failed} failed, ${dead.total} dead.`,
    );
    io.out('');
    io.out(
      formatTable(
        ['Target', 'Profile', 'Last run', 'Level', 'Must failures', 'Streak', 'State', 'Next run'],
        current.targets.map((t) => [
          t.id,
          t.profile,
          t.lastRun?.signedAt.toISOString() ?? 'never',
          t.lastRun?.level ?? '',
          t.lastRun ? String(t.lastRun.mustFailures) : '',
          t.mustFailureStreak > 0 ? `${t.mustFailureStreak} failing in a row` : '',
          t.running
            ? `running on ${t.running.worker}`
            : t.lastRun?.regressions.length
              ? `REGRESSED: ${t.lastRun.regressions.map((r) => r.kind).join(', ')}`
              : t.lastRun && !t.lastRun.published
                ? 'signed, not yet published'
                : t.scheduled
                  ? 'ok'
                  : 'not scheduled',
          t.nextRun?.toISOString() ?? '',
        ]),
      ),
    );
    if (current.deadRuns.length > 0) {
      io.out('');
      io.out('Dead runs (used up their retries):');
      io.out(
        formatTable(
          ['Job', 'Target', 'Retries', 'Last error'],
          current.deadRuns.map((d) => [d.id, d.targetId, String(d.retries ?? ''), d.error.slice(0, 200)]),
        ),
      );
    }
    const regressed = current.targets.filter((t) => t.lastRun?.regressions.length);
    if (regressed.length > 0 || current.deadRuns.length > 0) process.exitCode = EXIT.findings;
  });
}

export function registerMonitorCommands(program: Command, io: CliIo): void {
  const databaseOption = () =>
    new Option(
      '--database-url <url>',
      `the results store's PostgreSQL server (default: $${MONITOR_ENV.databaseUrl})`,
    );
  const schedule = program
    .command('schedule')
    .description('which products are re-checked on a schedule, and runs on demand (docs/monitoring.md)');
  schedule
    .command('add')
    .description('monitor a product: a conformance run on a cron schedule, its report signed and published')
    .requiredOption('--id <id>', 'a name for the target: lower-case letters, digits, dashes')
    .requiredOption('--supplier <name>', 'supplier name, as its certificates carry it')
    .requiredOption('--product <name>', 'product name')
    .requiredOption('--profile <spec-id>', 'reference spec profile to judge against')
    .requiredOption('--target <url>', 'base URL of the supplier API')
    .requiredOption(
      '--cron <expression>',
      'five-field cron in Europe/London time, e.g. "0 2 * * *" for 02:00 nightly',
    )
    .addOption(new Option('--mode <mode>', 'readonly (default) or sandbox').choices(['readonly', 'sandbox']))
    .option('--feature <operation-id>', 'an optional operation the API implements (repeatable)', collect)
    .option('--token-env <VAR>', 'environment variable on the workers holding a bearer token')
    .option('--client-id-env <VAR>', 'environment variable holding the OAuth client id')
    .option('--client-secret-env <VAR>', 'environment variable holding the OAuth client secret')
    .option(
      '--secrets-file <path>',
      'a JSON secrets file on the workers (mode 0600), instead of the environment',
    )
    .option('--secrets-entry <name>', "the target's entry in the secrets file")
    .option(
      '--second-token-env <VAR>',
      "environment variable with a second tenant's bearer token, for the cross-tenant checks",
    )
    .option('--second-client-id-env <VAR>', "environment variable with a second tenant's client id")
    .option('--second-client-secret-env <VAR>', "environment variable with a second tenant's client secret")
    .option('--second-secrets-entry <name>', "the second tenant's entry in the secrets file")
    .option('--budget <seconds>', 'time budget of each run (default 1800)')
    .option('--rps <n>', 'requests per second (default 5)')
    .option('--notify-webhook <url>', 'POST a regression notice here (repeatable)', collect)
    .option('--notify-secret-env <VAR>', 'environment variable with the HMAC key that signs the notices')
    .addOption(databaseOption())
    .action((flags: AddFlags) => addTarget(flags, io));
  schedule
    .command('list')
    .description('the monitored targets, their schedules and next runs')
    .option('--json', 'print as JSON')
    .addOption(databaseOption())
    .action((flags: { json?: boolean; databaseUrl?: string }) => listTargets(flags, io));
  schedule
    .command('remove')
    .description('stop monitoring a target (its run history is kept)')
    .argument('<id>', 'the target')
    .addOption(databaseOption())
    .action((id: string, flags: { databaseUrl?: string }) => removeTarget(id, flags, io));
  schedule
    .command('run')
    .description('queue runs now, outside the schedule')
    .argument('[ids...]', 'targets to run')
    .option('--all', 'every monitored target')
    .option('--times <n>', 'queue this many runs of each (default 1)')
    .addOption(databaseOption())
    .action((ids: string[], flags: { all?: boolean; times?: string; databaseUrl?: string }) =>
      runNow(ids, flags, io),
    );

  program
    .command('worker')
    .description('take scheduled runs from the queue until stopped (SIGTERM/Ctrl-C); run as many as you like')
    .option('--concurrency <n>', 'runs at once in this process (never two against one target)', '1')
    .option(
      '--dashboard <url>',
      `dashboard to publish to (default: $${MONITOR_ENV.dashboardUrl}); token from $${MONITOR_ENV.uploadToken}`,
    )
    .option('--signing-key <file>', `private key to sign reports with (default: $${MONITOR_ENV.signingKey})`)
    .addOption(
      new Option('--role <role>', 'who the worker signs as')
        .choices(['certifier', 'supplier'])
        .default('certifier'),
    )
    .addOption(databaseOption())
    .action((flags: WorkerFlags) => worker(flags, io));

  program
    .command('monitor')
    .description('continuous conformance: what the scheduled runs found')
    .command('status')
    .description(
      "each target's last run, failing streak and regressions; the queue and its dead runs (exit 1 if any regressed or died)",
    )
    .option('--json', 'print as JSON')
    .addOption(databaseOption())
    .action((flags: { json?: boolean; databaseUrl?: string }) => status(flags, io));
}

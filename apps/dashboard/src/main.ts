/**
 * The dashboard as a process: `pnpm --filter @council-conform/dashboard start`. Configured by environment only
 * (src/config.ts, docs/dashboard.md).
 */
import { describeDatabaseUrl } from '@council-conform/storage';
import { ConfigurationError, type DashboardConfig, readConfig } from './config.ts';
import { listenDashboard } from './server.ts';
import { openResultsStore } from './store.ts';

async function main(): Promise<number> {
  let config: DashboardConfig;
  try {
    config = readConfig();
  } catch (error) {
    if (error instanceof ConfigurationError) {
      console.error(`dashboard: ${error.message}`);
      return 2;
    }
    throw error;
  }
  const store = await openResultsStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const running = await listenDashboard({
    store,
    trustedKeys: config.trustedKeys,
    uploadTokens: config.uploadTokens,
    rateLimit: { limit: config.rateLimitPerMinute, windowMs: 60_000 },
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
    port: config.port,
    host: config.host,
  }).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  const storage = config.databaseUrl
    ? `PostgreSQL at ${describeDatabaseUrl(config.databaseUrl)}`
    : `embedded PGlite ${config.dataDir ? `in ${config.dataDir}` : 'in memory'}`;
  console.log(`dashboard listening on ${running.url} (storage: ${storage})`);
  console.log(
    config.trustedKeys.length > 0
      ? `certifier keys: ${config.trustedKeys.map((key) => key.name).join(', ')}`
      : 'no certifier keys (CONFORM_CERTIFIER_KEYS): reports can only be self-assessed',
  );
  // Tokens are secrets: only how many there are is worth a log line.
  const certifiers = config.uploadTokens.filter((token) => token.role === 'certifier').length;
  console.log(
    config.uploadTokens.length > 0
      ? `upload tokens: ${config.uploadTokens.length} (${certifiers} certifier)`
      : 'no upload tokens (CONFORM_UPLOAD_TOKENS): the dashboard is read-only',
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`dashboard: ${signal}, finishing requests in flight`);
    running
      .close()
      .then(() => store.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(`dashboard: stopping failed: ${(error as Error).message}`);
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  return -1;
}

main().then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    console.error(`dashboard: cannot start: ${(error as Error).message}`);
    process.exit(1);
  },
);

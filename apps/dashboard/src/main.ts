/**
 * The dashboard as a process: `pnpm --filter @council-conform/dashboard start`. Configured by environment only
 * (src/config.ts, docs/dashboard.md).
 */
import { runService } from '@council-conform/service';
import { describeStorage } from '@council-conform/storage';
import { readConfig } from './config.ts';
import { listenDashboard } from './server.ts';
import { openResultsStore } from './store.ts';

runService('dashboard', readConfig, async (config) => {
  const store = await openResultsStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const running = await listenDashboard({
    store,
    trustedKeys: config.trustedKeys,
    ...(config.administratorToken ? { administratorToken: config.administratorToken } : {}),
    rateLimit: { limit: config.rateLimitPerMinute, windowMs: 60_000 },
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
    port: config.port,
    host: config.host,
  }).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  console.log(`dashboard listening on ${running.url} (storage: ${describeStorage(config)})`);
  console.log(
    config.trustedKeys.length > 0
      ? `certifier keys: ${config.trustedKeys.map((key) => key.name).join(', ')}`
      : 'no certifier keys (CONFORM_CERTIFIER_KEYS): reports can only be self-assessed',
  );
  // Tokens are secrets: only how many principals hold credentials is worth a log line.
  const principals = await store.principals.list();
  console.log(
    principals.length > 0
      ? `principals: ${principals.length} (${principals.filter((p) => p.kind === 'administrator').length} administrator)`
      : 'no principals: set CONFORM_DASHBOARD_ADMIN_TOKEN to seed the first administrator; until then the dashboard is read-only',
  );
  return {
    stop: async () => {
      await running.close();
      await store.close();
    },
  };
});

/**
 * The reference server as a process: `pnpm --filter @council-conform/reference-server start`, or the entry
 * of its container image. Configured by environment only (src/config.ts, docs/containers.md).
 */
import { runService } from '@council-conform/service';
import { describeStorage, openRecordStore } from '@council-conform/storage';
import { readConfig } from './config.ts';
import { listenReferenceServer } from './server.ts';

runService('reference server', readConfig, async (config) => {
  const store = await openRecordStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const running = await listenReferenceServer(config, store).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  console.log(
    `reference server listening on ${running.url} (storage: ${describeStorage(config)}; seed: ${config.seed})`,
  );
  console.log(`specs: ${[...running.server.suppliers.keys()].map((id) => `/${id}`).join(' ')}`);
  if (config.profile) console.log(`profile under certification: /${config.profile}`);
  if (config.generatedCredentials) {
    // Made up at start, so printing them leaks nothing lasting; given credentials are never printed.
    for (const tenant of config.tenants)
      console.log(`test tenant ${tenant.name}: client id ${tenant.clientId}, secret ${tenant.clientSecret}`);
  }
  return {
    stop: async () => {
      await running.close();
      await store.close();
    },
  };
});

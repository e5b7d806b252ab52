/**
 * The reference server as a process: `pnpm --filter @council-conform/reference-server start`, or the entry
 * of its container image. Configured by environment only (src/config.ts, docs/containers.md).
 */
import { describeDatabaseUrl, openRecordStore } from '@council-conform/storage';
import { ConfigurationError, readConfig } from './config.ts';
import { listenReferenceServer } from './server.ts';

async function main(): Promise<number> {
  let config: ReturnType<typeof readConfig>;
  try {
    config = readConfig();
  } catch (error) {
    if (error instanceof ConfigurationError) {
      console.error(`reference server: ${error.message}`);
      return 2;
    }
    throw error;
  }
  const store = await openRecordStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const running = await listenReferenceServer(config, store).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  const storage = config.databaseUrl
    ? `PostgreSQL at ${describeDatabaseUrl(config.databaseUrl)}`
    : `embedded PGlite ${config.dataDir ? `in ${config.dataDir}` : 'in memory'}`;
  console.log(`reference server listening on ${running.url} (storage: ${storage}; seed: ${config.seed})`);
  console.log(`specs: ${[...running.server.suppliers.keys()].map((id) => `/${id}`).join(' ')}`);
  if (config.profile) console.log(`profile under certification: /${config.profile}`);
  if (config.generatedCredentials) {
    // Made up at start, so printing them leaks nothing lasting; given credentials are never printed.
    for (const tenant of config.tenants)
      console.log(`test tenant ${tenant.name}: client id ${tenant.clientId}, secret ${tenant.clientSecret}`);
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`reference server: ${signal}, finishing requests in flight`);
    running
      .close()
      .then(() => store.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(`reference server: stopping failed: ${(error as Error).message}`);
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
    console.error(`reference server: cannot start: ${(error as Error).message}`);
    process.exit(1);
  },
);

import { ConfigurationError } from './config.ts';

/** What a started service gives back: how to stop it. */
export interface RunningService {
  stop(): Promise<void>;
}

/**
 * A server process's main. A mistake `configure` finds in the environment exits 2, named; a service that
 * cannot start exits 1; on SIGTERM or SIGINT the service stops (requests in flight finish) and the process
 * exits 0, or 1 if stopping fails. `name` begins every line it writes.
 */
export function runService<Config>(
  name: string,
  configure: () => Config,
  start: (config: Config) => Promise<RunningService>,
): void {
  let config: Config;
  try {
    config = configure();
  } catch (error) {
    if (error instanceof ConfigurationError) {
      console.error(`${name}: ${error.message}`);
      process.exit(2);
    }
    console.error(`${name}: cannot start: ${(error as Error).message}`);
    process.exit(1);
  }
  start(config).then(
    (running) => {
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        console.log(`${name}: ${signal}, finishing requests in flight`);
        running.stop().then(
          () => process.exit(0),
          (error: unknown) => {
            console.error(`${name}: stopping failed: ${(error as Error).message}`);
            process.exit(1);
          },
        );
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    },
    (error: unknown) => {
      console.error(`${name}: cannot start: ${(error as Error).message}`);
      process.exit(1);
    },
  );
}

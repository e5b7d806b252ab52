import { spawn } from 'node:child_process';
import { createMockSupplier, type MockSupplier, startMockServer } from '@council-conform/mocks';

export const repoRoot = new URL('../../../', import.meta.url).pathname.replace(/\/$/, '');

export interface ServedMock {
  readonly url: string;
  readonly supplier: MockSupplier;
  close(): Promise<void>;
}

/** The street-reports mock on 127.0.0.1, which a container on the host network reaches too. */
export async function serveStreetReports(faults: readonly string[] = []): Promise<ServedMock> {
  const supplier = await createMockSupplier('street-reports', {
    faults,
    rateLimit: { limit: 400, windowMs: 1000 },
  });
  const server = await startMockServer(supplier);
  return { url: server.url, supplier, close: () => server.close() };
}

/**
 * The mock's two tenants as conform reads them from its environment (never as arguments, which the machine's
 * other users can read), with the features it offers.
 */
export function credentialsOf(supplier: MockSupplier): Record<string, string> {
  const [first, second] = supplier.tenants;
  return {
    CONFORM_CLIENT_ID: first!.clientId,
    CONFORM_CLIENT_SECRET: first!.clientSecret,
    CONFORM_SECOND_CLIENT_ID: second!.clientId,
    CONFORM_SECOND_CLIENT_SECRET: second!.clientSecret,
    CONFORM_FEATURES: supplier.features.join(','),
  };
}

export interface Finished {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program to its end, keeping what it printed; a non-zero exit is a result, not an error. */
export function runToEnd(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: 'pipe' });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
}

import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { configureTestcontainers, requireContainerEngine } from './engine.ts';

export interface SupplierContainerOptions {
  readonly image: string;
  /** Environment for the product: test tenants' credentials, seed switches (docs/containers.md). */
  readonly env?: Readonly<Record<string, string>>;
  /** Path answered with 2xx once the product is ready. Default `/healthz`. */
  readonly healthPath?: string;
  /** Port the product listens on (given to it as PORT). Default: a free one. */
  readonly port?: number;
  readonly startupTimeoutMs?: number;
  /** Bytes of container output kept for the evidence (the start and the end are kept). Default 1 MiB. */
  readonly maxLogBytes?: number;
  /**
   * The CA (PEM) that signed the certificate the product was given to serve: the health check then asks
   * over https trusting that CA alone, and over plain http only when the product does not speak TLS.
   */
  readonly tls?: { readonly ca: string };
}

export interface SupplierContainer {
  /**
   * `https://127.0.0.1:<port>` when its health answered over https, else `http://127.0.0.1:<port>`: the
   * container shares the host's network (no bridge here).
   */
  readonly url: string;
  readonly port: number;
  /** How its health answered: over https (trusting the CA given as `tls.ca`) or plain http. */
  readonly protocol: 'https' | 'http';
  readonly image: string;
  readonly containerId: string;
  /** The container's stdout and stderr so far. */
  logs(): string;
  /** Stops and removes the container; safe to call twice. */
  stop(): Promise<void>;
}

export class SupplierContainerError extends Error {
  override readonly name = 'SupplierContainerError';
  constructor(
    message: string,
    readonly code: 'CONTAINER_START_FAILED' | 'CONTAINER_UNHEALTHY',
    readonly logs: string,
  ) {
    super(message);
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

// Containers still running when the process is told to stop: removed before it exits, so Ctrl-C during a
// certification run never leaves a supplier's product running on the certifier's machine.
const running = new Set<SupplierContainer>();
let signalsHooked = false;
function hookSignals(): void {
  if (signalsHooked) return;
  signalsHooked = true;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void Promise.allSettled([...running].map((c) => c.stop())).then(() =>
        process.kill(process.pid, signal),
      );
    });
  }
}

/**
 * Starts a supplier's product image with host networking on a free port, waits until its health path
 * answers, and collects its output for the evidence. A container that exits or never gets healthy is
 * removed and reported with its logs.
 */
export async function startSupplierContainer(options: SupplierContainerOptions): Promise<SupplierContainer> {
  configureTestcontainers();
  await requireContainerEngine();
  const { GenericContainer } = await import('testcontainers');
  const port = options.port ?? (await freePort());
  const healthPath = options.healthPath ?? '/healthz';
  const maxLogBytes = options.maxLogBytes ?? 1024 * 1024;
  const chunks: Buffer[] = [];
  let logBytes = 0;
  let dropped = 0;
  const collect = (chunk: Buffer | string) => {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    if (logBytes + buffer.length > maxLogBytes) {
      dropped += buffer.length;
      return;
    }
    chunks.push(buffer);
    logBytes += buffer.length;
  };
  const logs = () =>
    Buffer.concat(chunks).toString('utf8') + (dropped > 0 ? `\n[${dropped} bytes of output not kept]\n` : '');

  let started: Awaited<ReturnType<InstanceType<typeof GenericContainer>['start']>>;
  try {
    started = await new GenericContainer(options.image)
      .withNetworkMode('host')
      .withEnvironment({ ...options.env, PORT: String(port) })
      .withLogConsumer((stream) => {
        stream.on('data', collect);
      })
      .start();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new SupplierContainerError(
      `the image ${options.image} did not start: ${message}`,
      'CONTAINER_START_FAILED',
      logs(),
    );
  }

  let stopped: Promise<void> | undefined;
  let protocol: SupplierContainer['protocol'] = options.tls ? 'https' : 'http';
  const container: SupplierContainer = {
    get url() {
      return `${protocol}://127.0.0.1:${port}`;
    },
    port,
    get protocol() {
      return protocol;
    },
    image: options.image,
    containerId: started.getId(),
    logs,
    stop() {
      stopped ??= started
        .stop({ remove: true, removeVolumes: true, timeout: 2_000 })
        .then(() => undefined)
        .catch(() => undefined)
        .finally(() => running.delete(container));
      return stopped;
    },
  };
  running.add(container);
  hookSignals();

  const deadline = Date.now() + (options.startupTimeoutMs ?? 60_000);
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    const health = await checkHealth(port, healthPath, options.tls?.ca);
    if (health.ok) {
      protocol = health.protocol;
      return container;
    }
    last = health.problem;
    const exited = await exitCodeOf(started.getId());
    if (exited !== undefined) {
      last = `the container exited with code ${exited}`;
      break;
    }
    await sleep(250);
  }
  await container.stop();
  throw new SupplierContainerError(
    `the container of ${options.image} did not become healthy at ${healthPath} on port ${port} (${last})`,
    'CONTAINER_UNHEALTHY',
    logs(),
  );
}

type Health =
  | { readonly ok: true; readonly protocol: 'https' | 'http' }
  | { readonly ok: false; readonly problem: string };

/**
 * One health check: with a CA, over https trusting that CA alone, and when the product answers that
 * without TLS, over plain http instead (an image that ignores the certificate it was given still runs).
 */
async function checkHealth(port: number, path: string, ca: string | undefined): Promise<Health> {
  const plain = async (): Promise<Health> => {
    try {
      const status = await statusOf(`http://127.0.0.1:${port}${path}`);
      return status >= 200 && status < 300
        ? { ok: true, protocol: 'http' }
        : { ok: false, problem: `${path} answered ${status}` };
    } catch (error) {
      return { ok: false, problem: (error as Error).message };
    }
  };
  if (ca === undefined) return plain();
  try {
    const status = await statusOf(`https://127.0.0.1:${port}${path}`, ca);
    return status >= 200 && status < 300
      ? { ok: true, protocol: 'https' }
      : { ok: false, problem: `${path} answered ${status} over https` };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    // Nobody listening yet: neither protocol would answer.
    if (code === 'ECONNREFUSED') return { ok: false, problem: (error as Error).message };
    const overPlain = await plain();
    if (overPlain.ok) return overPlain;
    return {
      ok: false,
      problem: /CERT|SELF_SIGNED|ALTNAME|UNABLE_TO/.test(code)
        ? `https: ${(error as Error).message} (${code}): the product serves a certificate other than the one it was given`
        : `https: ${(error as Error).message}; plain http: ${overPlain.problem}`,
    };
  }
}

/** The status of a GET (its body read and dropped), within 2 s; over https trusting `ca` alone. */
function statusOf(url: string, ca?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const answer = (response: IncomingMessage) => {
      response.resume();
      response.once('end', () => resolve(response.statusCode ?? 0));
      response.once('error', reject);
    };
    const request = ca
      ? httpsGet(url, { ca, timeout: 2_000 }, answer)
      : httpGet(url, { timeout: 2_000 }, answer);
    request.once('timeout', () => request.destroy(new Error('no answer within 2 s')));
    request.once('error', reject);
  });
}

/** The exit code of a container that has stopped; undefined while it runs (or cannot be asked). */
async function exitCodeOf(containerId: string): Promise<number | undefined> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    const client = await getContainerRuntimeClient();
    const state = (await client.container.inspect(client.container.getById(containerId))).State;
    return state.Running ? undefined : state.ExitCode;
  } catch {
    return undefined;
  }
}

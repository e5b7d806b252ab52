/** No container engine answers: what the caller should do about it is in the message. */
export class ContainerEngineError extends Error {
  override readonly name = 'ContainerEngineError';
  readonly code = 'CONTAINER_ENGINE_UNAVAILABLE';
}

/**
 * Ryuk, testcontainers' reaper, is itself an image to pull and no registry is reachable here: containers
 * are removed by `SupplierContainer.stop` and the signal handlers instead. Containers run on the host's
 * network (the engine has no bridge), so the host they are reached on is loopback; without the override
 * testcontainers looks for a bridge network's gateway when it runs inside a container, and finds none.
 */
export function configureTestcontainers(): void {
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  process.env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1';
}

/** Whether a Docker-compatible engine answers; the reason when it does not. */
export async function containerEngine(): Promise<{ available: true } | { available: false; reason: string }> {
  configureTestcontainers();
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    const client = await getContainerRuntimeClient();
    await client.info;
    return { available: true };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      available: false,
      reason: `no container engine answers (${message.split('\n')[0]}); install and start one: bash scripts/system-setup.sh does both`,
    };
  }
}

export async function requireContainerEngine(): Promise<void> {
  const engine = await containerEngine();
  if (!engine.available) throw new ContainerEngineError(engine.reason);
}

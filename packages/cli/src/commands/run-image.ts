import { randomBytes } from 'node:crypto';
import type { RunReport } from '@council-conform/runner';
import type { RunFlags } from './run.ts';

/**
 * The supplier container contract (docs/containers.md): what `conform run --image` gives the product and
 * expects of it. The harness makes up the test tenants' credentials, so nothing secret is baked into an
 * image or typed on a command line.
 */
export const CONTAINER_ENV = {
  profile: 'CONFORM_PROFILE',
  seed: 'CONFORM_SEED',
  tenantAClientId: 'CONFORM_TENANT_A_CLIENT_ID',
  tenantAClientSecret: 'CONFORM_TENANT_A_CLIENT_SECRET',
  tenantBClientId: 'CONFORM_TENANT_B_CLIENT_ID',
  tenantBClientSecret: 'CONFORM_TENANT_B_CLIENT_SECRET',
} as const;

export interface ContainerRunPlan {
  readonly env: Record<string, string>;
  readonly secrets: readonly string[];
  /** The run's flags with the container's URL and the made-up credentials in place. */
  flagsFor(containerUrl: string): RunFlags;
}

const token = (bytes: number) => randomBytes(bytes).toString('base64url');

/** Credentials and environment for one containerised run; the base path may name the profile as `{profile}`. */
export function planContainerRun(flags: RunFlags & { basePath?: string }, profile: string): ContainerRunPlan {
  const tenants = [
    { clientId: `conform-a-${token(6)}`, clientSecret: token(24) },
    { clientId: `conform-b-${token(6)}`, clientSecret: token(24) },
  ] as const;
  const basePath = `/${(flags.basePath ?? '/').replaceAll('{profile}', profile).replace(/^\/+|\/+$/g, '')}`;
  return {
    env: {
      [CONTAINER_ENV.profile]: profile,
      [CONTAINER_ENV.seed]: 'fixtures',
      [CONTAINER_ENV.tenantAClientId]: tenants[0].clientId,
      [CONTAINER_ENV.tenantAClientSecret]: tenants[0].clientSecret,
      [CONTAINER_ENV.tenantBClientId]: tenants[1].clientId,
      [CONTAINER_ENV.tenantBClientSecret]: tenants[1].clientSecret,
    },
    secrets: tenants.map((t) => t.clientSecret),
    flagsFor(containerUrl) {
      return {
        ...flags,
        profile,
        target: `${containerUrl}${basePath === '/' ? '' : basePath}`,
        mode: 'sandbox',
        clientId: tenants[0].clientId,
        clientSecret: tenants[0].clientSecret,
        secondClientId: tenants[1].clientId,
        secondClientSecret: tenants[1].clientSecret,
      };
    },
  };
}

/** The container's output with every credential the harness gave it blanked, for the report. */
export function redactLogs(logs: string, secrets: readonly string[]): string {
  return secrets.reduce((out, secret) => out.split(secret).join('[redacted]'), logs);
}

/** Adds the container's image, id and output (credentials blanked) to a run's report, as evidence. */
export function withContainer(
  image: string,
  container: { readonly containerId: string; logs(): string },
  secrets: readonly string[],
): (report: RunReport) => RunReport {
  return (report) => ({
    ...report,
    target: {
      ...report.target,
      container: { image, containerId: container.containerId, logs: redactLogs(container.logs(), secrets) },
    },
  });
}

import { randomBytes } from 'node:crypto';
import { createPrivateCa, type PrivateCa } from '@council-conform/private-ca';
import type { RunReport } from '@council-conform/runner';
import type { RunFlags, RunSettings } from './run.ts';

/**
 * The supplier container contract (docs/containers.md): what `conform run --image` gives the product and
 * expects of it. The harness makes up the test tenants' credentials and a TLS certificate from a CA of the
 * run's own, so nothing secret is baked into an image or typed on a command line.
 */
export const CONTAINER_ENV = {
  profile: 'CONFORM_PROFILE',
  seed: 'CONFORM_SEED',
  tenantAClientId: 'CONFORM_TENANT_A_CLIENT_ID',
  tenantAClientSecret: 'CONFORM_TENANT_A_CLIENT_SECRET',
  tenantBClientId: 'CONFORM_TENANT_B_CLIENT_ID',
  tenantBClientSecret: 'CONFORM_TENANT_B_CLIENT_SECRET',
  tlsCert: 'CONFORM_TLS_CERT',
  tlsKey: 'CONFORM_TLS_KEY',
} as const;

/** The names the run's certificate is issued for: the run reaches the container on 127.0.0.1. */
export const CONTAINER_TLS_HOSTS = ['127.0.0.1', 'localhost'] as const;

export interface ContainerRunPlan {
  readonly env: Record<string, string>;
  /** What is blanked from output and from the container's logs: tenant secrets and the TLS key's lines. */
  readonly secrets: readonly string[];
  /**
   * The certificate of the CA that signed the one in `env` (a CA made for this run unless one was given):
   * the health check and the run trust it. The CA's private key stays inside the CA object, in this process.
   */
  readonly caCertificatePem: string;
  /** The run's flags with the container's URL and the made-up credentials in place. */
  flagsFor(containerUrl: string): RunFlags;
}

const token = (bytes: number) => randomBytes(bytes).toString('base64url');

/**
 * Credentials, a TLS certificate and environment for one containerised run; the base path may name the
 * profile as `{profile}`. The certificate comes from a CA made for this run unless one is given (the demo
 * gives its own, so that one CA covers all its servers).
 */
export function planContainerRun(
  flags: RunFlags & { basePath?: string },
  profile: string,
  ca: PrivateCa = createPrivateCa({ name: `Council Conform run CA ${token(6)}` }),
): ContainerRunPlan {
  const tenants = [
    { clientId: `conform-a-${token(6)}`, clientSecret: token(24) },
    { clientId: `conform-b-${token(6)}`, clientSecret: token(24) },
  ] as const;
  const basePath = `/${(flags.basePath ?? '/').replaceAll('{profile}', profile).replace(/^\/+|\/+$/g, '')}`;
  const server = ca.issueServerCertificate({ hosts: CONTAINER_TLS_HOSTS });
  return {
    env: {
      [CONTAINER_ENV.profile]: profile,
      [CONTAINER_ENV.seed]: 'fixtures',
      [CONTAINER_ENV.tenantAClientId]: tenants[0].clientId,
      [CONTAINER_ENV.tenantAClientSecret]: tenants[0].clientSecret,
      [CONTAINER_ENV.tenantBClientId]: tenants[1].clientId,
      [CONTAINER_ENV.tenantBClientSecret]: tenants[1].clientSecret,
      [CONTAINER_ENV.tlsCert]: server.certificatePem,
      [CONTAINER_ENV.tlsKey]: server.keyPem,
    },
    // The key is blanked line by line, so it is caught printed whole, JSON-escaped or cut into lines.
    secrets: [...tenants.map((t) => t.clientSecret), ...pemBody(server.keyPem)],
    caCertificatePem: ca.certificatePem,
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

/** The base64 lines of a PEM, without its BEGIN and END lines. */
function pemBody(pem: string): string[] {
  return pem.split('\n').filter((line) => line.length > 0 && !line.startsWith('-----'));
}

/** The settings with the run's own CA trusted too (besides the public ones and any CA the user gave). */
export function trustingCa(settings: RunSettings, caCertificatePem: string): RunSettings {
  const given = settings.config.tls?.ca;
  return {
    ...settings,
    config: {
      ...settings.config,
      tls: {
        ...settings.config.tls,
        ca: given ? `${given.trimEnd()}\n${caCertificatePem}` : caCertificatePem,
      },
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

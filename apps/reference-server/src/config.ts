import { createPrivateKey, randomBytes, X509Certificate } from 'node:crypto';
import type { MockTenant } from '@council-conform/mocks';
import { ConfigurationError, type Env, integerFromEnv } from '@council-conform/service';

/** The environment the server reads: the supplier container contract (docs/containers.md) and its own. */
export const SERVER_ENV = {
  port: 'PORT',
  host: 'HOST',
  databaseUrl: 'DATABASE_URL',
  dataDir: 'CONFORM_DATA_DIR',
  seed: 'CONFORM_SEED',
  profile: 'CONFORM_PROFILE',
  rateLimit: 'CONFORM_RATE_LIMIT',
  tenantAClientId: 'CONFORM_TENANT_A_CLIENT_ID',
  tenantAClientSecret: 'CONFORM_TENANT_A_CLIENT_SECRET',
  tenantBClientId: 'CONFORM_TENANT_B_CLIENT_ID',
  tenantBClientSecret: 'CONFORM_TENANT_B_CLIENT_SECRET',
  tlsCert: 'CONFORM_TLS_CERT',
  tlsKey: 'CONFORM_TLS_KEY',
} as const;

export interface ReferenceServerConfig {
  readonly port: number;
  readonly host: string;
  readonly databaseUrl?: string | undefined;
  readonly dataDir?: string | undefined;
  /** `fixtures`: an empty store is filled from each spec's fixtures. `none`: starts empty (a round-trip target). */
  readonly seed: 'fixtures' | 'none';
  /** The profile a certifier asked for; the server serves every spec, this one is named in the log. */
  readonly profile?: string | undefined;
  readonly tenants: readonly [MockTenant, MockTenant];
  /** True when no credentials were given and the server made some up (it then prints them once). */
  readonly generatedCredentials: boolean;
  readonly rateLimitPerSecond: number;
  /** Serve https only (TLS 1.2+, HSTS on every answer) with this certificate and key, both PEM. */
  readonly tls?: { readonly cert: string; readonly key: string } | undefined;
}

export { ConfigurationError } from '@council-conform/service';

/** Reads and checks the environment; every mistake is named, none is guessed around. */
export function readConfig(env: Env = process.env): ReferenceServerConfig {
  const seed = env[SERVER_ENV.seed] ?? 'fixtures';
  if (seed !== 'fixtures' && seed !== 'none')
    throw new ConfigurationError(`${SERVER_ENV.seed} must be "fixtures" or "none", not "${seed}"`);
  const names = [
    SERVER_ENV.tenantAClientId,
    SERVER_ENV.tenantAClientSecret,
    SERVER_ENV.tenantBClientId,
    SERVER_ENV.tenantBClientSecret,
  ];
  const given = names.filter((name) => (env[name] ?? '') !== '');
  if (given.length > 0 && given.length < names.length) {
    const missing = names.filter((name) => !given.includes(name));
    throw new ConfigurationError(
      `test tenant credentials are all or nothing: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing`,
    );
  }
  const secret = () => randomBytes(24).toString('base64url');
  const generated = given.length === 0;
  const tenants: readonly [MockTenant, MockTenant] = [
    {
      id: 'tenant-a',
      name: 'London Borough of Hackney',
      clientId: generated ? 'tenant-a' : (env[SERVER_ENV.tenantAClientId] as string),
      clientSecret: generated ? secret() : (env[SERVER_ENV.tenantAClientSecret] as string),
    },
    {
      id: 'tenant-b',
      name: 'London Borough of Camden',
      clientId: generated ? 'tenant-b' : (env[SERVER_ENV.tenantBClientId] as string),
      clientSecret: generated ? secret() : (env[SERVER_ENV.tenantBClientSecret] as string),
    },
  ];
  if (tenants[0].clientId === tenants[1].clientId)
    throw new ConfigurationError('the two test tenants need different client ids');
  const databaseUrl = env[SERVER_ENV.databaseUrl] || undefined;
  const dataDir = env[SERVER_ENV.dataDir] || undefined;
  if (databaseUrl && dataDir)
    throw new ConfigurationError(
      `${SERVER_ENV.databaseUrl} and ${SERVER_ENV.dataDir} exclude each other: one names a PostgreSQL server, the other where embedded PGlite keeps its files`,
    );
  const tls = tlsFromEnv(env);
  return {
    port: integerFromEnv(env, SERVER_ENV.port, 8080, 0, 65_535),
    host: env[SERVER_ENV.host] || '127.0.0.1',
    databaseUrl,
    dataDir,
    seed,
    profile: env[SERVER_ENV.profile] || undefined,
    tenants,
    generatedCredentials: generated,
    rateLimitPerSecond: integerFromEnv(env, SERVER_ENV.rateLimit, 50, 1, 100_000),
    ...(tls ? { tls } : {}),
  };
}

/**
 * The certificate (a chain may follow it) and private key to serve https with, checked so that a mistake is
 * named at start rather than met by the first client: both or neither, each PEM, and the key the
 * certificate's. The key is never quoted.
 */
function tlsFromEnv(env: Env): ReferenceServerConfig['tls'] {
  const cert = env[SERVER_ENV.tlsCert] || undefined;
  const key = env[SERVER_ENV.tlsKey] || undefined;
  if (!cert && !key) return undefined;
  if (!cert || !key)
    throw new ConfigurationError(
      `${SERVER_ENV.tlsCert} and ${SERVER_ENV.tlsKey} go together (the certificate and its key, PEM): ${cert ? SERVER_ENV.tlsKey : SERVER_ENV.tlsCert} is missing`,
    );
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(cert);
  } catch {
    throw new ConfigurationError(
      `${SERVER_ENV.tlsCert} must be the PEM text of a certificate (-----BEGIN CERTIFICATE-----…)`,
    );
  }
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    throw new ConfigurationError(
      `${SERVER_ENV.tlsKey} must be the PEM text of an unencrypted private key (-----BEGIN PRIVATE KEY-----…)`,
    );
  }
  if (!certificate.checkPrivateKey(privateKey))
    throw new ConfigurationError(
      `${SERVER_ENV.tlsKey} is not the private key of the certificate in ${SERVER_ENV.tlsCert}`,
    );
  return { cert, key };
}

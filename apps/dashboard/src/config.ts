import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { keyIdOf, type TrustedKey } from '@council-conform/certificates';
import { ConfigurationError, type Env, integerFromEnv } from '@council-conform/service';
import { MIN_SEED_TOKEN_LENGTH } from './principals-store.ts';

/** The environment the dashboard reads (docs/dashboard.md). */
export const DASHBOARD_ENV = {
  port: 'PORT',
  host: 'HOST',
  databaseUrl: 'DATABASE_URL',
  dataDir: 'CONFORM_DASHBOARD_DATA_DIR',
  certifierKeys: 'CONFORM_CERTIFIER_KEYS',
  administratorToken: 'CONFORM_DASHBOARD_ADMIN_TOKEN',
  rateLimit: 'CONFORM_DASHBOARD_RATE_LIMIT',
  publicUrl: 'CONFORM_DASHBOARD_PUBLIC_URL',
} as const;

export interface DashboardConfig {
  readonly port: number;
  readonly host: string;
  readonly databaseUrl?: string | undefined;
  readonly dataDir?: string | undefined;
  /** LOTI's certifier keys: the only keys whose signature makes a report certified. */
  readonly trustedKeys: readonly TrustedKey[];
  /** Seeds the first administrator, when the database has none; every other credential is issued by one. */
  readonly administratorToken?: string | undefined;
  /** Write requests per minute per token (or per address, before a token is known). */
  readonly rateLimitPerMinute: number;
  /** Where the public reaches the dashboard, for absolute links in badge snippets. */
  readonly publicUrl?: string | undefined;
}

export { ConfigurationError } from '@council-conform/service';

const list = (raw: string | undefined) =>
  (raw ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/** Removed in favour of credentials bound to principals; kept only to say so to whoever still sets it. */
const REMOVED_UPLOAD_TOKENS = 'CONFORM_UPLOAD_TOKENS';

/** Certifier public keys from PEM files, each named after its file (`assurer.pub` is "assurer"). */
export function readCertifierKeys(raw: string | undefined): TrustedKey[] {
  return list(raw).map((path) => {
    let pem: string;
    try {
      pem = readFileSync(path, 'utf8');
    } catch (error) {
      throw new ConfigurationError(
        `${DASHBOARD_ENV.certifierKeys}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
    try {
      keyIdOf(pem);
    } catch (error) {
      throw new ConfigurationError(`${DASHBOARD_ENV.certifierKeys}: ${path}: ${(error as Error).message}`);
    }
    return { publicKeyPem: pem, role: 'certifier', name: basename(path, extname(path)) };
  });
}

function administratorToken(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  // Never echo the token itself: the message may end up in a log.
  if (raw.length < MIN_SEED_TOKEN_LENGTH || /\s/.test(raw))
    throw new ConfigurationError(
      `${DASHBOARD_ENV.administratorToken} must be at least ${MIN_SEED_TOKEN_LENGTH} characters with no spaces (make one with \`openssl rand -hex 32\`)`,
    );
  return raw;
}

/** Reads and checks the environment; every mistake is named, none is guessed around. */
export function readConfig(env: Env = process.env): DashboardConfig {
  if (env[REMOVED_UPLOAD_TOKENS])
    throw new ConfigurationError(
      `${REMOVED_UPLOAD_TOKENS} is no longer read: a token must belong to someone. Set ${DASHBOARD_ENV.administratorToken} to seed the first administrator, then issue each supplier, council and certifier its own credential with \`conform dashboard credentials issue\` (docs/dashboard.md)`,
    );
  const databaseUrl = env[DASHBOARD_ENV.databaseUrl] || undefined;
  const dataDir = env[DASHBOARD_ENV.dataDir] || undefined;
  if (databaseUrl && dataDir)
    throw new ConfigurationError(
      `${DASHBOARD_ENV.databaseUrl} and ${DASHBOARD_ENV.dataDir} exclude each other: one names a PostgreSQL server, the other where embedded PGlite keeps its files`,
    );
  const publicUrl = env[DASHBOARD_ENV.publicUrl] || undefined;
  if (publicUrl !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(publicUrl);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.search || url.hash)
      throw new ConfigurationError(
        `${DASHBOARD_ENV.publicUrl} must be the dashboard's address, like https://conform.example.org, not "${publicUrl}"`,
      );
  }
  return {
    port: integerFromEnv(env, DASHBOARD_ENV.port, 8090, 0, 65_535),
    host: env[DASHBOARD_ENV.host] || '127.0.0.1',
    databaseUrl,
    dataDir,
    trustedKeys: readCertifierKeys(env[DASHBOARD_ENV.certifierKeys]),
    administratorToken: administratorToken(env[DASHBOARD_ENV.administratorToken]),
    rateLimitPerMinute: integerFromEnv(env, DASHBOARD_ENV.rateLimit, 60, 1, 100_000),
    publicUrl,
  };
}

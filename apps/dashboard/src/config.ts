import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { keyIdOf, type TrustedKey } from '@council-conform/certificates';
import { ConfigurationError, type Env, integerFromEnv } from '@council-conform/service';

/** The environment the dashboard reads (docs/dashboard.md). */
export const DASHBOARD_ENV = {
  port: 'PORT',
  host: 'HOST',
  databaseUrl: 'DATABASE_URL',
  dataDir: 'CONFORM_DASHBOARD_DATA_DIR',
  certifierKeys: 'CONFORM_CERTIFIER_KEYS',
  uploadTokens: 'CONFORM_UPLOAD_TOKENS',
  rateLimit: 'CONFORM_DASHBOARD_RATE_LIMIT',
  publicUrl: 'CONFORM_DASHBOARD_PUBLIC_URL',
} as const;

/**
 * A bearer token allowed to write. `uploader`: publish reports, register supplier keys, open disputes.
 * `certifier`: all that, and decide disputes.
 */
export interface UploadToken {
  readonly token: string;
  readonly role: 'uploader' | 'certifier';
}

export interface DashboardConfig {
  readonly port: number;
  readonly host: string;
  readonly databaseUrl?: string | undefined;
  readonly dataDir?: string | undefined;
  /** LOTI's certifier keys: the only keys whose signature makes a report certified. */
  readonly trustedKeys: readonly TrustedKey[];
  readonly uploadTokens: readonly UploadToken[];
  /** Write requests per minute per token (or per address, before a token is known). */
  readonly rateLimitPerMinute: number;
  /** Where the public reaches the dashboard, for absolute links in badge snippets. */
  readonly publicUrl?: string | undefined;
}

export { ConfigurationError } from '@council-conform/service';

/** Shorter than this, a token could be guessed within the rate limit's patience. */
export const MIN_TOKEN_LENGTH = 16;
const CERTIFIER_PREFIX = 'certifier:';

const list = (raw: string | undefined) =>
  (raw ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/** `token` or `certifier:token`, comma-separated. */
export function parseUploadTokens(raw: string | undefined): UploadToken[] {
  const tokens = list(raw).map((entry, index): UploadToken => {
    const certifier = entry.startsWith(CERTIFIER_PREFIX);
    const token = certifier ? entry.slice(CERTIFIER_PREFIX.length) : entry;
    // Never echo the token itself: the message may end up in a log.
    if (token.length < MIN_TOKEN_LENGTH || /\s/.test(token))
      throw new ConfigurationError(
        `${DASHBOARD_ENV.uploadTokens}: token ${index + 1} must be at least ${MIN_TOKEN_LENGTH} characters with no spaces (make one with \`openssl rand -hex 32\`)`,
      );
    return { token, role: certifier ? 'certifier' : 'uploader' };
  });
  if (new Set(tokens.map((t) => t.token)).size !== tokens.length)
    throw new ConfigurationError(`${DASHBOARD_ENV.uploadTokens} lists one token twice`);
  return tokens;
}

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

/** Reads and checks the environment; every mistake is named, none is guessed around. */
export function readConfig(env: Env = process.env): DashboardConfig {
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
    uploadTokens: parseUploadTokens(env[DASHBOARD_ENV.uploadTokens]),
    rateLimitPerMinute: integerFromEnv(env, DASHBOARD_ENV.rateLimit, 60, 1, 100_000),
    publicUrl,
  };
}

import { randomBytes } from 'node:crypto';
import { isAbsolute } from 'node:path';
import type { ResolvedRunConfig, RunConfig } from './types.ts';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The settings that bound a run: its rate, timeouts, budgets and caps, each a positive number. */
export const LIMIT_KEYS = [
  'requestsPerSecond',
  'requestTimeoutMs',
  'runBudgetMs',
  'maxResponseBytes',
  'maxRetryAfterMs',
  'exportBudgetMs',
] as const;

export const CONFIG_KEYS = [
  'target',
  'mode',
  'credentials',
  'secondTenant',
  'features',
  'seed',
  ...LIMIT_KEYS,
  'tokenUrl',
  'tls',
  'roundTrip',
] as const;

export const DEFAULTS = {
  mode: 'readonly',
  requestsPerSecond: 5,
  requestTimeoutMs: 15_000,
  runBudgetMs: 15 * 60_000,
  maxResponseBytes: 20 * 1024 * 1024,
  maxRetryAfterMs: 30_000,
  exportBudgetMs: 10 * 60_000,
} as const;

/** Levenshtein distance, for "did you mean" hints on misspelt keys. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] as number;
      row[j] = Math.min(
        (row[j] as number) + 1,
        (row[j - 1] as number) + 1,
        previous + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      previous = current;
    }
  }
  return row[b.length] as number;
}

export function didYouMean(word: string, candidates: readonly string[]): string {
  const best = candidates
    .map((candidate) => ({ candidate, score: distance(word.toLowerCase(), candidate.toLowerCase()) }))
    .sort((a, b) => a.score - b.score)[0];
  return best && best.score <= Math.max(2, Math.floor(word.length / 3))
    ? ` (did you mean "${best.candidate}"?)`
    : '';
}

const positive = (value: unknown) => typeof value === 'number' && Number.isFinite(value) && value > 0;

/** Validates a run configuration and fills defaults; every problem is named with what to change. */
export function resolveRunConfig(config: RunConfig & Record<string, unknown>): ResolvedRunConfig {
  const problems: string[] = [];
  for (const key of Object.keys(config)) {
    if (!(CONFIG_KEYS as readonly string[]).includes(key))
      problems.push(`unknown setting "${key}"${didYouMean(key, CONFIG_KEYS)}`);
  }
  let targetUrl: URL | undefined;
  if (typeof config.target !== 'string' || config.target === '')
    problems.push('"target" is required: the base URL of the supplier API');
  else {
    try {
      targetUrl = new URL(config.target);
      if (!['http:', 'https:'].includes(targetUrl.protocol))
        problems.push(`"target" must be http or https, not ${targetUrl.protocol}`);
      if (targetUrl.username || targetUrl.password)
        problems.push('"target" must not carry credentials; use "credentials"');
    } catch {
      problems.push(
        `"target" is not a URL: ${config.target}${isAbsolute(config.target) ? ' (a file path? give the API base URL)' : ''}`,
      );
    }
  }
  const mode = config.mode ?? DEFAULTS.mode;
  if (mode !== 'readonly' && mode !== 'sandbox')
    problems.push(`"mode" must be readonly or sandbox, not ${String(mode)}`);
  for (const key of LIMIT_KEYS) {
    if (config[key] !== undefined && !positive(config[key]))
      problems.push(`"${key}" must be a positive number`);
  }
  for (const key of ['credentials', 'secondTenant'] as const) {
    const credentials = config[key];
    if (credentials === undefined) continue;
    const hasToken = typeof credentials.token === 'string' && credentials.token !== '';
    const hasClient =
      typeof credentials.clientId === 'string' && typeof credentials.clientSecret === 'string';
    if (!hasToken && !hasClient) problems.push(`"${key}" needs a token, or a clientId and clientSecret`);
    if (typeof credentials.clientId === 'string' && typeof credentials.clientSecret !== 'string') {
      problems.push(`"${key}" has a clientId but no clientSecret`);
    }
  }
  if (
    config.features !== undefined &&
    (!Array.isArray(config.features) || config.features.some((f) => typeof f !== 'string'))
  ) {
    problems.push('"features" must be a list of operation ids');
  }
  if (config.tls !== undefined) {
    const tls = config.tls as unknown;
    if (tls === null || typeof tls !== 'object' || Array.isArray(tls))
      problems.push('"tls" must be an object, e.g. { "ca": "-----BEGIN CERTIFICATE-----…" }');
    else {
      for (const key of Object.keys(tls)) {
        if (key !== 'ca') problems.push(`unknown setting "tls.${key}"${didYouMean(key, ['ca'])}`);
      }
      const { ca } = tls as { ca?: unknown };
      if (ca !== undefined && (typeof ca !== 'string' || !ca.includes('BEGIN CERTIFICATE')))
        problems.push('"tls.ca" must be the PEM text of a CA certificate (-----BEGIN CERTIFICATE-----…)');
    }
  }
  let roundTrip: ResolvedRunConfig['roundTrip'];
  if (config.roundTrip !== undefined) {
    const rt = config.roundTrip as unknown as Record<string, unknown> | null;
    let url: URL | undefined;
    try {
      url = new URL(String(rt?.target));
      if (!['http:', 'https:'].includes(url.protocol)) url = undefined;
    } catch {
      url = undefined;
    }
    const credentials = rt?.credentials as RunConfig['credentials'] | undefined;
    const usable = Boolean(credentials?.token || (credentials?.clientId && credentials?.clientSecret));
    if (!url)
      problems.push('"roundTrip.target" must be the http(s) URL of an implementation offering the import');
    if (!usable) problems.push('"roundTrip.credentials" needs a token, or a clientId and clientSecret');
    if (url && usable && credentials) {
      const base = url.toString().replace(/\/$/, '');
      roundTrip = {
        target: base,
        targetUrl: new URL(`${base}/`),
        credentials,
        tokenUrl: typeof rt?.tokenUrl === 'string' ? rt.tokenUrl : `${base}/oauth/token`,
      };
    }
  }
  if (
    config.seed !== undefined &&
    (typeof config.seed !== 'string' || !/^[\x21-\x7e]{1,128}$/.test(config.seed))
  )
    problems.push('"seed" must be 1 to 128 printable characters without spaces (the report’s sampling.seed)');
  if (problems.length > 0 || !targetUrl) {
    throw new ConfigError(
      'CONFIG_INVALID',
      `the run configuration is not valid:\n  - ${problems.join('\n  - ')}`,
    );
  }
  const base = targetUrl.toString().replace(/\/$/, '');
  return {
    target: base,
    targetUrl: new URL(`${base}/`),
    mode,
    features: config.features ?? [],
    seed: config.seed ?? randomBytes(8).toString('hex'),
    requestsPerSecond: config.requestsPerSecond ?? DEFAULTS.requestsPerSecond,
    requestTimeoutMs: config.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
    runBudgetMs: config.runBudgetMs ?? DEFAULTS.runBudgetMs,
    maxResponseBytes: config.maxResponseBytes ?? DEFAULTS.maxResponseBytes,
    maxRetryAfterMs: config.maxRetryAfterMs ?? DEFAULTS.maxRetryAfterMs,
    exportBudgetMs: config.exportBudgetMs ?? DEFAULTS.exportBudgetMs,
    tokenUrl: config.tokenUrl ?? `${base}/oauth/token`,
    ...(config.credentials ? { credentials: config.credentials } : {}),
    ...(config.secondTenant ? { secondTenant: config.secondTenant } : {}),
    ...(config.tls ? { tls: config.tls } : {}),
    ...(roundTrip ? { roundTrip } : {}),
  };
}

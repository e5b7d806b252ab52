import {
  bundleDocument,
  convertSwagger2,
  DocumentError,
  isSwagger2,
  type JsonObject,
  parseDocument,
  readDocumentText,
} from '@council-conform/openapi';
import {
  type Credentials,
  createHarnessHttp,
  DEFAULTS,
  discoverSupplierDescription,
  type HarnessHttp,
  Redactor,
  type RunMode,
  TokenManager,
} from '@council-conform/runner';
import { type ExploreBudget, type ExploreReport, explore, type OperationSummary } from './explore.ts';

/** A mistake in what exploration was given: named, with what to do; the CLI exits 2 on it. */
export class ExploreError extends Error {
  override readonly name = 'ExploreError';
  constructor(
    readonly code: 'EXPLORE_TARGET' | 'EXPLORE_DESCRIPTION' | 'EXPLORE_SETTING',
    message: string,
  ) {
    super(message);
  }
}

export const EXPLORE_DEFAULTS = {
  requests: 400,
  timeMs: 120_000,
  requestsPerSecond: DEFAULTS.requestsPerSecond,
} as const;

export interface ExploreTargetOptions {
  readonly target: string;
  /** A file path or an http(s) URL; when absent, discovered as `conform run` discovers it. */
  readonly description?: string;
  readonly seed: number;
  readonly mode: RunMode;
  readonly budget: ExploreBudget;
  /** Requests per second; `Infinity` for no limit (a benchmark against a local mock). */
  readonly requestsPerSecond: number;
  readonly credentials?: Credentials;
  readonly tokenUrl?: string;
  readonly requestTimeoutMs?: number;
  readonly maxResponseBytes?: number;
  /**
   * Where to explore from when no description is given and the target publishes none (the reference
   * description of the profile the API claims to implement).
   */
  readonly fallbackDescription?: () => Promise<{ readonly document: JsonObject; readonly source: string }>;
  /** Relative description paths are read from here. */
  readonly cwd?: string;
  readonly onOperation?: (summary: OperationSummary) => void;
}

export interface TargetExploreReport extends ExploreReport {
  readonly target: string;
  readonly startedAt: string;
}

/** The description as OpenAPI 3.x: Swagger 2.0 converted, anything else refused by name. */
export function asOpenApi3(document: JsonObject, source: string): JsonObject {
  if (isSwagger2(document)) return convertSwagger2(document, source).document;
  const version = (document as { openapi?: unknown }).openapi;
  if (typeof version !== 'string' || !/^3\./.test(version))
    throw new ExploreError(
      'EXPLORE_DESCRIPTION',
      `${source}: not an OpenAPI 3.x or Swagger 2.0 description (no "openapi: 3.x" or "swagger: 2.0" at its top)`,
    );
  return document;
}

async function readGivenDescription(location: string, cwd: string | undefined): Promise<JsonObject> {
  try {
    if (/^https?:\/\//i.test(location)) {
      const { source, text } = await readDocumentText(location);
      return asOpenApi3(parseDocument(text, source).data, source);
    }
    const { document } = await bundleDocument(cwd ? new URL(location, `file://${cwd}/`).pathname : location);
    return asOpenApi3(document, location);
  } catch (error) {
    if (error instanceof DocumentError) throw new ExploreError('EXPLORE_DESCRIPTION', error.message);
    throw error;
  }
}

/**
 * Explores a live API: one harness client on the target (the safety rules of `conform run`), the
 * description given or discovered, and exploration within the budget. Nothing is sent anywhere but the
 * target's origin (and the token endpoint, when client credentials are given).
 */
export async function exploreTarget(options: ExploreTargetOptions): Promise<TargetExploreReport> {
  let targetUrl: URL;
  try {
    targetUrl = new URL(options.target);
  } catch {
    throw new ExploreError(
      'EXPLORE_TARGET',
      `--target is not a URL: ${options.target}; give the API's base URL`,
    );
  }
  if (targetUrl.protocol !== 'http:' && targetUrl.protocol !== 'https:')
    throw new ExploreError('EXPLORE_TARGET', `--target must be http or https, not ${targetUrl.protocol}`);
  const startedAt = new Date().toISOString();
  const budget = new AbortController();
  // A little past the exploration's own budget, so that its last request ends with its own message.
  const timer = setTimeout(() => budget.abort(), options.budget.timeMs + 5_000);
  timer.unref();
  const redactor = new Redactor(new Set());
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs;
  const tokens = new TokenManager(
    options.credentials,
    options.tokenUrl ?? `${options.target.replace(/\/$/, '')}/oauth/token`,
    (secret) => redactor.addSecret(secret),
    requestTimeoutMs,
    undefined,
    { signal: budget.signal, maxRetryAfterMs: DEFAULTS.maxRetryAfterMs },
  );
  const http: HarnessHttp = createHarnessHttp({
    target: targetUrl,
    requestsPerSecond: options.requestsPerSecond,
    requestTimeoutMs,
    maxResponseBytes: options.maxResponseBytes ?? DEFAULTS.maxResponseBytes,
    maxRetryAfterMs: DEFAULTS.maxRetryAfterMs,
    redactor,
    signal: budget.signal,
    tokenFor: (_which, refresh) => tokens.token(refresh),
  });
  try {
    let document: JsonObject;
    let source: string;
    if (options.description) {
      document = await readGivenDescription(options.description, options.cwd);
      source = options.description;
    } else {
      const discovered = await discoverSupplierDescription(http);
      const found = discovered
        ? { document: discovered.document, url: discovered.url }
        : await options.fallbackDescription?.().then(({ document, source }) => ({ document, url: source }));
      if (!found)
        throw new ExploreError(
          'EXPLORE_DESCRIPTION',
          `no OpenAPI description at ${targetUrl.href.replace(/\/$/, '')}/openapi.json or in a Link rel="service-desc"; give one with --description <file or URL>`,
        );
      document = asOpenApi3(found.document, found.url);
      source = found.url;
    }
    const report = await explore({
      http,
      document,
      descriptionSource: source,
      seed: options.seed,
      mode: options.mode,
      budget: options.budget,
      hasCredentials: options.credentials !== undefined,
      ...(options.onOperation ? { onOperation: options.onOperation } : {}),
    });
    return { target: targetUrl.href, startedAt, ...report };
  } finally {
    clearTimeout(timer);
  }
}

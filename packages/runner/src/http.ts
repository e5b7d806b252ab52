import { setTimeout as sleep } from 'node:timers/promises';
import { type Dispatcher, request as undiciRequest } from 'undici';
import type { Redactor } from './redact.ts';

export type Auth = 'none' | 'primary' | 'secondary' | { readonly bearer: string };

export interface HarnessRequest {
  readonly method?: string;
  /** Path relative to the target (`/services?limit=5`) or an absolute URL on the target's origin. */
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  readonly auth?: Auth;
  /** Why the request was made, kept in the evidence. */
  readonly note?: string;
  readonly maxBytes?: number;
  readonly timeoutMs?: number;
  /** Answer 429 as it comes instead of waiting out Retry-After (for the rate-limit check itself). */
  readonly noRetry?: boolean;
  /** Allow a URL on another origin (never with credentials). */
  readonly allowOtherOrigin?: boolean;
  /** Skip the run's request-rate limit: only for the sandbox burst check, which exists to exceed it. */
  readonly unthrottled?: boolean;
  /**
   * Where the token goes: the Authorization header (default), or an `access_token` query parameter, only
   * to check that the API refuses credentials in URLs.
   */
  readonly tokenIn?: 'header' | 'query';
}

export interface Exchange {
  readonly id: string;
  readonly note?: string;
  readonly startedAt: string;
  durationMs: number;
  readonly request: { method: string; url: string; headers: Record<string, string>; bodyPreview?: string };
  response?: { status: number; headers: Record<string, string>; bytes: number; bodyPreview: string };
  error?: { code: HarnessErrorCode; message: string };
}

export type HarnessErrorCode =
  | 'TIMEOUT'
  | 'BODY_TOO_LARGE'
  | 'NETWORK'
  | 'TLS'
  | 'BUDGET_EXHAUSTED'
  | 'OTHER_ORIGIN'
  | 'INVALID_JSON'
  | 'AUTH';

/** The harness could not get an answer: always an `error` outcome, never a supplier `fail`. */
export class HarnessError extends Error {
  override readonly name = 'HarnessError';
  constructor(
    readonly code: HarnessErrorCode,
    message: string,
    readonly exchangeId?: string,
  ) {
    super(message);
  }
}

export interface HarnessResponse {
  readonly exchange: Exchange;
  readonly status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  readonly url: string;
  text(): string;
  /** Parses the body as JSON or throws HarnessError INVALID_JSON naming the exchange. */
  json(): unknown;
  header(name: string): string | undefined;
}

export interface HttpOptions {
  readonly target: URL;
  readonly requestsPerSecond: number;
  readonly requestTimeoutMs: number;
  readonly maxResponseBytes: number;
  readonly maxRetryAfterMs: number;
  readonly redactor: Redactor;
  /** Aborted when the run's time budget is spent. */
  readonly signal: AbortSignal;
  readonly tokenFor: (auth: 'primary' | 'secondary', refresh: boolean) => Promise<string | undefined>;
  readonly dispatcher?: Dispatcher;
  /** Exchange ids start with this (default `ex`), so two clients' evidence can share one report. */
  readonly idPrefix?: string;
}

export interface DownloadResult {
  readonly exchange: Exchange;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** Bytes passed to the sink (200) or read into `body` (any other status). */
  readonly bytes: number;
  /** The body of a non-200 answer, up to 64 KiB, for its evidence. */
  readonly body?: Buffer;
}

export interface HarnessHttp {
  request(request: HarnessRequest): Promise<HarnessResponse>;
  /**
   * Streams a 200 body to `sink` chunk by chunk without holding it in memory: for export files of any size.
   * The size cap still applies (`maxBytes`), and the run's budget and the request timeout still abort it.
   */
  download(request: HarnessRequest, sink: (chunk: Buffer) => void | Promise<void>): Promise<DownloadResult>;
  readonly exchanges: readonly Exchange[];
  readonly requestCount: number;
  readonly redactor: Redactor;
}

const MAX_REDIRECTS = 5;
const MAX_429_RETRIES = 3;

export function createHarnessHttp(options: HttpOptions): HarnessHttp {
  const exchanges: Exchange[] = [];
  let nextSlot = 0;
  let count = 0;
  const spacing = 1000 / Math.max(0.1, options.requestsPerSecond);

  async function waitForSlot(): Promise<void> {
    const now = Date.now();
    const at = Math.max(now, nextSlot);
    nextSlot = at + spacing;
    if (at > now) await sleep(at - now, undefined, { signal: options.signal }).catch(() => undefined);
  }

  function record(exchange: Exchange): Exchange {
    exchanges.push(exchange);
    return exchange;
  }

  async function once(
    request: HarnessRequest,
    url: URL,
    method: string,
    headers: Record<string, string>,
  ): Promise<HarnessResponse> {
    if (options.signal.aborted)
      throw new HarnessError(
        'BUDGET_EXHAUSTED',
        'the run’s time budget is spent; no further requests are made',
      );
    if (!request.unthrottled) await waitForSlot();
    count += 1;
    const id = `${options.idPrefix ?? 'ex'}-${String(exchanges.length + 1).padStart(4, '0')}`;
    const contentType = headers['content-type'] ?? '';
    const exchange = record({
      id,
      ...(request.note ? { note: request.note } : {}),
      startedAt: new Date().toISOString(),
      durationMs: 0,
      request: {
        method,
        url: options.redactor.url(url.toString()),
        headers: options.redactor.headers(headers),
        ...(request.body !== undefined
          ? { bodyPreview: options.redactor.bodyPreview(Buffer.from(request.body), contentType, 1024) }
          : {}),
      },
    });
    const started = performance.now();
    const timeoutMs = request.timeoutMs ?? options.requestTimeoutMs;
    const maxBytes = request.maxBytes ?? options.maxResponseBytes;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = AbortSignal.any([timeout, options.signal]);
    try {
      const response = await undiciRequest(url, {
        method: method as Dispatcher.HttpMethod,
        headers,
        ...(request.body !== undefined ? { body: request.body } : {}),
        signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
      });
      const responseHeaders = flattenHeaders(response.headers);
      const declared = Number(responseHeaders['content-length'] ?? '0');
      if (declared > maxBytes) {
        response.body.destroy();
        throw new HarnessError(
          'BODY_TOO_LARGE',
          `${method} ${url.pathname}: the response declares ${declared} bytes, over the ${maxBytes}-byte cap`,
          id,
        );
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of response.body) {
        size += (chunk as Buffer).length;
        if (size > maxBytes) {
          response.body.destroy();
          throw new HarnessError(
            'BODY_TOO_LARGE',
            `${method} ${url.pathname}: the response passed the ${maxBytes}-byte cap`,
            id,
          );
        }
        chunks.push(chunk as Buffer);
      }
      const body = Buffer.concat(chunks);
      exchange.response = {
        status: response.statusCode,
        headers: options.redactor.headers(responseHeaders),
        bytes: body.length,
        bodyPreview: options.redactor.bodyPreview(body, responseHeaders['content-type'] ?? ''),
      };
      exchange.durationMs = Math.round(performance.now() - started);
      return {
        exchange,
        status: response.statusCode,
        headers: responseHeaders,
        body,
        url: url.toString(),
        text: () => body.toString('utf8'),
        json: () => {
          try {
            return JSON.parse(body.toString('utf8')) as unknown;
          } catch (error) {
            throw new HarnessError(
              'INVALID_JSON',
              `${method} ${url.pathname} (${id}): the body is not JSON: ${(error as Error).message}`,
              id,
            );
          }
        },
        header: (name) => responseHeaders[name.toLowerCase()],
      };
    } catch (error) {
      exchange.durationMs = Math.round(performance.now() - started);
      const harnessError =
        error instanceof HarnessError
          ? error
          : options.signal.aborted
            ? new HarnessError('BUDGET_EXHAUSTED', 'the run’s time budget ran out during this request', id)
            : timeout.aborted ||
                /timeout/i.test(String((error as Error).name) + String((error as Error).message))
              ? new HarnessError(
                  'TIMEOUT',
                  `${method} ${url.pathname}: no complete answer within ${timeoutMs} ms`,
                  id,
                )
              : /certificate|ssl|tls|self.signed|CERT_/i.test(
                    `${(error as { code?: string }).code ?? ''} ${(error as Error).message}`,
                  )
                ? new HarnessError(
                    'TLS',
                    `${method} ${url.host}: TLS failed: ${(error as Error).message}`,
                    id,
                  )
                : new HarnessError(
                    'NETWORK',
                    `${method} ${url.host}: ${(error as { code?: string }).code ?? ''} ${(error as Error).message}`.trim(),
                    id,
                  );
      exchange.error = { code: harnessError.code, message: options.redactor.text(harnessError.message) };
      throw harnessError;
    }
  }

  async function request(request: HarnessRequest): Promise<HarnessResponse> {
    const method = (request.method ?? 'GET').toUpperCase();
    // Paths are relative to the target's base path, so a target of https://host/api calls https://host/api/x.
    let url = request.url.startsWith('/')
      ? new URL(`${options.target.pathname.replace(/\/$/, '')}${request.url}`, options.target.origin)
      : new URL(request.url);
    if (url.origin !== options.target.origin && !request.allowOtherOrigin) {
      throw new HarnessError(
        'OTHER_ORIGIN',
        `refusing to call ${url.origin}: only the target ${options.target.origin} is called`,
      );
    }
    let refreshed = false;
    let retries = 0;
    for (let redirects = 0; ; ) {
      const headers: Record<string, string> = {
        accept: 'application/json, application/problem+json;q=0.9, */*;q=0.5',
        ...request.headers,
      };
      const auth = request.auth ?? 'none';
      const sameOrigin = url.origin === options.target.origin;
      if (auth !== 'none' && sameOrigin) {
        const token = typeof auth === 'object' ? auth.bearer : await options.tokenFor(auth, refreshed);
        if (token) {
          options.redactor.addSecret(token);
          if (request.tokenIn === 'query') url.searchParams.set('access_token', token);
          else headers.authorization = `Bearer ${token}`;
        }
      }
      const response = await once(request, url, method, headers);
      if (response.status === 401 && auth !== 'none' && typeof auth !== 'object' && !refreshed) {
        // The token may have expired mid-run: get a fresh one once, then believe the answer.
        refreshed = true;
        continue;
      }
      if (response.status === 429 && !request.noRetry && retries < MAX_429_RETRIES) {
        const retryAfter = parseRetryAfter(response.header('retry-after'));
        if (retryAfter !== undefined && retryAfter <= options.maxRetryAfterMs) {
          retries += 1;
          await sleep(retryAfter, undefined, { signal: options.signal }).catch(() => undefined);
          continue;
        }
        return response;
      }
      const location = response.header('location');
      if (
        response.status >= 300 &&
        response.status < 400 &&
        location &&
        redirects < MAX_REDIRECTS &&
        method === 'GET'
      ) {
        const next = new URL(location, url);
        // Never carry credentials, or follow at all, to another origin: a redirect to a metadata address or
        // another host is recorded as the answer, not followed.
        if (next.origin !== options.target.origin) return response;
        redirects += 1;
        url = next;
        continue;
      }
      return response;
    }
  }

  async function download(
    request: HarnessRequest,
    sink: (chunk: Buffer) => void | Promise<void>,
  ): Promise<DownloadResult> {
    const url = request.url.startsWith('/')
      ? new URL(`${options.target.pathname.replace(/\/$/, '')}${request.url}`, options.target.origin)
      : new URL(request.url);
    if (url.origin !== options.target.origin) {
      throw new HarnessError(
        'OTHER_ORIGIN',
        `refusing to download from ${url.origin}: only the target ${options.target.origin} is called`,
      );
    }
    if (options.signal.aborted)
      throw new HarnessError(
        'BUDGET_EXHAUSTED',
        'the run’s time budget is spent; no further requests are made',
      );
    const headers: Record<string, string> = { accept: '*/*', ...request.headers };
    const auth = request.auth ?? 'none';
    if (auth !== 'none') {
      const token = typeof auth === 'object' ? auth.bearer : await options.tokenFor(auth, false);
      if (token) {
        options.redactor.addSecret(token);
        headers.authorization = `Bearer ${token}`;
      }
    }
    await waitForSlot();
    count += 1;
    const id = `${options.idPrefix ?? 'ex'}-${String(exchanges.length + 1).padStart(4, '0')}`;
    const exchange = record({
      id,
      ...(request.note ? { note: request.note } : {}),
      startedAt: new Date().toISOString(),
      durationMs: 0,
      request: {
        method: 'GET',
        url: options.redactor.url(url.toString()),
        headers: options.redactor.headers(headers),
      },
    });
    const started = performance.now();
    const timeoutMs = request.timeoutMs ?? options.requestTimeoutMs;
    const maxBytes = request.maxBytes ?? options.maxResponseBytes;
    const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), options.signal]);
    let size = 0;
    let preview = Buffer.alloc(0);
    try {
      const response = await undiciRequest(url, {
        method: 'GET',
        headers,
        signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
      });
      const responseHeaders = flattenHeaders(response.headers);
      const kept: Buffer[] = [];
      for await (const raw of response.body) {
        const chunk = raw as Buffer;
        size += chunk.length;
        if (size > maxBytes) {
          response.body.destroy();
          throw new HarnessError(
            'BODY_TOO_LARGE',
            `GET ${url.pathname}: the download passed the ${maxBytes}-byte cap`,
            id,
          );
        }
        if (preview.length < 1024)
          preview = Buffer.concat([preview, chunk.subarray(0, 1024 - preview.length)]);
        if (response.statusCode === 200) await sink(chunk);
        else if (size <= 64 * 1024) kept.push(chunk);
      }
      exchange.response = {
        status: response.statusCode,
        headers: options.redactor.headers(responseHeaders),
        bytes: size,
        bodyPreview: options.redactor.bodyPreview(preview, responseHeaders['content-type'] ?? '', 512),
      };
      exchange.durationMs = Math.round(performance.now() - started);
      return {
        exchange,
        status: response.statusCode,
        headers: responseHeaders,
        bytes: size,
        ...(response.statusCode === 200 ? {} : { body: Buffer.concat(kept) }),
      };
    } catch (error) {
      exchange.durationMs = Math.round(performance.now() - started);
      const harnessError =
        error instanceof HarnessError
          ? error
          : options.signal.aborted
            ? new HarnessError('BUDGET_EXHAUSTED', 'the run’s time budget ran out during this download', id)
            : new HarnessError(
                'NETWORK',
                `GET ${url.pathname}: the download broke after ${size} bytes: ${(error as Error).message}`,
                id,
              );
      exchange.error = { code: harnessError.code, message: options.redactor.text(harnessError.message) };
      throw harnessError;
    }
  }

  return {
    request,
    download,
    exchanges,
    get requestCount() {
      return count;
    },
    redactor: options.redactor,
  };
}

/** Retry-After as milliseconds: delta-seconds or an HTTP-date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** Undici's headers as one lower-cased string per name (repeated headers joined as HTTP allows). */
function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

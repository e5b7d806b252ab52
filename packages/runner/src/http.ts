import { lookup } from 'node:dns/promises';
import { maxHeaderSize } from 'node:http';
import { BlockList, isIP } from 'node:net';
import { finished, pipeline, type Readable, Transform } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { type Dispatcher, request as undiciRequest } from 'undici';
import { resolveLink } from './links.ts';
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

export interface DownloadRequest extends HarnessRequest {
  /**
   * What a 3xx answer is. `none` (the default): the answer, as it came. `follow-without-credentials`: for
   * export files (Council API Baseline §11), which may redirect to a short-lived pre-signed URL on any origin.
   * Same-origin redirects are followed as `request` follows them; one to another origin is followed with no
   * Authorization or other credential header, only to https (or http when the target itself is), never to a
   * link-local, cloud-metadata or (from a target that is not) loopback address. At most 5 hops; the size cap,
   * the timeouts and the run's budget apply to each.
   */
  readonly redirects?: 'none' | 'follow-without-credentials';
}

/** Something the runner saw that was not an HTTP exchange (a TLS handshake), kept as evidence a check can cite. */
export interface Observation {
  /** Why it was observed, as an exchange's note. */
  readonly note: string;
  /** What was done: `TLS handshake (TLSv1.1 only)`. */
  readonly method: string;
  /** Where: `https://host:443`. */
  readonly url: string;
  /** What happened: `refused: ERR_SSL_UNSUPPORTED_PROTOCOL`, `agreed TLSv1.3`. */
  readonly outcome: string;
  /** The attempt itself failed (a handshake refused): recorded as the exchange's error too. */
  readonly failed?: boolean;
  /** The error's code when `failed` (default NETWORK). */
  readonly code?: HarnessErrorCode;
}

/**
 * Whose credential the harness put on a request: tenant one's, tenant two's, or one a check made up (a token
 * the API must refuse). The value itself is never recorded.
 */
export type ExchangeCredential = 'primary' | 'secondary' | 'check';

export interface Exchange {
  readonly id: string;
  readonly note?: string;
  /** Whose credential the request carried, when the harness gave it one. */
  readonly credential?: ExchangeCredential;
  /** For the evidence of a check that failed or errored: a `curl` command that sends the request again. */
  readonly curl?: string;
  readonly startedAt: string;
  durationMs: number;
  readonly request: { method: string; url: string; headers: Record<string, string>; bodyPreview?: string };
  response?: { status: number; headers: Record<string, string>; bytes: number; bodyPreview: string };
  error?: { code: HarnessErrorCode; message: string };
  /** What was seen, for an observation that was not an HTTP exchange (it has no response). */
  readonly observation?: string;
}

export type HarnessErrorCode =
  | 'TIMEOUT'
  | 'BODY_TOO_LARGE'
  | 'NETWORK'
  | 'TLS'
  | 'BUDGET_EXHAUSTED'
  | 'OTHER_ORIGIN'
  | 'INVALID_JSON'
  | 'INVALID_LINK'
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
  /** The URL that gave this answer: the last hop's, when redirects were followed. */
  readonly url: string;
  /** The 3xx exchanges followed on the way, in order (none unless `redirects` says to follow). */
  readonly redirects: readonly Exchange[];
}

export interface HarnessHttp {
  request(request: HarnessRequest): Promise<HarnessResponse>;
  /**
   * Streams a 200 body to `sink` chunk by chunk without holding it in memory: for export files of any size.
   * The size cap still applies (`maxBytes`), and the run's budget and the request timeout still abort it.
   */
  download(request: DownloadRequest, sink: (chunk: Buffer) => void | Promise<void>): Promise<DownloadResult>;
  /** Records a non-HTTP observation (a TLS handshake) as an exchange with no response, for a check to cite. */
  observe(observation: Observation): Exchange;
  readonly exchanges: readonly Exchange[];
  readonly requestCount: number;
  readonly redactor: Redactor;
}

const MAX_REDIRECTS = 5;
const MAX_429_RETRIES = 3;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Methods a client may send twice without changing what once did (RFC 9110 §9.2.2). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
/**
 * How undici and Node report a connection the server closed. A server may close an idle kept-alive
 * connection just as the client reuses it, so the request meets a closed socket through no fault of its own.
 */
const CONNECTION_CLOSED = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);
/** All a request to another origin carries of the headers given: nothing that could be a credential. */
const CROSS_ORIGIN_HEADERS = new Set(['accept', 'accept-language', 'user-agent']);

const blockList = (ranges: readonly (readonly [string, number, 'ipv4' | 'ipv6'])[]): BlockList => {
  const list = new BlockList();
  for (const [network, prefix, type] of ranges) list.addSubnet(network, prefix, type);
  return list;
};
/** Link-local: where a cloud's metadata service hands out the machine's credentials (169.254.169.254). */
const LINK_LOCAL = blockList([
  ['169.254.0.0', 16, 'ipv4'],
  ['fe80::', 10, 'ipv6'],
]);
/** Metadata services outside link-local: Alibaba Cloud's, and AWS's over IPv6. */
const METADATA_ADDRESSES = blockList([
  ['100.100.100.200', 32, 'ipv4'],
  ['fd00:ec2::254', 128, 'ipv6'],
]);
const METADATA_NAMES = new Set(['metadata.google.internal', 'metadata.goog', 'metadata']);
/** This machine: loopback, and the unspecified addresses that connect to it. */
const LOOPBACK = blockList([
  ['127.0.0.0', 8, 'ipv4'],
  ['0.0.0.0', 8, 'ipv4'],
  ['::1', 128, 'ipv6'],
  ['::', 128, 'ipv6'],
]);

/** Host name without brackets or a final dot, lower case: how the address rules compare it. */
const bareHost = (url: URL) =>
  url.hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
const typeOf = (address: string) => (isIP(address) === 6 ? 'ipv6' : 'ipv4');

/** Whether a URL names this machine: localhost (or a name under it), a loopback or unspecified address. */
export function isLoopback(url: URL): boolean {
  const host = bareHost(url);
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    (isIP(host) !== 0 && LOOPBACK.check(host, typeOf(host)))
  );
}
/**
 * Deeper JSON than any API needs: every recursive walk over a parsed body (a schema validator, redaction,
 * JSON.stringify) overflows the stack somewhere past a few thousand levels, so a body is refused here, by name.
 */
export const MAX_JSON_DEPTH = 512;

export function createHarnessHttp(options: HttpOptions): HarnessHttp {
  const exchanges: Exchange[] = [];
  /** Failures where the server closed the connection before any answer, with how it was reported. */
  const closedBeforeAnswer = new WeakMap<HarnessError, string>();
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

  function budgetSpent(): HarnessError {
    return new HarnessError(
      'BUDGET_EXHAUSTED',
      'the run’s time budget is spent; no further requests are made',
    );
  }

  const nextId = () => `${options.idPrefix ?? 'ex'}-${String(exchanges.length + 1).padStart(4, '0')}`;

  /** Records the start of an exchange, with what it sends redacted. */
  function begin(request: HarnessRequest, url: URL, method: string, headers: Record<string, string>) {
    count += 1;
    options.redactor.learnHeaderSecrets(headers);
    const id = nextId();
    const contentType = headers['content-type'] ?? '';
    const credential = credentialOf(request.auth, headers, url);
    const exchange = record({
      id,
      ...(request.note ? { note: request.note } : {}),
      ...(credential ? { credential } : {}),
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
    return { id, exchange, started: performance.now() };
  }

  /**
   * Sends one request and reads its body through `onChunk` under the size cap, the request timeout and the
   * run's budget; every way it can go wrong becomes a HarnessError that says what the server did.
   */
  async function exchangeOnce(
    request: HarnessRequest,
    url: URL,
    method: string,
    headers: Record<string, string>,
    onChunk: (chunk: Buffer, status: number) => void | Promise<void>,
    what: 'response' | 'download',
  ): Promise<{
    id: string;
    exchange: Exchange;
    status: number;
    headers: Record<string, string>;
    bytes: number;
  }> {
    const { id, exchange, started } = begin(request, url, method, headers);
    const timeoutMs = request.timeoutMs ?? options.requestTimeoutMs;
    const maxBytes = request.maxBytes ?? options.maxResponseBytes;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = AbortSignal.any([timeout, options.signal]);
    const reading: BodyProgress = { headersArrived: false, bytes: 0, wireBytes: 0 };
    let checkError: { error: unknown } | undefined;
    /** Marks an error as the check's own reader's and throws it on. */
    const ownError = (error: unknown): never => {
      checkError = { error };
      throw error;
    };
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
      reading.headersArrived = true;
      // A cookie the supplier sets is a credential: learnt before anything of this answer is recorded.
      options.redactor.learnHeaderSecrets(response.headers);
      const responseHeaders = flattenHeaders(response.headers);
      reading.declared = declaredLength(responseHeaders);
      if (reading.declared !== undefined && reading.declared > maxBytes) {
        response.body.destroy();
        throw new HarnessError(
          'BODY_TOO_LARGE',
          `${method} ${url.pathname}: the ${what} declares ${reading.declared} bytes (Content-Length), over the ${maxBytes}-byte cap; nothing of it was read`,
          id,
        );
      }
      const body = decode(response.body, responseHeaders['content-encoding'], reading);
      try {
        await eachChunk(body.chunks, (chunk) => {
          reading.bytes += chunk.length;
          if (reading.bytes > maxBytes) {
            throw new HarnessError(
              'BODY_TOO_LARGE',
              body.encoding
                ? `${method} ${url.pathname}: the ${what} passed the ${maxBytes}-byte cap once its ${body.encoding} encoding was undone, from ${reading.wireBytes} bytes on the wire (a compression bomb, or a body too large to judge)`
                : `${method} ${url.pathname}: the ${what} passed the ${maxBytes}-byte cap`,
              id,
            );
          }
          // The check's own reader failing is not the server's doing: passed on as it is, thrown or rejected.
          let pending: void | Promise<void>;
          try {
            pending = onChunk(chunk, response.statusCode);
          } catch (error) {
            return ownError(error);
          }
          return pending?.catch(ownError);
        });
      } finally {
        body.destroy();
      }
      exchange.durationMs = Math.round(performance.now() - started);
      return {
        id,
        exchange,
        status: response.statusCode,
        headers: responseHeaders,
        bytes: reading.bytes,
      };
    } catch (error) {
      exchange.durationMs = Math.round(performance.now() - started);
      if (checkError?.error === error) throw error;
      const harnessError = classify(error, {
        method,
        url,
        id,
        timeoutMs,
        timedOut: timeout.aborted,
        reading,
        what,
      });
      exchange.error = { code: harnessError.code, message: options.redactor.text(harnessError.message) };
      const closed = closedCode(error);
      if (closed && !reading.headersArrived && !timeout.aborted && !options.signal.aborted)
        closedBeforeAnswer.set(harnessError, `${closed} ${(error as Error).message ?? ''}`.trim());
      throw harnessError;
    }
  }

  /** What a failure was, in the words of what the server did. */
  function classify(
    error: unknown,
    at: {
      method: string;
      url: URL;
      id: string;
      timeoutMs: number;
      timedOut: boolean;
      reading: BodyProgress;
      what: 'response' | 'download';
    },
  ): HarnessError {
    if (error instanceof HarnessError) return error;
    const { method, url, id, reading } = at;
    const code = (error as { code?: string }).code ?? '';
    const message = (error as Error).message ?? String(error);
    const sofar = reading.headersArrived
      ? `${reading.bytes}${reading.declared !== undefined ? ` of ${reading.declared}` : ''} bytes of the body had arrived`
      : 'not even the headers had arrived';
    if (options.signal.aborted)
      return new HarnessError(
        'BUDGET_EXHAUSTED',
        `the run’s time budget ran out during this ${at.what === 'download' ? 'download' : 'request'} (${sofar})`,
        id,
      );
    if (at.timedOut || /timeout/i.test(String((error as Error).name) + message))
      return new HarnessError(
        'TIMEOUT',
        `${method} ${url.pathname}: no complete answer within ${at.timeoutMs} ms; ${sofar}${reading.headersArrived && reading.bytes > 0 ? ' (the body trickles in)' : ''}`,
        id,
      );
    if (/certificate|ssl|tls|self.signed|CERT_/i.test(`${code} ${message}`))
      return new HarnessError(
        'TLS',
        `${method} ${url.host}: TLS failed: ${message}${code ? ` (${code})` : ''}`,
        id,
      );
    if (code === 'UND_ERR_HEADERS_OVERFLOW')
      return new HarnessError(
        'NETWORK',
        `${method} ${url.pathname}: the response headers are larger than the ${maxHeaderSize}-byte limit the runner reads (${code})`,
        id,
      );
    if (reading.encoding && code.startsWith('Z_'))
      return new HarnessError(
        'NETWORK',
        `${method} ${url.pathname}: the body is not valid ${reading.encoding}, as its Content-Encoding says it is (${code} ${message})`,
        id,
      );
    if (reading.headersArrived)
      return new HarnessError(
        'NETWORK',
        `${method} ${url.pathname}: the connection broke after ${reading.bytes}${reading.declared !== undefined ? ` of the ${reading.declared} declared` : ''} bytes of the body: ${`${code} ${message}`.trim()}`,
        id,
      );
    return new HarnessError('NETWORK', `${method} ${url.host}: ${`${code} ${message}`.trim()}`, id);
  }

  async function once(
    request: HarnessRequest,
    url: URL,
    method: string,
    headers: Record<string, string>,
  ): Promise<HarnessResponse> {
    if (options.signal.aborted) throw budgetSpent();
    if (!request.unthrottled) await waitForSlot();
    const chunks: Buffer[] = [];
    const done = await exchangeOnce(
      request,
      url,
      method,
      headers,
      (chunk) => void chunks.push(chunk),
      'response',
    );
    const { id, exchange, status, headers: responseHeaders } = done;
    const body = Buffer.concat(chunks);
    exchange.response = {
      status,
      headers: options.redactor.headers(responseHeaders),
      bytes: body.length,
      bodyPreview: options.redactor.bodyPreview(body, responseHeaders['content-type'] ?? ''),
    };
    return {
      exchange,
      status,
      headers: responseHeaders,
      body,
      url: url.toString(),
      text: () => body.toString('utf8'),
      json: () => {
        const text = body.toString('utf8');
        if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
          throw new HarnessError(
            'INVALID_JSON',
            `${method} ${url.pathname} (${id}): the JSON nests deeper than ${MAX_JSON_DEPTH} levels; no client can be expected to walk it`,
            id,
          );
        }
        try {
          return JSON.parse(text) as unknown;
        } catch (error) {
          const type = responseHeaders['content-type'];
          // V8 quotes an excerpt of the body ("<!doctype "...), which may be a resident's data: it is left out.
          // Newer Nodes add where ("… position 33 (line 1 column 34)"): the position alone says the same on
          // every Node, so reports (and docs/security.md, written from them) do not depend on the runtime.
          const reason = (error as Error).message
            .replace(/, (?:\.\.\.)?"[\s\S]*"(?:\.\.\.)? is not valid JSON$/, '')
            .replace(/ \(line \d+ column \d+\)$/, '');
          throw new HarnessError(
            'INVALID_JSON',
            `${method} ${url.pathname} (${id}): the body${type ? ` (${type})` : ''} is not JSON: ${reason}`,
            id,
          );
        }
      },
      header: (name) => responseHeaders[name.toLowerCase()],
    };
  }

  /**
   * Sends an exchange, and once more when the server closed the connection before any answer came (an idle
   * kept-alive connection it dropped as this request went out) and sending again changes nothing. Both
   * exchanges stay in the evidence; the second's note says which it repeats and why.
   */
  async function retryingClosed<T>(
    request: HarnessRequest,
    method: string,
    send: (request: HarnessRequest) => Promise<T>,
  ): Promise<T> {
    try {
      return await send(request);
    } catch (error) {
      const why = error instanceof HarnessError ? closedBeforeAnswer.get(error) : undefined;
      if (!why || !IDEMPOTENT.has(method) || options.signal.aborted) throw error;
      const retry = `retry of ${(error as HarnessError).exchangeId}: the server closed the connection before answering (${why}); ${method} is idempotent, so it is sent once more`;
      return send({ ...request, note: request.note ? `${request.note} (${retry})` : retry });
    }
  }

  async function request(request: HarnessRequest): Promise<HarnessResponse> {
    const method = (request.method ?? 'GET').toUpperCase();
    let url = requestUrl(options.target, request.url);
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
      const at = url;
      const response = await retryingClosed(request, method, (attempt) => once(attempt, at, method, headers));
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
        let next: URL;
        try {
          next = resolveLink(location, url, 'the Location');
        } catch {
          // A Location that is no http(s) URL is the answer, as the server gave it.
          return response;
        }
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

  const targetOnLoopback = isLoopback(options.target);

  /** Why an address may not be reached by a followed redirect, or undefined when it may. */
  function forbiddenAddress(address: string): string | undefined {
    if (isIP(address) === 0) return undefined;
    const type = typeOf(address);
    if (LINK_LOCAL.check(address, type))
      return `${address} is a link-local address (where cloud metadata services answer)`;
    if (METADATA_ADDRESSES.check(address, type)) return `${address} is a cloud metadata service’s address`;
    if (!targetOnLoopback && LOOPBACK.check(address, type))
      return `${address} is a loopback address (the runner’s own machine), and the target is not on loopback`;
    return undefined;
  }

  /**
   * Why a download may not follow a redirect to another origin, or undefined when it may. A host name is
   * looked up first, so that a name that points at a metadata or loopback address is refused as the address
   * is. (The connection looks the name up again: a server that answers the two lookups differently is not
   * caught here.)
   */
  async function crossOriginRefusal(next: URL, timeoutMs: number): Promise<string | undefined> {
    const host = bareHost(next);
    if (METADATA_NAMES.has(host)) return `${host} is a cloud metadata service’s name`;
    if (!targetOnLoopback && (host === 'localhost' || host.endsWith('.localhost')))
      return `${host} is the runner’s own machine (loopback), and the target is not on loopback`;
    if (isIP(host) !== 0) {
      const why = forbiddenAddress(host);
      if (why) return why;
    } else {
      let addresses: string[];
      try {
        const found = await Promise.race([
          lookup(host, { all: true, verbatim: true }),
          sleep(timeoutMs, 'timeout' as const, { ref: false }),
        ]);
        if (found === 'timeout') return `${host} could not be looked up within ${timeoutMs} ms`;
        addresses = found.map((entry) => entry.address);
      } catch (error) {
        return `${host} could not be looked up (${(error as { code?: string }).code ?? (error as Error).message})`;
      }
      for (const address of addresses) {
        const why = forbiddenAddress(address);
        if (why) return `${host} resolves to ${why}`;
      }
    }
    if (next.protocol !== 'https:' && options.target.protocol === 'https:')
      return `it is plain ${next.protocol.slice(0, -1)}; an export file is fetched from another origin only over https`;
    return undefined;
  }

  /**
   * The credentials in a URL a redirect hands out on another origin: a pre-signed URL's signature (and the
   * key id, policy or token beside it) opens the file to anyone until it expires, so it is learnt as a secret
   * before the answer that carries it is recorded. Long values count whatever their name; short ones (an
   * expiry, a date) only under a credential's name, so that ordinary text elsewhere is not scrubbed.
   */
  function learnLocationSecrets(location: string, base: URL): void {
    let url: URL;
    try {
      url = new URL(location, base);
    } catch {
      return; // a Location that is no URL is never followed
    }
    if (url.origin === options.target.origin) return;
    for (const [name, value] of url.searchParams)
      if (value.length >= 16 || /sig|signature|credential|token|key|policy|secret|auth/i.test(name))
        options.redactor.addSecret(value);
  }

  /** One GET of a download: credentials only on the target's origin, the 200 body streamed to `sink`. */
  async function downloadOnce(
    request: DownloadRequest,
    url: URL,
    sink: (chunk: Buffer) => void | Promise<void>,
  ): Promise<{
    exchange: Exchange;
    status: number;
    headers: Record<string, string>;
    bytes: number;
    body?: Buffer;
  }> {
    if (options.signal.aborted) throw budgetSpent();
    let headers: Record<string, string> = { accept: '*/*', ...request.headers };
    const auth = request.auth ?? 'none';
    if (url.origin !== options.target.origin) {
      headers = Object.fromEntries(
        Object.entries(headers).filter(([name]) => CROSS_ORIGIN_HEADERS.has(name.toLowerCase())),
      );
    } else if (auth !== 'none') {
      const token = typeof auth === 'object' ? auth.bearer : await options.tokenFor(auth, false);
      if (token) {
        options.redactor.addSecret(token);
        headers.authorization = `Bearer ${token}`;
      }
    }
    await waitForSlot();
    let preview = Buffer.alloc(0);
    const kept: Buffer[] = [];
    let keptBytes = 0;
    const { body: _noBody, ...get } = request;
    const done = await exchangeOnce(
      get,
      url,
      'GET',
      headers,
      (chunk, status) => {
        if (preview.length < 1024)
          preview = Buffer.concat([preview, chunk.subarray(0, 1024 - preview.length)]);
        if (status === 200) return sink(chunk);
        if (keptBytes < 64 * 1024) {
          kept.push(chunk);
          keptBytes += chunk.length;
        }
      },
      'download',
    );
    const location = done.headers.location;
    if (request.redirects === 'follow-without-credentials' && REDIRECT_STATUSES.has(done.status) && location)
      learnLocationSecrets(location, url);
    done.exchange.response = {
      status: done.status,
      headers: options.redactor.headers(done.headers),
      bytes: done.bytes,
      bodyPreview: options.redactor.bodyPreview(preview, done.headers['content-type'] ?? '', 512),
    };
    return {
      exchange: done.exchange,
      status: done.status,
      headers: done.headers,
      bytes: done.bytes,
      ...(done.status === 200 ? {} : { body: Buffer.concat(kept).subarray(0, 64 * 1024) }),
    };
  }

  async function download(
    request: DownloadRequest,
    sink: (chunk: Buffer) => void | Promise<void>,
  ): Promise<DownloadResult> {
    let url = requestUrl(options.target, request.url);
    if (url.origin !== options.target.origin) {
      throw new HarnessError(
        'OTHER_ORIGIN',
        `refusing to download from ${url.origin}: only the target ${options.target.origin} is called`,
      );
    }
    const follow = request.redirects === 'follow-without-credentials';
    const redirects: Exchange[] = [];
    let hop: DownloadRequest = request;
    for (;;) {
      const at = url;
      const answer = await retryingClosed(hop, 'GET', (attempt) => downloadOnce(attempt, at, sink));
      const location = answer.headers.location;
      if (!follow || !REDIRECT_STATUSES.has(answer.status) || !location || redirects.length >= MAX_REDIRECTS)
        return { ...answer, url: url.href, redirects };
      const id = answer.exchange.id;
      let next: URL;
      try {
        next = resolveLink(location, url, `the Location of ${id}`);
      } catch (error) {
        if (error instanceof HarnessError) throw new HarnessError(error.code, error.message, id);
        throw error;
      }
      if (next.origin !== options.target.origin) {
        const refusal = await crossOriginRefusal(next, request.timeoutMs ?? options.requestTimeoutMs);
        if (refusal)
          throw new HarnessError(
            'OTHER_ORIGIN',
            `GET ${url.pathname} (${id}) answered ${answer.status} redirecting to ${next.origin}: ${refusal}; not followed`,
            id,
          );
      }
      redirects.push(answer.exchange);
      url = next;
      const following = `following the ${answer.status} of ${id}`;
      hop = { ...request, note: request.note ? `${request.note} (${following})` : following };
    }
  }

  function observe(observation: Observation): Exchange {
    const outcome = options.redactor.text(observation.outcome);
    return record({
      id: nextId(),
      note: observation.note,
      startedAt: new Date().toISOString(),
      durationMs: 0,
      request: { method: observation.method, url: options.redactor.url(observation.url), headers: {} },
      observation: outcome,
      ...(observation.failed ? { error: { code: observation.code ?? 'NETWORK', message: outcome } } : {}),
    });
  }

  return {
    request,
    download,
    observe,
    exchanges,
    get requestCount() {
      return count;
    },
    redactor: options.redactor,
  };
}

/** Whose credential a request carries: only one the harness put on it, in the header or the query. */
function credentialOf(
  auth: Auth | undefined,
  headers: Readonly<Record<string, string>>,
  url: URL,
): ExchangeCredential | undefined {
  if (auth === undefined || auth === 'none') return undefined;
  if (headers.authorization === undefined && !url.searchParams.has('access_token')) return undefined;
  return typeof auth === 'object' ? 'check' : auth;
}

/**
 * The URL a request goes to. A path the harness built from the reference (`/items?limit=5`) lies under the
 * target's base path, so a target of https://host/api calls https://host/api/items; an absolute URL is itself.
 * A link a server gave is not such a path: resolve it with `resolveLink` against the response that carried it.
 */
export function requestUrl(target: URL, url: string): URL {
  return url.startsWith('/')
    ? new URL(`${target.pathname.replace(/\/$/, '')}${url}`, target.origin)
    : new URL(url);
}

/** The code of a closed connection, on the error or on its cause. */
function closedCode(error: unknown): string | undefined {
  for (let at: unknown = error, depth = 0; at && depth < 3; at = (at as { cause?: unknown }).cause, depth++) {
    const code = (at as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_CLOSED.has(code)) return code;
  }
  return undefined;
}

/** Retry-After as milliseconds: delta-seconds or an HTTP-date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

interface BodyProgress {
  headersArrived: boolean;
  /** Content-Length, when the server sent one. */
  declared?: number;
  /** Bytes of the body as a check sees it (decoded). */
  bytes: number;
  /** Bytes as they arrived, counted while a Content-Encoding is undone (without one, they are `bytes`). */
  wireBytes: number;
  /** The Content-Encoding being undone, if any. */
  encoding?: string;
}

const DECODERS: Readonly<Record<string, () => Transform>> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

/**
 * The body as a check would read it. A Content-Encoding the runner can undo is undone here, chunk by chunk,
 * so that the size cap counts decoded bytes and a compression bomb stops at the cap instead of filling memory.
 * Other encodings, and none, pass through as they came.
 */
function decode(
  body: Readable,
  contentEncoding: string | undefined,
  reading: BodyProgress,
): { chunks: Readable; encoding?: string; destroy(): void } {
  const encoding = contentEncoding?.trim().toLowerCase();
  const decoder = encoding ? DECODERS[encoding] : undefined;
  if (!encoding || !decoder) return { chunks: body, destroy: () => body.destroy() };
  reading.encoding = encoding;
  const decoded = decoder();
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      reading.wireBytes += chunk.length;
      callback(null, chunk);
    },
  });
  // pipeline passes an error on any side to the others and so to the reader; the callback only keeps it
  // from being raised a second time.
  pipeline(body, counter, decoded, () => undefined);
  return {
    chunks: decoded,
    encoding,
    destroy: () => {
      decoded.destroy();
      body.destroy();
    },
  };
}

/**
 * Hands each chunk of `source` to `read` as the stream emits it, pausing the stream while a promise `read`
 * returns is pending. Settles once the stream has ended, or with the first error of the stream (a premature
 * close among them) or of `read`, which destroys the stream. Events rather than `for await`: an export file
 * is thousands of chunks, each of which cost two levels of async iteration (a generator counting wire bytes
 * was the second, for bodies whose wire bytes nothing reads); without them, the time the export benchmark
 * reads between batches at 10k records fell from about 65 ms to about 45 ms.
 */
function eachChunk(source: Readable, read: (chunk: Buffer) => void | Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    /** The last promise `read` returned, settled once it has (its failure fails the whole). */
    let lastRead: Promise<void> | undefined;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      source.off('data', onData);
      source.destroy();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      if (settled) return;
      let pending: void | Promise<void>;
      try {
        pending = read(chunk);
      } catch (error) {
        fail(error);
        return;
      }
      if (!pending) return;
      source.pause();
      lastRead = pending.then(() => {
        if (!settled) source.resume();
      }, fail);
    };
    source.on('data', onData);
    // The stream may end (or fail) while the reader is still busy with its last chunk: the outcome waits for
    // it, so that nothing reads on after the download has returned.
    finished(source, (error) => {
      void Promise.resolve(lastRead).then(() => {
        if (error) fail(error);
        else if (!settled) {
          settled = true;
          resolve();
        }
      });
    });
  });
}

function declaredLength(headers: Readonly<Record<string, string>>): number | undefined {
  const value = headers['content-length'];
  return value !== undefined && /^\d+$/.test(value.trim()) ? Number(value.trim()) : undefined;
}

/** True when the JSON text opens more than `limit` arrays or objects inside each other (strings skipped). */
function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c) i++;
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) inString = true;
    else if (code === 0x5b || code === 0x7b) {
      if (++depth > limit) return true;
    } else if (code === 0x5d || code === 0x7d) depth--;
  }
  return false;
}

/** Undici's headers as one lower-cased string per name (repeated headers joined as HTTP allows). */
function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

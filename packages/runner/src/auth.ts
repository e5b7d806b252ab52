import { setTimeout as sleep } from 'node:timers/promises';
import { type Dispatcher, request as undiciRequest } from 'undici';
import { parseRetryAfter } from './http.ts';
import type { Credentials } from './types.ts';

export class AuthError extends Error {
  override readonly name = 'AuthError';
  constructor(
    readonly code: 'TOKEN_REFUSED' | 'TOKEN_UNREACHABLE' | 'TOKEN_RESPONSE_INVALID',
    message: string,
  ) {
    super(message);
  }
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

// Refresh this long before expiry so a token never lapses in the middle of a check.
const REFRESH_MARGIN_MS = 30_000;
const TOKEN_ATTEMPTS = 4;
const TOKEN_MAX_WAIT_MS = 10_000;
/** A token response is a few hundred bytes; a token endpoint that sends more is not read to its end. */
export const MAX_TOKEN_RESPONSE_BYTES = 64 * 1024;

export interface TokenLimits {
  /** The run's budget: no token is waited for once it is spent. */
  readonly signal?: AbortSignal;
  /** Longest Retry-After the runner waits out (the run's `maxRetryAfterMs`). */
  readonly maxRetryAfterMs?: number;
}

/**
 * Holds one tenant's access: a bearer token given as is, or OAuth 2.0 client credentials exchanged at the
 * token endpoint and refreshed when they near expiry (or when the API answers 401).
 */
export class TokenManager {
  private cached: CachedToken | undefined;
  private pending: Promise<string> | undefined;

  constructor(
    private readonly credentials: Credentials | undefined,
    private readonly tokenUrl: string,
    private readonly onSecret: (secret: string) => void,
    private readonly timeoutMs = 15_000,
    /** Carries the run's TLS trust (`tls.ca`) to the token endpoint too. */
    private readonly dispatcher?: Dispatcher,
    private readonly limits: TokenLimits = {},
  ) {
    onSecret(credentials?.token ?? '');
    onSecret(credentials?.clientSecret ?? '');
  }

  get configured(): boolean {
    return Boolean(this.credentials?.token || (this.credentials?.clientId && this.credentials.clientSecret));
  }

  async token(forceRefresh = false): Promise<string | undefined> {
    if (!this.credentials) return undefined;
    if (this.credentials.token) return this.credentials.token;
    if (!forceRefresh && this.cached && this.cached.expiresAt - REFRESH_MARGIN_MS > Date.now())
      return this.cached.token;
    this.pending ??= this.fetchToken().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async fetchToken(): Promise<string> {
    const { clientId, clientSecret, scope } = this.credentials ?? {};
    if (!clientId || !clientSecret)
      throw new AuthError('TOKEN_REFUSED', 'no client id and secret were given');
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
    });
    if (scope) body.set('scope', scope);
    let status = 0;
    let text = '';
    let contentType = '';
    let lastWait = 0;
    const maxWait = Math.min(TOKEN_MAX_WAIT_MS, this.limits.maxRetryAfterMs ?? TOKEN_MAX_WAIT_MS);
    // A token endpoint may rate-limit like any other: wait as it asks (briefly, a few times), never give up
    // on a busy supplier as if its credentials were wrong.
    for (let attempt = 1; ; attempt++) {
      let retryAfter: string | undefined;
      if (this.limits.signal?.aborted) throw this.budgetSpent();
      try {
        const signal = AbortSignal.timeout(this.timeoutMs);
        const response = await undiciRequest(this.tokenUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body: body.toString(),
          signal: this.limits.signal ? AbortSignal.any([signal, this.limits.signal]) : signal,
          ...(this.dispatcher ? { dispatcher: this.dispatcher } : {}),
        });
        status = response.statusCode;
        contentType = String(response.headers['content-type'] ?? '');
        text = await readCapped(response.body, this.tokenUrl);
        const header = response.headers['retry-after'];
        retryAfter = Array.isArray(header) ? header[0] : header;
      } catch (error) {
        if (error instanceof AuthError) throw error;
        if (this.limits.signal?.aborted) throw this.budgetSpent();
        throw new AuthError(
          'TOKEN_UNREACHABLE',
          `the token endpoint ${this.tokenUrl} did not answer: ${(error as Error).message}`,
        );
      }
      if ((status !== 429 && status !== 503) || attempt >= TOKEN_ATTEMPTS) break;
      lastWait = parseRetryAfter(retryAfter) ?? 1000;
      if (lastWait > maxWait) break;
      await sleep(
        Math.max(lastWait, 100),
        undefined,
        this.limits.signal ? { signal: this.limits.signal } : {},
      ).catch(() => undefined);
    }
    if (status === 429 || status === 503) {
      throw new AuthError(
        'TOKEN_REFUSED',
        lastWait > maxWait
          ? `the token endpoint ${this.tokenUrl} is busy (HTTP ${status}) and asks to wait ${Math.round(lastWait / 1000)} s, longer than the ${maxWait} ms the run waits; try again later`
          : `the token endpoint ${this.tokenUrl} stayed busy (HTTP ${status}) after ${TOKEN_ATTEMPTS} tries with the waits it asked for`,
      );
    }
    if (status !== 200) {
      throw new AuthError(
        'TOKEN_REFUSED',
        `the token endpoint ${this.tokenUrl} refused the client credentials (HTTP ${status}); check the client id and secret`,
      );
    }
    let parsed: { access_token?: unknown; expires_in?: unknown };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      throw new AuthError(
        'TOKEN_RESPONSE_INVALID',
        `the token endpoint ${this.tokenUrl} answered 200 with ${contentType || 'no Content-Type'}, not a JSON token response${/html/i.test(contentType) ? ' (a login page? check that tokenUrl is the OAuth token endpoint)' : ''}`,
      );
    }
    if (typeof parsed.access_token !== 'string' || parsed.access_token === '') {
      throw new AuthError(
        'TOKEN_RESPONSE_INVALID',
        `the token endpoint ${this.tokenUrl} answered without an access_token`,
      );
    }
    this.onSecret(parsed.access_token);
    const lifetime = typeof parsed.expires_in === 'number' && parsed.expires_in > 0 ? parsed.expires_in : 300;
    this.cached = { token: parsed.access_token, expiresAt: Date.now() + lifetime * 1000 };
    return parsed.access_token;
  }

  private budgetSpent(): AuthError {
    return new AuthError(
      'TOKEN_UNREACHABLE',
      `the run’s time budget ran out while getting a token from ${this.tokenUrl}`,
    );
  }
}

/** The body as text, refused past MAX_TOKEN_RESPONSE_BYTES without reading the rest. */
async function readCapped(
  body: AsyncIterable<unknown> & { destroy(): void },
  tokenUrl: string,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > MAX_TOKEN_RESPONSE_BYTES) {
      body.destroy();
      throw new AuthError(
        'TOKEN_RESPONSE_INVALID',
        `the token endpoint ${tokenUrl} sent more than ${MAX_TOKEN_RESPONSE_BYTES} bytes; a token response is a few hundred, so it was not read further`,
      );
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

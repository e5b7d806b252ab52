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

/**
 * How the client proves itself at the token endpoint (RFC 6749 §2.3.1): its id and secret in an HTTP Basic
 * Authorization header, which every server must accept, or as `client_id` and `client_secret` in the form.
 */
export type ClientAuthentication = 'client_secret_basic' | 'client_secret_post';

/** One answer of the token endpoint, read under the size cap. */
interface TokenAnswer {
  readonly status: number;
  readonly text: string;
  readonly contentType: string;
  /** The OAuth `error` of a refusal (RFC 6749 §5.2), when the body carries one. */
  readonly error?: string;
}

// Refresh this long before expiry so a token never lapses in the middle of a check.
const REFRESH_MARGIN_MS = 30_000;
const TOKEN_ATTEMPTS = 4;
const TOKEN_MAX_WAIT_MS = 10_000;
/** A token response is a few hundred bytes; a token endpoint that sends more is not read to its end. */
export const MAX_TOKEN_RESPONSE_BYTES = 64 * 1024;
/** The OAuth errors with which an endpoint says it does not take the client's credentials this way. */
const REFUSED_CLIENT = new Set(['invalid_client', 'invalid_request', 'unauthorized_client']);

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
  private authentication: ClientAuthentication | undefined;

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
    // The Basic credential carries the secret in base64, where scrubbing the secret itself would miss it.
    const basic = this.basicCredential();
    if (basic) {
      onSecret(`Basic ${basic}`);
      onSecret(basic);
    }
  }

  get configured(): boolean {
    return Boolean(this.credentials?.token || (this.credentials?.clientId && this.credentials.clientSecret));
  }

  /**
   * The client authentication the token endpoint took, once a token was obtained: `client_secret_basic` is
   * tried first, `client_secret_post` only when the endpoint refused it, and whichever worked is used for the
   * rest of the run. Undefined before the first token, and for a bearer token given as is.
   */
  get clientAuthentication(): ClientAuthentication | undefined {
    return this.authentication;
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

  /** base64(form-encoded id ":" form-encoded secret), RFC 6749 §2.3.1. */
  private basicCredential(): string | undefined {
    const { clientId, clientSecret } = this.credentials ?? {};
    if (!clientId || !clientSecret) return undefined;
    const encode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);
    return Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64');
  }

  private async fetchToken(): Promise<string> {
    const { clientId, clientSecret } = this.credentials ?? {};
    if (!clientId || !clientSecret)
      throw new AuthError('TOKEN_REFUSED', 'no client id and secret were given');
    const ways: readonly ClientAuthentication[] = this.authentication
      ? [this.authentication]
      : ['client_secret_basic', 'client_secret_post'];
    const refusals: TokenAnswer[] = [];
    let answer: TokenAnswer | undefined;
    let way: ClientAuthentication | undefined;
    for (way of ways) {
      answer = await this.ask(way);
      const refused =
        answer.status === 401 ||
        (answer.status === 400 && answer.error !== undefined && REFUSED_CLIENT.has(answer.error));
      if (!refused) break;
      refusals.push(answer);
    }
    if (!answer || !way) throw new AuthError('TOKEN_REFUSED', 'no client authentication was tried');
    const { status, text, contentType } = answer;
    const said = (a: TokenAnswer | undefined) => `HTTP ${a?.status}${a?.error ? ` ${a.error}` : ''}`;
    if (refusals.length === ways.length) {
      const [basic, post] = refusals;
      const because = (a: TokenAnswer | undefined) => (a?.error ? ` (${a.error})` : '');
      throw new AuthError(
        'TOKEN_REFUSED',
        basic && post
          ? `the token endpoint ${this.tokenUrl} refused the client credentials (HTTP ${basic.status}${post.status === basic.status ? '' : `, then ${post.status}`}) both as client_secret_basic${because(basic)} and as client_secret_post${because(post)}; check the client id and secret`
          : `the token endpoint ${this.tokenUrl} refused the client credentials (${said(answer)}) sent as ${way}, the way it took earlier in the run; check the client id and secret`,
      );
    }
    if (status !== 200) {
      throw new AuthError(
        'TOKEN_REFUSED',
        `the token endpoint ${this.tokenUrl} refused the client credentials (${said(answer)}${
          refusals.length > 0
            ? `, sent as ${way} after it refused client_secret_basic with ${said(refusals[0])}`
            : ''
        }); check the client id and secret`,
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
    this.authentication = way;
    const lifetime = typeof parsed.expires_in === 'number' && parsed.expires_in > 0 ? parsed.expires_in : 300;
    this.cached = { token: parsed.access_token, expiresAt: Date.now() + lifetime * 1000 };
    return parsed.access_token;
  }

  /**
   * One client-credentials request authenticated one way. A token endpoint may rate-limit like any other:
   * its waits are waited out (briefly, a few times), never taken as a refusal of the credentials.
   */
  private async ask(way: ClientAuthentication): Promise<TokenAnswer> {
    const { clientId = '', clientSecret = '', scope } = this.credentials ?? {};
    const body = new URLSearchParams({ grant_type: 'client_credentials' });
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    // Basic puts the credentials in the header alone; RFC 6749 §2.3 forbids sending them both ways at once.
    if (way === 'client_secret_basic') headers.authorization = `Basic ${this.basicCredential()}`;
    else {
      body.set('client_id', clientId);
      body.set('client_secret', clientSecret);
    }
    if (scope) body.set('scope', scope);
    let status = 0;
    let text = '';
    let contentType = '';
    let lastWait = 0;
    const maxWait = Math.min(TOKEN_MAX_WAIT_MS, this.limits.maxRetryAfterMs ?? TOKEN_MAX_WAIT_MS);
    for (let attempt = 1; ; attempt++) {
      let retryAfter: string | undefined;
      if (this.limits.signal?.aborted) throw this.budgetSpent();
      try {
        const signal = AbortSignal.timeout(this.timeoutMs);
        const response = await undiciRequest(this.tokenUrl, {
          method: 'POST',
          headers,
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
    const error = status === 200 ? undefined : oauthError(text);
    return { status, text, contentType, ...(error ? { error } : {}) };
  }

  private budgetSpent(): AuthError {
    return new AuthError(
      'TOKEN_UNREACHABLE',
      `the run’s time budget ran out while getting a token from ${this.tokenUrl}`,
    );
  }
}

/**
 * The `error` of an OAuth error response (RFC 6749 §5.2), when the body is JSON that has one in the characters
 * the RFC allows; a server's free text is never quoted.
 */
function oauthError(text: string): string | undefined {
  try {
    const error = (JSON.parse(text) as { error?: unknown }).error;
    return typeof error === 'string' && /^[\x20-\x21\x23-\x5b\x5d-\x7e]{1,64}$/.test(error)
      ? error
      : undefined;
  } catch {
    return undefined;
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

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
    // A token endpoint may rate-limit like any other: wait as it asks (briefly, a few times), never give up
    // on a busy supplier as if its credentials were wrong.
    for (let attempt = 1; ; attempt++) {
      let retryAfter: string | undefined;
      try {
        const response = await undiciRequest(this.tokenUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body: body.toString(),
          signal: AbortSignal.timeout(this.timeoutMs),
          ...(this.dispatcher ? { dispatcher: this.dispatcher } : {}),
        });
        status = response.statusCode;
        text = await response.body.text();
        const header = response.headers['retry-after'];
        retryAfter = Array.isArray(header) ? header[0] : header;
      } catch (error) {
        throw new AuthError(
          'TOKEN_UNREACHABLE',
          `the token endpoint ${this.tokenUrl} did not answer: ${(error as Error).message}`,
        );
      }
      if ((status !== 429 && status !== 503) || attempt >= TOKEN_ATTEMPTS) break;
      const wait = parseRetryAfter(retryAfter) ?? 1000;
      if (wait > TOKEN_MAX_WAIT_MS) break;
      await new Promise((resolve) => setTimeout(resolve, Math.max(wait, 100)));
    }
    if (status === 429 || status === 503) {
      throw new AuthError(
        'TOKEN_REFUSED',
        `the token endpoint ${this.tokenUrl} stayed busy (HTTP ${status}) after ${TOKEN_ATTEMPTS} tries with the waits it asked for`,
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
        `the token endpoint ${this.tokenUrl} answered 200 without a JSON token response`,
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
}

import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

/**
 * Who a request is counted against. A valid token counts against its tenant, however many tokens the tenant
 * holds; anything else (no token, or one the API never issued) counts against the address it came from, so
 * inventing tokens buys no fresh allowance.
 */
export type RateLimitedClient =
  | { readonly kind: 'tenant'; readonly tenantId: string }
  | { readonly kind: 'address'; readonly address: string }
  /** Token requests carry no bearer token yet: they get their own allowance per address, not the public one. */
  | { readonly kind: 'token-request'; readonly address: string };

export interface RateLimitPolicy {
  /** Requests a tenant (or an address asking for tokens) may make per window. */
  readonly limit: number;
  readonly windowMs: number;
  /** Requests an address may make per window without a valid token. */
  readonly anonymousLimit: number;
}

export type RateLimitVerdict =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly limit: number; readonly retryAfterSeconds: number };

export interface ClientRateLimits {
  take(client: RateLimitedClient): Promise<RateLimitVerdict>;
  /** How many clients the limiter holds a count for: each is forgotten once its window has passed. */
  trackedClients(): number;
}

/**
 * Fixed-window counts per client, kept by rate-limiter-flexible's in-memory limiter, which drops each key when
 * its window ends (a timer per key), so the number of keys held is bounded by the clients of one window.
 * Its windows follow the real clock (or a test's fake timers), not a mock supplier's `now`.
 */
export function createClientRateLimits(policy: RateLimitPolicy): ClientRateLimits {
  // To the library a duration of 0 means counts that never expire: the opposite of forgetting idle clients.
  if (!(policy.windowMs > 0))
    throw new RangeError(`a rate-limit window must be positive, not ${policy.windowMs} ms`);
  const duration = policy.windowMs / 1000;
  const limiters = {
    tenant: new RateLimiterMemory({ keyPrefix: 'tenant', points: policy.limit, duration }),
    address: new RateLimiterMemory({ keyPrefix: 'address', points: policy.anonymousLimit, duration }),
    'token-request': new RateLimiterMemory({ keyPrefix: 'token', points: policy.limit, duration }),
  } as const;
  return {
    async take(client) {
      const limiter = limiters[client.kind];
      const key = client.kind === 'tenant' ? client.tenantId : client.address;
      try {
        await limiter.consume(key);
        return { allowed: true };
      } catch (refusal) {
        // The library rejects with its result when the allowance is spent, and with an Error on a fault.
        if (!(refusal instanceof RateLimiterRes)) throw refusal;
        return {
          allowed: false,
          limit: limiter.points,
          retryAfterSeconds: Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)),
        };
      }
    },
    trackedClients: () =>
      Object.values(limiters).reduce((sum, limiter) => sum + limiter.dump().storage.length, 0),
  };
}

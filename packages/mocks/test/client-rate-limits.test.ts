import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClientRateLimits } from '../src/client-rate-limits.ts';

describe('client rate limits', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const limits = () => createClientRateLimits({ limit: 3, windowMs: 2_000, anonymousLimit: 1 });

  it('gives a tenant, an address and its token requests each their own allowance', async () => {
    const limiter = limits();
    const tenant = { kind: 'tenant', tenantId: 'tenant-a' } as const;
    const address = { kind: 'address', address: '192.0.2.1' } as const;
    const tokenRequest = { kind: 'token-request', address: '192.0.2.1' } as const;
    for (let i = 0; i < 3; i++) expect(await limiter.take(tenant)).toEqual({ allowed: true });
    expect(await limiter.take(tenant)).toEqual({ allowed: false, limit: 3, retryAfterSeconds: 2 });
    expect(await limiter.take(address)).toEqual({ allowed: true });
    vi.advanceTimersByTime(1_200);
    expect(await limiter.take(address)).toEqual({ allowed: false, limit: 1, retryAfterSeconds: 1 });
    expect(await limiter.take(tokenRequest)).toEqual({ allowed: true });
    expect(await limiter.take({ kind: 'address', address: '192.0.2.2' })).toEqual({ allowed: true });
    expect(limiter.trackedClients()).toBe(4);
  });

  it('forgets each client when its window ends, so idle clients hold no memory', async () => {
    const limiter = limits();
    for (let i = 0; i < 500; i++) await limiter.take({ kind: 'address', address: `198.51.100.${i}` });
    vi.advanceTimersByTime(1_000);
    await limiter.take({ kind: 'tenant', tenantId: 'tenant-b' });
    expect(limiter.trackedClients()).toBe(501);
    vi.advanceTimersByTime(1_000);
    expect(limiter.trackedClients()).toBe(1);
    vi.advanceTimersByTime(1_000);
    expect(limiter.trackedClients()).toBe(0);
  });

  it('refuses a window that would never end', () => {
    expect(() => createClientRateLimits({ limit: 1, windowMs: 0, anonymousLimit: 1 })).toThrow(RangeError);
  });
});

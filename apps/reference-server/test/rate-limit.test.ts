import { createMemoryRecordStore, type RecordStore } from '@council-conform/storage';
import { BUDGET } from '@council-conform/test-budgets';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createReferenceServer, type RunningReferenceServer } from '../src/server.ts';
import { startTestServer, tenantToken, testConfig } from './support.ts';

const SPEC = 'housing-repairs';
/** 50 a second for a tenant, so 5 for an address without a valid token (a tenth, at least one). */
const RATE_LIMIT = 50;
const ADDRESS_ALLOWANCE = 5;
const JUNK_TOKENS = 2_000;

describe('the rate limiter over real HTTP', { timeout: BUDGET.realRun }, () => {
  let store: RecordStore;
  let server: RunningReferenceServer;
  beforeAll(async () => {
    store = createMemoryRecordStore();
    server = await startTestServer(store, { CONFORM_RATE_LIMIT: String(RATE_LIMIT) });
  }, BUDGET.setUp);
  afterAll(async () => {
    await server?.close();
    await store?.close();
  });

  it('counts made-up tokens against their address, keeps a tenant’s allowance apart, and holds one key for them', async () => {
    const tenantA = await tenantToken(`${server.url}/${SPEC}`, 'A');
    const statuses = new Map<number, number>();
    let limitedWithoutRetryAfter = 0;
    let next = 0;
    const began = Date.now();
    // 50 at a time from one address (127.0.0.1), each request with a token no one was ever issued.
    const sender = async () => {
      for (let i = next++; i < JUNK_TOKENS; i = next++) {
        const answer = await fetch(`${server.url}/${SPEC}/tenancies`, {
          headers: { authorization: `Bearer junk-token-${i}` },
        });
        await answer.arrayBuffer();
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        if (answer.status === 429 && !/^\d+$/.test(answer.headers.get('retry-after') ?? ''))
          limitedWithoutRetryAfter += 1;
      }
    };
    await Promise.all(Array.from({ length: 50 }, sender));
    const windows = Math.ceil((Date.now() - began) / 1000) + 1;

    const limited = statuses.get(429) ?? 0;
    expect(limited + (statuses.get(401) ?? 0)).toBe(JUNK_TOKENS);
    // However slow the machine, no more got through than the address's allowance in each window it spanned.
    expect(statuses.get(401) ?? 0).toBeLessThanOrEqual(ADDRESS_ALLOWANCE * windows);
    expect(limited).toBeGreaterThan(JUNK_TOKENS / 2);
    expect(limitedWithoutRetryAfter).toBe(0);

    // The address is spent, the tenant is not: its valid token has an allowance of its own.
    for (let i = 0; i < 10; i++) {
      const own = await fetch(`${server.url}/${SPEC}/tenancies?limit=1`, {
        headers: { authorization: `Bearer ${tenantA}` },
      });
      await own.arrayBuffer();
      expect(own.status).toBe(200);
    }
    // 2,000 tokens, one address: the limiter holds the address, the token requests and tenant A, no more.
    expect(server.server.suppliers.get(SPEC)?.rateLimitedClients()).toBeLessThanOrEqual(3);
  });
});

describe('the rate limiter on a clock the test moves', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('forgets every client once a window has passed without its requests', async () => {
    const reference = await createReferenceServer(
      testConfig({ CONFORM_RATE_LIMIT: String(RATE_LIMIT), CONFORM_SEED: 'none' }),
      createMemoryRecordStore(),
    );
    const supplier = reference.suppliers.get(SPEC);
    try {
      vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
      const clients = 1_000;
      for (let i = 0; i < clients; i++) {
        const answer = await reference.handle(
          new Request(`http://localhost/${SPEC}/.well-known/security.txt`, {
            headers: { authorization: `Bearer junk-token-${i}` },
          }),
          { address: `10.0.${i >> 8}.${i & 255}` },
        );
        expect(answer.status).toBe(200);
      }
      expect(supplier?.rateLimitedClients()).toBe(clients);

      vi.advanceTimersByTime(500);
      expect(supplier?.rateLimitedClients()).toBe(clients);
      vi.advanceTimersByTime(500);
      expect(supplier?.rateLimitedClients()).toBe(0);

      // A forgotten address starts again with its whole allowance.
      const again = await reference.handle(new Request(`http://localhost/${SPEC}/.well-known/security.txt`), {
        address: '10.0.0.0',
      });
      expect(again.status).toBe(200);
      expect(supplier?.rateLimitedClients()).toBe(1);
    } finally {
      vi.useRealTimers();
      await reference.close();
    }
  });
});

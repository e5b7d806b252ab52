import { exploreTarget } from '@council-conform/explorer';
import { listSpecIds } from '@council-conform/specs';
import { openRecordStore, type RecordStore } from '@council-conform/storage';
import { BUDGET } from '@council-conform/test-budgets';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { RunningReferenceServer } from '../src/server.ts';
import { startTestServer, TENANT_ENV } from './support.ts';

const SEED = 2026;
const REQUESTS = 120;

/**
 * `conform explore` against every spec of the reference server (embedded PGlite), with a fixed seed and a
 * small budget: it finishes within the budget, says what it tried, and finds nothing wrong: the reference
 * server keeps every promise its descriptions make.
 */
describe('exploring every spec of the reference server', { timeout: BUDGET.realRun }, () => {
  let store: RecordStore;
  let server: RunningReferenceServer;
  beforeAll(async () => {
    store = await openRecordStore();
    // The server's own rate limit is lifted: this is about what exploration finds, not about 429s.
    server = await startTestServer(store, { CONFORM_RATE_LIMIT: '100000' });
  }, BUDGET.database);
  afterAll(async () => {
    await server?.close();
    await store?.close();
  });

  it.for(listSpecIds())('%s is explored clean, within its budget', async (specId, { expect }) => {
    const report = await exploreTarget({
      target: `${server.url}/${specId}`,
      seed: SEED,
      mode: 'readonly',
      budget: { requests: REQUESTS, timeMs: BUDGET.realRun },
      requestsPerSecond: Number.POSITIVE_INFINITY,
      credentials: {
        clientId: TENANT_ENV.CONFORM_TENANT_A_CLIENT_ID,
        clientSecret: TENANT_ENV.CONFORM_TENANT_A_CLIENT_SECRET,
      },
    });
    expect(report.findings.map((f) => `${f.kind}: ${f.message}`)).toEqual([]);
    expect(report.used.requests).toBeLessThanOrEqual(REQUESTS);
    expect(report.seed).toBe(SEED);
    expect(report.judged).toBeGreaterThan(0);
    expect(report.operations.filter((o) => o.requests > 0).length).toBeGreaterThan(0);
  });
});

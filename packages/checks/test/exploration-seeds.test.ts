import { type ExploreFinding, exploreTarget } from '@council-conform/explorer';
import {
  createMockSupplier,
  type FaultId,
  mockRunTarget,
  type RunningMockServer,
  startMockServer,
} from '@council-conform/mocks';
import { BUDGET } from '@council-conform/test-budgets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUN_EXPLORATION_BUDGET } from '../src/open-api/explored-from-description.ts';

/**
 * The exploration faults are caught whatever the run's seed: exploration tries every documented edge and the
 * value just past it before anything random, so the fault matrix (random seed each run) cannot miss one by
 * luck. Each fault is explored as the in-run check explores it (its budget, readonly), on every spec with two
 * of the seeds, taken in turn so that every fault meets every seed on some spec (each exploration costs its
 * whole budget; all five seeds on every spec took eight minutes of a loaded CI).
 */
const SPECS = [
  'business-rates',
  'childrens-social-care',
  'council-tax',
  'housing-repairs',
  'planning-applications',
  'premises-licences',
  'service-directory',
  'spend-transparency',
  'street-reports',
  'waste-collections',
] as const;
const SEEDS = [1, 7, 42, 1234, -987654321] as const;

/** What each fault must show in the report, as a finding's kind and its request. */
const SHOWN: Readonly<Record<string, (finding: ExploreFinding) => boolean>> = {
  'explore-500-on-boundary': (f) => f.kind === 'server-error' && f.status === 500,
  'explore-accepts-invalid-parameter': (f) =>
    f.kind === 'invalid-input-accepted' && /above maximum/.test(f.how),
  // The stack trace is named as such, not only as the 5xx that carries it.
  'explore-stack-trace-on-wrong-type': (f) =>
    f.kind === 'internals-in-error' && /stack trace/.test(f.message),
};

/** Two of the seeds for a spec and fault, turning with both, so each fault meets every seed across the specs. */
function seedsFor(specIndex: number, faultIndex: number): number[] {
  const at = specIndex + faultIndex;
  return [SEEDS[at % SEEDS.length] as number, SEEDS[(at + 2) % SEEDS.length] as number];
}

describe.each(SPECS.map((specId, index) => [specId, index] as const))(
  'exploration faults on %s, whatever the seed',
  { timeout: BUDGET.realRun },
  (specId, specIndex) => {
    for (const [faultIndex, [faultId, shows]] of Object.entries(SHOWN).entries()) {
      let server: RunningMockServer | undefined;
      let target: { url: string; credentials: ReturnType<typeof mockRunTarget>['credentials'] };
      describe(faultId, () => {
        beforeAll(async () => {
          // The mock's own rate limit is lifted: this is about what exploration reaches, not about 429s.
          const supplier = await createMockSupplier(specId, {
            faults: [faultId as FaultId],
            rateLimit: { limit: 1_000_000, windowMs: 1000 },
          });
          server = await startMockServer(supplier);
          target = { url: server.url, credentials: mockRunTarget(supplier, server.url).credentials };
        });
        afterAll(async () => {
          await server?.close();
        });
        it.for(seedsFor(specIndex, faultIndex))(
          'is found with seed %i within the in-run budget',
          async (seed) => {
            const report = await exploreTarget({
              target: target.url,
              seed,
              mode: 'readonly',
              budget: { requests: RUN_EXPLORATION_BUDGET.requests, timeMs: BUDGET.realRun },
              requestsPerSecond: Number.POSITIVE_INFINITY,
              credentials: target.credentials,
            });
            expect(report.used.requests).toBeLessThanOrEqual(RUN_EXPLORATION_BUDGET.requests);
            expect(
              report.findings.filter(shows).map((f) => f.operation),
              report.findings.map((f) => `${f.kind}: ${f.message}`).join('\n'),
            ).not.toEqual([]);
          },
        );
      });
    }
  },
);

describe('the seeds the exploration faults are tried with', () => {
  it('give every fault every seed across the specs', () => {
    for (const faultIndex of Object.keys(SHOWN).keys()) {
      const met = new Set(SPECS.flatMap((_, specIndex) => seedsFor(specIndex, faultIndex)));
      expect([...met].sort()).toEqual([...SEEDS].sort());
    }
  });
});

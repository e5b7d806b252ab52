import { createMockSupplier, mockRunTarget, startMockServer } from '@council-conform/mocks';
import { type RunReport, resolveRunConfig, runConformance } from '@council-conform/runner';
import { describe, expect, it } from 'vitest';
import { CHECKS, loadReference } from '../src/index.ts';

/**
 * A supplier that answers everything well and holds nothing: every list empty, every export file empty.
 * Nothing about its data can be judged, so no check of its data may pass. The runner's evidence rule turns
 * a pass that judged nothing into an error that starts "passed without evidence"; here every check must
 * say for itself why it could not judge instead, so a check that would pass vacuously fails this test.
 */
async function runAgainstEmptySupplier(specId: string): Promise<RunReport> {
  const supplier = await createMockSupplier(specId, {
    seed: false,
    rateLimit: { limit: 400, windowMs: 1000 },
  });
  const server = await startMockServer(supplier);
  try {
    const { reference, personalFields } = await loadReference(specId);
    return await runConformance({
      config: resolveRunConfig({
        ...mockRunTarget(supplier, server.url),
        mode: 'sandbox',
        requestsPerSecond: 250,
        requestTimeoutMs: 5_000,
        runBudgetMs: 60_000,
        maxRetryAfterMs: 2_000,
        exportBudgetMs: 2_000,
      }),
      reference,
      checks: CHECKS,
      personalFields,
      runner: { name: 'council-conform', version: 'test' },
    });
  } finally {
    await server.close();
  }
}

/** Checks whose whole subject is the supplier's records or export contents. */
const ABOUT_DATA = [
  'responses-match-reference',
  'responses-match-description',
  'personal-data-not-in-public',
  'personal-data-tenant-isolation',
  'right-to-data-records-valid',
  'right-to-data-export-complete',
  'right-to-data-export-fidelity',
  'easy-exit-round-trip',
  'open-standards-rfc3339-dates',
  'open-standards-address-identifiers',
  'open-standards-gss-codes',
];

describe.each(['housing-repairs', 'street-reports'])('a supplier with no data (%s)', (specId) => {
  it('passes no check about data, and no check leaves the runner to catch a vacuous pass', async () => {
    const report = await runAgainstEmptySupplier(specId);
    const vacuous = report.checks.filter((c) => c.message.startsWith('passed without evidence'));
    expect(vacuous.map((c) => `${c.id}: ${c.message}`)).toEqual([]);
    const passedOnNothing = report.checks.filter((c) => ABOUT_DATA.includes(c.id) && c.status === 'pass');
    expect(passedOnNothing.map((c) => `${c.id}: ${c.message}`)).toEqual([]);
    for (const check of report.checks.filter((c) => c.status === 'pass')) {
      expect(check.judged?.count, check.id).toBeGreaterThan(0);
      expect(check.exchangeIds?.length, check.id).toBeGreaterThan(0);
    }
    expect(report.certifiable).toBe(false);
  });
});

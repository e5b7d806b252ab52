import {
  createMockSupplier,
  type FaultId,
  mockRoundTripTarget,
  mockRunTarget,
  startMockServer,
} from '@council-conform/mocks';
import { type Check, type RunReport, resolveRunConfig, runConformance } from '@council-conform/runner';
import { CHECKS, loadReference } from '../../src/index.ts';

/** Runs every check against a mock of a spec (with or without faults) over real HTTP on 127.0.0.1. */
export async function runAgainstMock(
  specId: string,
  faults: readonly FaultId[] = [],
  checks: readonly Check[] = CHECKS,
): Promise<RunReport> {
  const supplier = await createMockSupplier(specId, { faults, rateLimit: { limit: 400, windowMs: 1000 } });
  const server = await startMockServer(supplier);
  // The easy-exit round trip imports the export into another, empty implementation of the profile.
  const other = await createMockSupplier(specId, {
    seed: false,
    features: supplier.spec.profile.operations.optional,
    rateLimit: { limit: 10_000, windowMs: 1000 },
  });
  const otherServer = await startMockServer(other);
  try {
    const { reference, personalFields } = await loadReference(specId);
    const config = resolveRunConfig({
      ...mockRunTarget(supplier, server.url),
      mode: 'sandbox',
      requestsPerSecond: 250,
      requestTimeoutMs: 5_000,
      runBudgetMs: 60_000,
      maxRetryAfterMs: 2_000,
      exportBudgetMs: 2_000,
      roundTrip: mockRoundTripTarget(other, otherServer.url),
    });
    return await runConformance({
      config,
      reference,
      checks,
      personalFields,
      runner: { name: 'council-conform', version: 'test' },
    });
  } finally {
    await server.close();
    await otherServer.close();
  }
}

export function statusOf(report: RunReport, checkId: string): string | undefined {
  return report.checks.find((c) => c.id === checkId)?.status;
}

/** Must checks that failed or errored, with their messages, for readable assertion failures. */
export function badMustChecks(report: RunReport): string[] {
  return report.checks
    .filter((c) => c.severity === 'must' && (c.status === 'fail' || c.status === 'error'))
    .map((c) => `${c.id}: ${c.status}: ${c.message}`);
}

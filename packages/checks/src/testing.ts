/**
 * Test support for anything that needs a real run: every check against a mock supplier over real HTTP on
 * 127.0.0.1, with the easy-exit round trip into a second, empty mock. Imported as
 * `@council-conform/checks/testing` by this package's fault matrix, the reference server's and the
 * dashboard's tests; not part of the catalogue's public face.
 */
import { type FaultId, serveMockWithRoundTrip } from '@council-conform/mocks';
import {
  type Attestation,
  type Check,
  type RunReport,
  resolveRunConfig,
  runConformance,
} from '@council-conform/runner';
import { BUDGET } from '@council-conform/test-budgets';
import { CHECKS } from './catalogue.ts';
import { loadReference } from './reference.ts';

export interface MockRunOptions {
  readonly checks?: readonly Check[];
  readonly attestation?: Attestation;
}

/** Runs the checks against a mock of a spec (with or without faults) over real HTTP on 127.0.0.1. */
export async function runAgainstMock(
  specId: string,
  faults: readonly FaultId[] = [],
  options: MockRunOptions = {},
): Promise<RunReport> {
  const served = await serveMockWithRoundTrip(specId, faults);
  try {
    const { reference, personalFields } = await loadReference(specId);
    const config = resolveRunConfig({
      ...served.runTarget,
      mode: 'sandbox',
      requestsPerSecond: 250,
      // Generous, as no test of the matrix is about them; the export budget stays small, as a fault's export
      // never finishes and the run waits all of it.
      requestTimeoutMs: BUDGET.request,
      runBudgetMs: BUDGET.realRun,
      maxRetryAfterMs: 2_000,
      exportBudgetMs: 2_000,
    });
    return await runConformance({
      config,
      reference,
      checks: options.checks ?? CHECKS,
      personalFields,
      ...(options.attestation ? { attestation: options.attestation } : {}),
      runner: { name: 'council-conform', version: 'test' },
    });
  } finally {
    await served.close();
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

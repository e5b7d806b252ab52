/**
 * Test support for anything that needs a real run: every check against a mock supplier over real https on
 * 127.0.0.1 (a throwaway certificate the run trusts, so TLS is judged like everything else), with a second
 * tenant and the easy-exit round trip into a second, empty mock: a run of the conformant mock is fully
 * judged, and certifiable when given an attestation. Imported as
 * `@council-conform/checks/testing` by this package's fault matrix, the reference server's and the
 * dashboard's tests; not part of the catalogue's public face.
 */
import {
  createSelfSignedCertificate,
  type FaultId,
  serveMockWithRoundTrip,
  type TlsCertificate,
} from '@council-conform/mocks';
import {
  type Attestation,
  type Check,
  type RunReport,
  resolveRunConfig,
  runConformance,
} from '@council-conform/runner';
import { BUDGET } from '@council-conform/test-budgets';
import { CHECKS } from './catalogue.ts';
import { measureDataQuality } from './data-quality.ts';
import { loadReference } from './reference.ts';

export interface MockRunOptions {
  readonly checks?: readonly Check[];
  readonly attestation?: Attestation;
}

// One certificate serves every run of a process: making one costs a key pair.
let certificate: Promise<TlsCertificate> | undefined;

/** Runs the checks against a mock of a spec (with or without faults) over real https on 127.0.0.1. */
export async function runAgainstMock(
  specId: string,
  faults: readonly FaultId[] = [],
  options: MockRunOptions = {},
): Promise<RunReport> {
  certificate ??= createSelfSignedCertificate();
  const tls = await certificate;
  const served = await serveMockWithRoundTrip(specId, faults, { tls });
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
      tls: { ca: tls.cert },
    });
    return await runConformance({
      config,
      reference,
      checks: options.checks ?? CHECKS,
      personalFields,
      measureDataQuality,
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

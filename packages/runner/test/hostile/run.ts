import type { HostileCertificates } from '@council-conform/private-ca/testing';
import {
  PreflightError,
  type ResolvedRunConfig,
  type RunReport,
  resolveRunConfig,
  runConformance,
} from '../../src/index.ts';
import { HOSTILE_CHECKS } from './checks.ts';
import type { Pathology } from './pathologies.ts';
import { HOSTILE_REFERENCE, PERSONAL_FIELDS } from './reference.ts';
import { CLIENT, type HostileSupplier, startHostileSupplier } from './server.ts';

/** Small limits, so every pathology ends in a second or two: the same limits production has, scaled down. */
export const RUN_SETTINGS = {
  requestsPerSecond: 500,
  requestTimeoutMs: 1_000,
  runBudgetMs: 8_000,
  maxResponseBytes: 1024 * 1024,
  maxRetryAfterMs: 2_000,
  exportBudgetMs: 800,
} as const;

export interface PathologyRun {
  readonly report: RunReport;
  /** Set when the run stopped at pre-flight (its report is the error's). */
  readonly preflightError?: PreflightError;
  readonly config: ResolvedRunConfig;
  readonly supplier: HostileSupplier;
  readonly elapsedMs: number;
  /** Highest resident set size seen during the run, less the size before it. */
  readonly peakRssGrowth: number;
}

/** One full conformance run (pre-flight and the four checks) against a supplier with the pathology. */
export async function runAgainst(
  pathology: Pick<Pathology, 'routes' | 'config'> & { readonly tls?: Pathology['tls'] | 'valid' },
  certificates: HostileCertificates,
): Promise<PathologyRun> {
  const supplier = await startHostileSupplier({
    ...(pathology.routes ? { routes: pathology.routes } : {}),
    ...(pathology.tls ? { tls: certificates[pathology.tls] } : {}),
  });
  try {
    const config = resolveRunConfig({
      target: supplier.url,
      credentials: CLIENT,
      ...RUN_SETTINGS,
      ...(supplier.url.startsWith('https:') ? { tls: { ca: certificates.ca.certificatePem } } : {}),
      ...pathology.config,
    });
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sample = () => {
      peak = Math.max(peak, process.memoryUsage().rss);
    };
    const sampler = setInterval(sample, 5);
    const started = performance.now();
    let report: RunReport;
    let preflightError: PreflightError | undefined;
    try {
      report = await runConformance({
        config,
        reference: HOSTILE_REFERENCE,
        checks: HOSTILE_CHECKS,
        personalFields: PERSONAL_FIELDS,
        runner: { name: 'hostile-test', version: '0' },
      });
    } catch (error) {
      if (!(error instanceof PreflightError) || !error.report) throw error;
      preflightError = error;
      report = error.report;
    } finally {
      clearInterval(sampler);
      sample();
    }
    return {
      report,
      ...(preflightError ? { preflightError } : {}),
      config,
      supplier,
      elapsedMs: performance.now() - started,
      peakRssGrowth: peak - baseline,
    };
  } finally {
    await supplier.close();
  }
}

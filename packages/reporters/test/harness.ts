import { CHECKS, loadReference, measureDataQuality } from '@council-conform/checks';
import { createMockSupplier, type FaultId, startMockServer } from '@council-conform/mocks';
import {
  type Attestation,
  type RunReport,
  readAttestation,
  resolveRunConfig,
  runConformance,
} from '@council-conform/runner';
import { BUDGET } from '@council-conform/test-budgets';

export const EXAMPLE_ATTESTATION = new URL('../../../docs/examples/attestation.yaml', import.meta.url)
  .pathname;

export interface RealRun {
  readonly report: RunReport;
  /** Secrets the run was given; none may appear in any output. */
  readonly secrets: readonly string[];
}

/**
 * A real report: every check of the catalogue against a mock supplier served on 127.0.0.1, with the primary
 * tenant on OAuth client credentials and the second tenant on a bearer token given as is.
 */
export async function realRun(
  specId: string,
  faults: readonly FaultId[] = [],
  attestation?: Attestation,
): Promise<RealRun> {
  const secondToken = `second-tenant-token-${Math.random().toString(36).slice(2)}`;
  const supplier = await createMockSupplier(specId, {
    faults,
    tokens: [`unused-primary-token-${Math.random().toString(36).slice(2)}`, secondToken],
    rateLimit: { limit: 400, windowMs: 1000 },
  });
  const server = await startMockServer(supplier);
  try {
    const { reference, personalFields } = await loadReference(specId);
    const [a] = supplier.tenants;
    const config = resolveRunConfig({
      target: server.url,
      mode: 'sandbox',
      credentials: { clientId: a!.clientId, clientSecret: a!.clientSecret },
      secondTenant: { token: secondToken },
      features: supplier.features,
      requestsPerSecond: 250,
      requestTimeoutMs: BUDGET.request,
      runBudgetMs: BUDGET.realRun,
      maxRetryAfterMs: 2_000,
    });
    const report = await runConformance({
      config,
      reference,
      checks: CHECKS,
      personalFields,
      measureDataQuality,
      ...(attestation ? { attestation } : {}),
      runner: { name: 'council-conform', version: 'test' },
    });
    return { report, secrets: [a!.clientSecret, secondToken] };
  } finally {
    await server.close();
  }
}

export const exampleAttestation = () => readAttestation(EXAMPLE_ATTESTATION);

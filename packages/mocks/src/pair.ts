import type { FaultId } from './faults.ts';
import { startMockServer } from './server.ts';
import { createMockSupplier, type MockSupplier, mockRoundTripTarget, mockRunTarget } from './supplier.ts';
import type { TlsCertificate } from './tls.ts';

/** A mock supplier served on 127.0.0.1, and a second, empty one to carry its export into. */
export interface ServedMockPair {
  readonly supplier: MockSupplier;
  readonly url: string;
  /**
   * The target part of a sandbox run's configuration: the supplier's URL and both tenants' credentials, its
   * features, and the empty twin as the easy-exit round-trip target.
   */
  readonly runTarget: ReturnType<typeof mockRunTarget> & {
    readonly roundTrip: ReturnType<typeof mockRoundTripTarget>;
  };
  close(): Promise<void>;
}

/**
 * Serves a mock of a spec (with or without faults) and an empty implementation of the same profile that
 * offers every optional operation, the bulk import included: what a sandbox run with the easy-exit round trip
 * needs, for the demo and for every test that makes a real run.
 */
export async function serveMockWithRoundTrip(
  specId: string,
  faults: readonly FaultId[] = [],
  /** Serve the supplier over https with this certificate (its twin stays on plain http). */
  options: { readonly tls?: TlsCertificate } = {},
): Promise<ServedMockPair> {
  const supplier = await createMockSupplier(specId, { faults, rateLimit: { limit: 400, windowMs: 1000 } });
  const other = await createMockSupplier(specId, {
    seed: false,
    features: supplier.spec.profile.operations.optional,
    rateLimit: { limit: 10_000, windowMs: 1000 },
  });
  const server = await startMockServer(supplier, options.tls ? { tls: options.tls } : {});
  const otherServer = await startMockServer(other).catch(async (error: unknown) => {
    await server.close();
    throw error;
  });
  return {
    supplier,
    url: server.url,
    runTarget: {
      ...mockRunTarget(supplier, server.url),
      roundTrip: mockRoundTripTarget(other, otherServer.url),
    },
    close: async () => {
      await server.close();
      await otherServer.close();
    },
  };
}

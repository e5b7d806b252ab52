import {
  createMockSupplier,
  createSelfSignedCertificate,
  mockRoundTripTarget,
  mockRunTarget,
  startMockServer,
} from '@council-conform/mocks';
import { readAttestation, resolveRunConfig, runConformance } from '@council-conform/runner';
import { describe, expect, it } from 'vitest';
import { CHECKS, loadReference } from '../src/index.ts';

const ATTESTATION = new URL('../../../docs/examples/attestation.yaml', import.meta.url).pathname;

/**
 * What a certifiable run takes: the conformant mock over https with a private certificate the run trusts,
 * a second tenant, a round-trip target and the supplier's attestation, in sandbox mode. Every must check is
 * then judged, so nothing is left "not judged" and the level is not provisional; drop any one of those and
 * the run says what is missing.
 */
describe.each(['housing-repairs', 'street-reports'])(
  'a fully judged run of the conformant mock (%s)',
  (spec) => {
    it('is certifiable at gold, with nothing not judged; without https it says what to give', async () => {
      const certificate = await createSelfSignedCertificate();
      // Credentialed calls get 400 a second, so the run's own 250 never meets a 429; calls without credentials
      // get 5, so the burst (which sends none) is limited however slowly a busy machine lets it send.
      const supplier = await createMockSupplier(spec, {
        rateLimit: { limit: 400, windowMs: 1000, anonymousLimit: 5 },
      });
      const other = await createMockSupplier(spec, {
        seed: false,
        features: supplier.spec.profile.operations.optional,
        rateLimit: { limit: 10_000, windowMs: 1000 },
      });
      const https = await startMockServer(supplier, { tls: certificate });
      const plain = await startMockServer(supplier);
      const roundTrip = await startMockServer(other);
      try {
        const { reference, personalFields } = await loadReference(spec);
        const attestation = await readAttestation(ATTESTATION);
        const run = (target: string) =>
          runConformance({
            config: resolveRunConfig({
              ...mockRunTarget(supplier, target),
              roundTrip: mockRoundTripTarget(other, roundTrip.url),
              mode: 'sandbox',
              requestsPerSecond: 250,
              requestTimeoutMs: 10_000,
              runBudgetMs: 120_000,
              maxRetryAfterMs: 2_000,
              exportBudgetMs: 10_000,
              tls: { ca: certificate.cert },
            }),
            reference,
            checks: CHECKS,
            personalFields,
            attestation,
            runner: { name: 'council-conform', version: 'test' },
          });
        const judged = await run(https.url);
        expect(judged.notJudged, JSON.stringify(judged.notJudged)).toEqual([]);
        expect(judged.certifiableReasons).toEqual([]);
        expect({
          level: judged.level,
          provisional: judged.levelProvisional,
          certifiable: judged.certifiable,
        }).toEqual({ level: 'gold', provisional: false, certifiable: true });
        // The same supplier over plain http: gold at most provisionally, not certifiable, and why.
        const unjudged = await run(plain.url);
        expect(unjudged.certifiable).toBe(false);
        expect(unjudged.levelProvisional).toBe(true);
        expect(unjudged.notJudged.map((n) => n.check).sort()).toEqual([
          'secure-hsts',
          'secure-tls-enforced',
          'secure-tls-version',
        ]);
        expect(unjudged.clauses.find((c) => c.id === 'secure')?.status).toBe('not-judged');
      } finally {
        await Promise.all([https.close(), plain.close(), roundTrip.close()]);
      }
    });
  },
);

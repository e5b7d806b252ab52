import {
  createMockSupplier,
  createSelfSignedCertificate,
  type FaultId,
  mockRunTarget,
  startMockServer,
  type TlsCertificate,
} from '@council-conform/mocks';
import { type RunReport, resolveRunConfig, runConformance } from '@council-conform/runner';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadReference } from '../src/index.ts';
import { SECURE_CHECKS } from '../src/secure/index.ts';
import { SECURE_EXPECTATIONS } from './matrix/expectations/secure.ts';
import { badMustChecks, statusOf } from './matrix/harness.ts';

/**
 * The transport checks, proven over HTTPS: the http matrix serves mocks on loopback plain http, where they
 * are not applicable. Here the mock serves HTTPS with a throwaway self-signed certificate (plain http on
 * the same port redirects) and the runner trusts it through its `tls.ca` setting.
 */
const SPEC = 'street-reports';
const TLS_FAULTS: readonly FaultId[] = ['http-without-tls-redirect', 'no-hsts', 'tls-legacy-versions'];
const TLS_CHECKS = ['secure-tls-enforced', 'secure-tls-version', 'secure-hsts'];

let certificate: TlsCertificate;
beforeAll(async () => {
  certificate = await createSelfSignedCertificate();
});

async function runOverHttps(faults: readonly FaultId[]): Promise<RunReport> {
  const supplier = await createMockSupplier(SPEC, { faults, rateLimit: { limit: 400, windowMs: 1000 } });
  const server = await startMockServer(supplier, { tls: certificate });
  try {
    const { reference, personalFields } = await loadReference(SPEC);
    return await runConformance({
      config: resolveRunConfig({
        ...mockRunTarget(supplier, server.url),
        mode: 'sandbox',
        requestsPerSecond: 250,
        requestTimeoutMs: 5_000,
        runBudgetMs: 60_000,
        maxRetryAfterMs: 2_000,
        tls: { ca: certificate.cert },
      }),
      reference,
      checks: SECURE_CHECKS,
      personalFields,
      runner: { name: 'council-conform', version: 'test' },
    });
  } finally {
    await server.close();
  }
}

describe('secure checks over HTTPS', () => {
  it('pass against the conformant mock, TLS checks included', async () => {
    const report = await runOverHttps([]);
    expect(report.target.url).toMatch(/^https:/);
    expect(badMustChecks(report)).toEqual([]);
    for (const id of TLS_CHECKS) expect(`${id}: ${statusOf(report, id)}`).toBe(`${id}: pass`);
    expect(report.checks.find((c) => c.id === 'secure-tls-version')?.message).toMatch(/negotiated TLSv1\.3/);
  });

  it.each(TLS_FAULTS.map((fault) => [fault]))('%s is caught', async (fault) => {
    const expectation = SECURE_EXPECTATIONS[fault]!;
    const report = await runOverHttps([fault]);
    for (const id of expectation.caughtBy) {
      const check = report.checks.find((c) => c.id === id);
      expect(`${id}: ${check?.status}`, check?.message).toBe(`${id}: fail`);
    }
    const allowed = new Set([...expectation.caughtBy, ...Object.keys(expectation.alsoFails ?? {})]);
    expect(badMustChecks(report).filter((line) => !allowed.has(line.split(':')[0] as string))).toEqual([]);
  });

  it('leaves TLS not judged, never passed, on a loopback plain-http target, and says what to give', async () => {
    const supplier = await createMockSupplier(SPEC);
    const server = await startMockServer(supplier);
    try {
      const { reference, personalFields } = await loadReference(SPEC);
      const [a] = supplier.tenants;
      const report = await runConformance({
        config: resolveRunConfig({
          target: server.url,
          credentials: { clientId: a!.clientId, clientSecret: a!.clientSecret },
          requestsPerSecond: 250,
        }),
        reference,
        checks: SECURE_CHECKS.filter((c) => TLS_CHECKS.includes(c.id)),
        personalFields,
        runner: { name: 'council-conform', version: 'test' },
      });
      for (const check of report.checks) {
        expect(check.status, check.id).toBe('not-judged');
        expect(check.message).toMatch(/plain http on loopback/);
        expect(check.toJudge).toMatch(/https address as --target .*--ca-file/);
      }
      expect(report.certifiable).toBe(false);
      expect(report.notJudged.map((n) => n.check).sort()).toEqual([...TLS_CHECKS].sort());
    } finally {
      await server.close();
    }
  });
});

import { FAULTS, type FaultId } from '@council-conform/mocks';
import { describe, it } from 'vitest';
import { CHECKS } from '../../src/catalogue.ts';
import { EXPECTATIONS } from './expectations.ts';
import { badMustChecks, runAgainstMock, statusOf } from './harness.ts';

const EXPLORATION_CHECK = 'explored-from-description';

/**
 * The fault matrix for one spec: the conformant mock passes every must check; each fault on its own fails
 * the checks that exist to catch it and no unrelated must check. A fault whose catching check does not
 * apply to this spec (no personal dataset, say) is skipped here and proven on another spec.
 */
export function defineMatrixSuite(specId: string): void {
  // Each run waits on its mock more than it computes (the run's request rate, export and import polls), so
  // several run at once, each against mocks of its own; `expect` is each test's own, as concurrency needs.
  describe(`fault matrix: ${specId}`, { concurrent: true }, () => {
    it('the conformant mock passes every must check, each of them judged', async ({ expect }) => {
      const report = await runAgainstMock(specId);
      expect(badMustChecks(report)).toEqual([]);
      expect(report.notJudged.filter((n) => n.severity === 'must')).toEqual([]);
    });

    const faults = FAULTS.filter((fault) => EXPECTATIONS[fault.id as FaultId]);
    it.for(faults.map((fault) => [fault.id, fault.story] as const))(
      '%s is caught',
      async ([faultId], { expect }) => {
        const expectation = EXPECTATIONS[faultId as FaultId]!;
        // Exploration (a should check, a couple of hundred requests) is run only where it is the catching
        // check: elsewhere it cannot change which must checks fail, and it doubled the matrix's time.
        const wanted = new Set([...expectation.caughtBy, ...Object.keys(expectation.alsoFails ?? {})]);
        const checks = CHECKS.filter((check) => check.id !== EXPLORATION_CHECK || wanted.has(check.id));
        const report = await runAgainstMock(specId, [faultId as FaultId], { checks });
        // A check that does not apply here (no personal dataset), or that a plain-http mock cannot let it
        // judge (TLS), is proven where it can be: another spec, or the https tests (secure-tls.test.ts).
        const judgedHere = (id: string) =>
          !['not-applicable', 'not-judged'].includes(statusOf(report, id) ?? '');
        const applicable = expectation.caughtBy.filter(judgedHere);
        if (applicable.length === 0) return;
        for (const checkId of expectation.caughtBy) {
          const status = statusOf(report, checkId);
          if (!judgedHere(checkId)) continue;
          expect(`${checkId}: ${status}`, report.checks.find((c) => c.id === checkId)?.message).toBe(
            `${checkId}: fail`,
          );
        }
        expect(badMustChecks(report).filter((line) => !wanted.has(line.split(':')[0] as string))).toEqual([]);
      },
    );
  });
}

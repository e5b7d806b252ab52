import { describe, expect, it } from 'vitest';
import { productSummary, SUMMARY_CHECK_IDS, SUMMARY_CHECKS } from '../src/product-summary.ts';
import type { StoredCheckResult, StoredClauseResult } from '../src/store.ts';

function clause(
  id: string,
  number: number,
  automatedStatus: string | null,
  attested = false,
): StoredClauseResult {
  return {
    clause: id,
    number,
    title: `Clause ${id}`,
    assessment: automatedStatus === null ? 'attested' : 'automated',
    status: automatedStatus ?? (attested ? 'attested' : 'not-attested'),
    automatedStatus,
    attestedStatement: attested ? 'we do' : null,
    attestedEvidence: [],
    checks: [],
  };
}

function check(id: string, clauseId: string, status: string, severity = 'must'): StoredCheckResult {
  return {
    checkId: id,
    clause: clauseId,
    severity,
    title: `Check ${id}`,
    status,
    message: `${id} went wrong\nmore`,
    violations: [],
  };
}

const BRONZE = ['open-api', 'public-data', 'personal-data', 'secure'];

describe('the product summary', () => {
  it('names what stops bronze, must checks behind it first, each with its reason and re-run command', () => {
    const clauses = BRONZE.map((id, i) =>
      clause(id, i + 1, id === 'secure' ? 'incomplete' : id === 'open-api' ? 'fail' : 'pass'),
    );
    const checks = [
      check('style-nit', 'public-data', 'fail', 'should'),
      check('spec-served', 'open-api', 'fail'),
      check('tls-probe', 'secure', 'error'),
      check('fine', 'public-data', 'pass'),
    ];
    const summary = productSummary('none', clauses, checks, {
      'spec-served': 'conform run --only spec-served --target x',
    });
    expect(summary.headline).toBe('This run reached no level. 3 checks failed or could not run.');
    expect(summary.nextLevel?.level).toBe('bronze');
    expect(summary.nextLevel?.blockers.map((b) => [b.clause, b.why, b.checkIds])).toEqual([
      ['open-api', 'failed: a must check failed', ['spec-served']],
      ['secure', 'could not be judged: a must check could not run', ['tls-probe']],
    ]);
    expect(
      summary.failingChecks.map((c) => [c.checkId, c.blocksNextLevel, c.reason, c.rerunCommand]),
    ).toEqual([
      ['spec-served', true, 'spec-served went wrong', 'conform run --only spec-served --target x'],
      ['tls-probe', true, 'tls-probe went wrong', 'conform run --only tls-probe'],
      ['style-nit', false, 'style-nit went wrong', 'conform run --only style-nit'],
    ]);
    expect(summary.failingChecks.map((c) => c.rerunFromReport)).toEqual([true, false, false]);
  });

  it('asks gold for every attestation, and has no next level at gold', () => {
    const clauses = [clause('inclusion', 7, null, false), clause('no-bundling', 14, null, true)];
    const silver = productSummary('silver', clauses, [], {});
    expect(silver.nextLevel?.blockers.map((b) => [b.clause, b.why])).toEqual([
      ['easy-exit', 'is missing from the report'],
      ['no-advertising', 'is missing from the report'],
      ['inclusion', 'has no signed attestation from the supplier'],
    ]);
    expect(productSummary('gold', clauses, [], {}).nextLevel).toBeNull();
  });

  it('stays a summary when a run fails a thousand checks: the first few, and how many more', () => {
    const clauses = BRONZE.map((id, i) => clause(id, i + 1, 'fail'));
    const checks = Array.from({ length: 1000 }, (_, i) => check(`c${i}`, BRONZE[i % 4] as string, 'fail'));
    const summary = productSummary('none', clauses, checks, {});
    expect(summary.failingChecks).toHaveLength(SUMMARY_CHECKS);
    expect(summary.moreFailingChecks).toBe(1000 - SUMMARY_CHECKS);
    for (const blocker of summary.nextLevel?.blockers ?? []) {
      expect(blocker.checkIds).toHaveLength(SUMMARY_CHECK_IDS);
      expect(blocker.moreCheckIds).toBe(250 - SUMMARY_CHECK_IDS);
    }
  });
});

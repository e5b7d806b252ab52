import type { CheckResult, ClauseResult, OutcomeStatus, RunReport } from '@council-conform/runner';

/** How a clause was judged, in words a council officer reads: by test, by attestation, or both. */
export function judgedBy(clause: ClauseResult): string {
  if (clause.assessment === 'attested') return 'attestation';
  if (clause.assessment === 'both')
    return clause.attested ? 'test + attestation' : 'test (attestation missing)';
  return 'test';
}

export const CLAUSE_STATUS_TEXT: Readonly<Record<ClauseResult['status'], string>> = {
  pass: 'pass',
  fail: 'fail',
  partial: 'partial: tests pass, attestation missing',
  incomplete: 'incomplete: a check could not run',
  'not-judged': 'not judged: a must check needs more from the run',
  attested: 'attested (not tested)',
  'not-attested': 'not attested',
  'not-assessed': 'not assessed',
};

export const LEVEL_TEXT: Readonly<Record<RunReport['level'], string>> = {
  gold: 'Gold',
  silver: 'Silver',
  bronze: 'Bronze',
  none: 'no level',
};

export const STATUS_ORDER: readonly OutcomeStatus[] = [
  'fail',
  'error',
  'not-judged',
  'warn',
  'pass',
  'not-applicable',
];

export function countByStatus(checks: readonly CheckResult[]): Record<OutcomeStatus, number> {
  const counts: Record<OutcomeStatus, number> = {
    pass: 0,
    fail: 0,
    warn: 0,
    'not-applicable': 0,
    'not-judged': 0,
    error: 0,
  };
  for (const check of checks) counts[check.status] += 1;
  return counts;
}

/** `12 pass, 1 fail, 2 not-applicable`, leaving out statuses that did not occur. */
export function countsLine(checks: readonly CheckResult[]): string {
  const counts = countByStatus(checks);
  return STATUS_ORDER.filter((status) => counts[status] > 0)
    .map((status) => `${counts[status]} ${status}`)
    .join(', ');
}

/** Every exchange id a check or one of its violation examples cites, in order of first mention. */
export function citedExchangeIds(check: CheckResult): string[] {
  const ids = new Set(check.exchangeIds ?? []);
  for (const group of check.violations ?? [])
    for (const example of group.examples) if (example.exchangeId) ids.add(example.exchangeId);
  return [...ids];
}

export function checksOf(report: RunReport, clause: ClauseResult): CheckResult[] {
  return report.checks.filter((check) => check.clause === clause.id);
}

/**
 * The level as every format states it: `Gold`, or `Gold, provisional: 3 must checks were not judged` when the
 * level counts clauses whose must checks this run did not all judge.
 */
export function levelText(report: RunReport): string {
  const must = report.notJudged.filter((n) => n.severity === 'must').length;
  return report.levelProvisional
    ? `${LEVEL_TEXT[report.level]}, provisional: ${must} must check${must === 1 ? ' was' : 's were'} not judged`
    : LEVEL_TEXT[report.level];
}

/** Text that ends as a sentence does, so another can follow it. */
export const sentence = (text: string) => (/[.!?)]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);

/** One line per check not judged: which, why, and what to give the run so that it is judged. */
export function notJudgedLines(report: RunReport): string[] {
  return report.notJudged.map(
    (n) => `${n.check} (${n.severity}, ${n.clause}): ${sentence(n.reason)} To judge it, give ${n.toJudge}.`,
  );
}

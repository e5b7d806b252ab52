import {
  type CheckResult,
  type ClauseResult,
  citedExchangeIds,
  describeSelection,
  type OutcomeStatus,
  type PartialRun,
  type RunReport,
} from '@council-conform/runner';

export { citedExchangeIds };

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

export function checksOf(report: RunReport, clause: ClauseResult): CheckResult[] {
  return report.checks.filter((check) => check.clause === clause.id);
}

/**
 * The level as every format states it: `Gold`, or `Gold, provisional: 3 must checks were not judged` when the
 * level counts clauses whose must checks this run did not all judge.
 */
export function levelText(report: RunReport): string {
  const must = report.notJudged.filter((n) => n.severity === 'must').length;
  const partial = report.partial ? ' (a partial run)' : '';
  return report.levelProvisional
    ? `${LEVEL_TEXT[report.level]}, provisional: ${must} must check${must === 1 ? ' was' : 's were'} not judged${partial}`
    : `${LEVEL_TEXT[report.level]}${partial}`;
}

/**
 * What a partial run left out, in one sentence, or undefined for a run of every check: every format says it
 * beside the verdict instead of listing each check left out as not judged.
 */
export function partialRunText(report: RunReport): string | undefined {
  const { partial } = report;
  if (!partial) return undefined;
  const ran = report.checks.length - partial.leftOut.length;
  const how = describeSelection(partial);
  return `A partial run (${how}): ${ran} of the ${report.checks.length} checks ran, and the ${partial.leftOut.length} left out are not judged. It cannot be certified; run every check for that.`;
}

/** What the run's expected failures list made of a check, or undefined when the check is not listed. */
export function expectedFailureText(check: CheckResult): string | undefined {
  const listed = check.expectedFailure;
  if (!listed) return undefined;
  switch (listed.status) {
    case 'expected':
      return `expected to fail: ${sentence(listed.reason)}`;
    case 'stale':
      return `listed as expected to fail (${listed.reason.trim()}), but it passed: take it off the expected failures, which fails the run until it is`;
    default:
      return `listed as expected to fail (${listed.reason.trim()}); this run could not confirm it (${check.status})`;
  }
}

/** Text that ends as a sentence does, so another can follow it. */
export const sentence = (text: string) => (/[.!?)]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);

/** One line per check not judged: which, why, and what to give the run so that it is judged. */
export function notJudgedLines(report: RunReport): string[] {
  const leftOut = new Set(report.partial?.leftOut ?? []);
  const lines = report.notJudged
    .filter((n) => !leftOut.has(n.check))
    .map(
      (n) => `${n.check} (${n.severity}, ${n.clause}): ${sentence(n.reason)} To judge it, give ${n.toJudge}.`,
    );
  if (leftOut.size > 0)
    lines.push(
      `${leftOut.size} check${leftOut.size === 1 ? '' : 's'} left out of this partial run (${describeSelection(report.partial as PartialRun)}). To judge ${leftOut.size === 1 ? 'it' : 'them'}, run every check: without --only, --skip or --rerun-failed.`,
    );
  return lines;
}

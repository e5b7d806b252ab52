import type { LintResult, SeverityCounts } from '@council-conform/ruleset';
import { findingsByClause } from './group.ts';

export const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** "3 problems (1 error, 2 warnings) in 2 clauses". */
export function summaryLine(result: LintResult): string {
  const clauses = findingsByClause(result.findings).length;
  return `${plural(result.findings.length, 'problem')} (${countsLine(result.counts)}) in ${plural(clauses, 'clause')}`;
}

/** "1 error, 2 warnings" (infos and hints only when there are some). */
export function countsLine({ error, warn, info, hint }: SeverityCounts): string {
  const parts = [plural(error, 'error'), plural(warn, 'warning')];
  if (info > 0) parts.push(plural(info, 'info'));
  if (hint > 0) parts.push(plural(hint, 'hint'));
  return parts.join(', ');
}

import { CLAUSE_IDS, type ClauseId, getClause } from '@council-conform/clauses';
import type { LintFinding } from '@council-conform/ruleset';

export interface ClauseGroup {
  readonly clause: ClauseId;
  readonly number: number;
  readonly title: string;
  readonly findings: readonly LintFinding[];
}

/** Findings grouped by checklist clause, in checklist order; clauses without findings are left out. */
export function findingsByClause(findings: readonly LintFinding[]): ClauseGroup[] {
  return CLAUSE_IDS.map((clause) => {
    const { number, title } = getClause(clause);
    return { clause, number, title, findings: findings.filter((finding) => finding.clause === clause) };
  }).filter((group) => group.findings.length > 0);
}

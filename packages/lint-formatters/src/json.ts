import type { LintResult } from '@council-conform/ruleset';
import { findingsByClause } from './group.ts';

/** The whole result as JSON, findings grouped by clause in checklist order. */
export function formatJson(result: LintResult): string {
  const { findings, ...rest } = result;
  return `${JSON.stringify({ ...rest, clauses: findingsByClause(findings) }, null, 2)}\n`;
}

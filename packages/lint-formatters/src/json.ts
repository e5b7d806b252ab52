import type { LintResult } from '@council-conform/ruleset';
import { findingsByClause } from './group.ts';

/** The whole result as JSON, findings grouped by clause in checklist order. */
export function formatJson(result: LintResult): string {
  return `${JSON.stringify(jsonOf(result), null, 2)}\n`;
}

/** The result as `formatJson` writes it, as data (several are put in one report). */
export function jsonOf(result: LintResult): unknown {
  const { findings, ...rest } = result;
  return { ...rest, clauses: findingsByClause(findings) };
}

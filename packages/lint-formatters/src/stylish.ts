import type { LintFinding, LintResult } from '@council-conform/ruleset';
import { findingsByClause } from './group.ts';
import { plural, summaryLine } from './summary.ts';

function where(finding: LintFinding, mainSource: string): string {
  const position =
    finding.location.line === undefined ? '' : `${finding.location.line}:${finding.location.column ?? 1}`;
  return finding.location.source === mainSource ? position : `${finding.location.source}:${position}`;
}

/** Human-readable text for a terminal, grouped by checklist clause, one finding per two lines. */
export function formatStylish(result: LintResult): string {
  const version = result.convertedFrom
    ? `${result.convertedFrom}, linted as OpenAPI ${result.openapi}`
    : `OpenAPI ${result.openapi}`;
  const header = `${result.source} (${version}${result.profile ? `, profile ${result.profile}` : ''})`;
  if (result.findings.length === 0) {
    return `${header}\n\n✔ Lints clean against the Council API ruleset (${plural(result.rules.length, 'rule')}).\n`;
  }
  const lines = [header];
  for (const group of findingsByClause(result.findings)) {
    lines.push('', `${group.number}. ${group.title} (${group.clause})`);
    const rows = group.findings.map((finding) => ({
      finding,
      at: where(finding, result.source),
    }));
    const width = {
      at: Math.max(...rows.map((row) => row.at.length)),
      severity: Math.max(...rows.map((row) => row.finding.severity.length)),
      id: Math.max(...rows.map((row) => row.finding.checkId.length)),
    };
    for (const { finding, at } of rows) {
      lines.push(
        `  ${at.padEnd(width.at)}  ${finding.severity.padEnd(width.severity)}  ${finding.checkId.padEnd(width.id)}  ${finding.message}`,
        `  ${' '.repeat(width.at)}  ${' '.repeat(width.severity)}  ${' '.repeat(width.id)}  at ${finding.location.jsonPath} · ${finding.docs}`,
      );
    }
  }
  lines.push('', `${result.counts.error > 0 ? '✖' : '⚠'} ${summaryLine(result)}`);
  return `${lines.join('\n')}\n`;
}

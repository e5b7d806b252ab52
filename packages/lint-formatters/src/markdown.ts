import type { LintResult } from '@council-conform/ruleset';
import { findingsByClause } from './group.ts';
import { summaryLine } from './summary.ts';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** Markdown for a pull-request comment or a job summary: one table per clause. */
export function formatMarkdown(result: LintResult): string {
  const lines = [
    `## Council Conform lint: \`${result.source}\``,
    '',
    `OpenAPI ${result.openapi}${result.profile ? ` · profile \`${result.profile}\`` : ''} · ${result.rules.length} rules`,
    '',
  ];
  if (result.findings.length === 0) {
    lines.push('**Lints clean** against the Council API ruleset.');
    return `${lines.join('\n')}\n`;
  }
  lines.push(`**${summaryLine(result)}**`);
  for (const group of findingsByClause(result.findings)) {
    lines.push('', `### ${group.number}. ${group.title} (\`${group.clause}\`)`, '');
    lines.push('| Severity | Rule | Where | Message |', '| --- | --- | --- | --- |');
    for (const finding of group.findings) {
      const { source, line, jsonPath } = finding.location;
      const at = `${source === result.source ? '' : `${source}:`}${line ?? ''}`;
      lines.push(
        `| ${finding.severity} | [\`${finding.checkId}\`](${finding.docs}) | ${cell(at)} \`${cell(jsonPath)}\` | ${cell(finding.message)} |`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

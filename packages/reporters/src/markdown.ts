import type { CheckResult, RunReport } from '@council-conform/runner';
import { dataQualityIntro, dataQualityRows } from './data-quality.ts';
import {
  CLAUSE_STATUS_TEXT,
  checksOf,
  countsLine,
  expectedFailureText,
  judgedBy,
  levelText,
  notJudgedLines,
  partialRunText,
} from './summary.ts';

/** Text safe in a Markdown table cell: no pipes, no line breaks, no HTML a renderer would act on. */
const cell = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, ' ');
const code = (text: string) => `\`${text.replace(/`/g, 'ʼ')}\``;
/** A command as a code span, exactly as it is to be typed: fenced by more backticks than it holds in a row. */
const command = (text: string) => {
  const fence = '`'.repeat(Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length)) + 1);
  // A space inside the fence only where a backtick would otherwise touch it; Markdown drops one each side.
  const pad = fence.length > 1 ? ' ' : '';
  return `${fence}${pad}${text.replace(/\r?\n/g, ' ')}${pad}${fence}`;
};

const ICON: Readonly<Record<CheckResult['status'], string>> = {
  pass: '✅ pass',
  fail: '❌ fail',
  warn: '⚠️ warn',
  error: '⛔ error',
  'not-applicable': '➖ n/a',
  'not-judged': '⏸ not judged',
};

// GitHub refuses comments over 65,536 characters: past this many findings, the rest is in the full report.
const MAX_FINDINGS = 40;
const MAX_EXAMPLES = 3;

/** Markdown for a pull-request comment or a CI job summary. */
export function formatMarkdown(report: RunReport): string {
  const lines = [
    `## Council Conform: ${code(report.profile.id)} ${report.profile.version} against ${cell(report.target.url)}`,
    '',
    `**Level: ${levelText(report)}** · **${report.certifiable ? 'Certifiable' : 'Not certifiable'}** · ${report.target.mode} mode · ${report.checks.length} checks (${countsLine(report.checks)}) · ${report.requests} requests in ${(report.durationMs / 1000).toFixed(1)} s`,
  ];
  if (report.certifiableReasons.length > 0) {
    lines.push('', ...report.certifiableReasons.map((reason) => `- ${cell(reason)}`));
  }
  const partial = partialRunText(report);
  if (partial) lines.push('', `**${cell(partial)}**`);
  if (report.notJudged.length > 0) {
    lines.push('', '### Not judged', '', ...notJudgedLines(report).map((line) => `- ${cell(line)}`));
  }
  lines.push(
    '',
    '### Clauses',
    '',
    '| # | Clause | Status | Judged by | Checks |',
    '| ---: | --- | --- | --- | --- |',
  );
  for (const clause of report.clauses) {
    const checks = checksOf(report, clause);
    lines.push(
      `| ${clause.number} | ${cell(clause.title)} (${code(clause.id)}) | ${CLAUSE_STATUS_TEXT[clause.status]} | ${judgedBy(clause)} | ${checks.length > 0 ? countsLine(checks) : '—'} |`,
    );
  }
  const findings = report.checks.filter(
    (c) =>
      c.status === 'fail' || c.status === 'error' || c.status === 'warn' || c.expectedFailure !== undefined,
  );
  if (findings.length > 0) {
    lines.push('', '### Findings', '');
    for (const check of findings.slice(0, MAX_FINDINGS)) {
      lines.push(
        `- ${ICON[check.status]} ${code(check.id)} (${check.severity}, ${code(check.clause)}): ${cell(check.message)}`,
      );
      const expected = expectedFailureText(check);
      if (expected) lines.push(`  - **${cell(expected)}**`);
      if (check.rerunCommand) lines.push(`  - run just this check again: ${command(check.rerunCommand)}`);
      for (const group of check.violations ?? []) {
        lines.push(`  - ${cell(group.kind)}: ${group.count} time${group.count === 1 ? '' : 's'}`);
        for (const example of group.examples.slice(0, MAX_EXAMPLES)) {
          const where = example.location ? ` at ${code(example.location)}` : '';
          lines.push(`    - ${cell(example.message)}${where}`);
        }
      }
    }
    if (findings.length > MAX_FINDINGS)
      lines.push(`- … and ${findings.length - MAX_FINDINGS} more: see the full report`);
  } else {
    lines.push('', 'No check failed, errored or warned.');
  }
  const datasets = report.dataQuality?.datasets ?? [];
  if (datasets.length > 0) {
    lines.push('', '<details><summary>Data quality</summary>', '', cell(dataQualityIntro(report)));
    for (const dataset of datasets) {
      lines.push(
        '',
        `**${cell(dataset.title)}** (${code(dataset.dataset)})`,
        '',
        '| Measure | Found |',
        '| --- | --- |',
      );
      for (const row of dataQualityRows(dataset)) lines.push(`| ${cell(row.measure)} | ${cell(row.found)} |`);
    }
    lines.push('', '</details>');
  }
  lines.push(
    '',
    '<details><summary>Every check</summary>',
    '',
    '| Check | Clause | Severity | Status |',
    '| --- | --- | --- | --- |',
  );
  for (const check of report.checks)
    lines.push(`| ${code(check.id)} | ${check.clause} | ${check.severity} | ${ICON[check.status]} |`);
  lines.push('', '</details>', '');
  return lines.join('\n');
}

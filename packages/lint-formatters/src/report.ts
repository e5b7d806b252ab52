/**
 * Several descriptions linted in one run (`conform lint a.yaml b.yaml …`): each format holds every file's
 * result, the files that could not be judged and the totals, in the shape that format has for several.
 */
import type { LintFailure, LintReport, LintResult } from '@council-conform/ruleset';
import { formatGithubActions } from './github-actions.ts';
import { jsonOf } from './json.ts';
import { junitDocument, junitFailure, junitSuites } from './junit.ts';
import { formatMarkdown } from './markdown.ts';
import { sarifFailedRun, sarifLog, sarifRun } from './sarif.ts';
import { formatStylish } from './stylish.ts';
import { countsLine, plural } from './summary.ts';

export type LintReportFormatter = (report: LintReport) => string;

const problems = (report: LintReport) =>
  report.results.reduce((sum, result) => sum + result.findings.length, 0);

/** "3 files: 5 problems (2 errors, 3 warnings); 1 file could not be judged". */
export function reportSummaryLine(report: LintReport): string {
  const files = report.results.length + report.failures.length;
  const failed =
    report.failures.length > 0 ? `; ${plural(report.failures.length, 'file')} could not be judged` : '';
  return `${plural(files, 'file')}: ${plural(problems(report), 'problem')} (${countsLine(report.counts)})${failed}`;
}

const failureLine = (failure: LintFailure) =>
  `✖ ${failure.source}: could not be judged: ${failure.code}: ${failure.message}`;

/** Each file as it prints alone, those that could not be judged, then one line of totals. */
export function formatStylishReport(report: LintReport): string {
  const sections = [
    ...report.results.map((result) => formatStylish(result).trimEnd()),
    ...report.failures.map(failureLine),
  ];
  const worst =
    report.failures.length > 0 || report.counts.error > 0 ? '✖' : problems(report) > 0 ? '⚠' : '✔';
  return `${sections.join('\n\n')}\n\n${'─'.repeat(40)}\n${worst} ${reportSummaryLine(report)}\n`;
}

/** `{ results: [...], failures: [...], counts, files, durationMs }`, each result as `--format json` gives it. */
export function formatJsonReport(report: LintReport): string {
  return `${JSON.stringify(
    {
      results: report.results.map(jsonOf),
      failures: report.failures,
      counts: report.counts,
      files: report.results.length + report.failures.length,
      durationMs: report.durationMs,
    },
    null,
    2,
  )}\n`;
}

/** One SARIF run per file; a file that could not be judged is a run that did not complete. */
export const formatSarifReport = (report: LintReport): string =>
  sarifLog([...report.results.map(sarifRun), ...report.failures.map(sarifFailedRun)]);

/** One JUnit document: each file's clause suites, named after the file, and one errored suite per failure. */
export const formatJunitReport = (report: LintReport): string =>
  junitDocument(
    `conform lint (${plural(report.results.length + report.failures.length, 'file')})`,
    [
      ...report.results.map((result: LintResult) => junitSuites(result, `${result.source}: `)),
      ...report.failures.map(junitFailure),
    ],
    report.durationMs,
  );

const escapeData = (text: string) => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

/** Every file's annotations; a file that could not be judged is one error annotation on it. */
export const formatGithubActionsReport = (report: LintReport): string =>
  [
    ...report.results.map(formatGithubActions),
    ...report.failures.map(
      (failure) =>
        `::error ${/^https?:/i.test(failure.source) ? '' : `file=${escapeData(failure.source).replace(/:/g, '%3A').replace(/,/g, '%2C')},`}title=${failure.code}::${escapeData(failure.message)}\n`,
    ),
  ].join('');

/** Each file's section, then the files that could not be judged and the totals. */
export function formatMarkdownReport(report: LintReport): string {
  const lines = [...report.results.map((result) => formatMarkdown(result).trimEnd())];
  if (report.failures.length > 0) {
    lines.push(
      '## Could not be judged',
      '',
      ...report.failures.map(
        (failure) => `- \`${failure.source}\`: ${failure.code}: ${failure.message.replace(/\r?\n/g, ' ')}`,
      ),
    );
  }
  lines.push(`**Total: ${reportSummaryLine(report)}**`);
  return `${lines.join('\n\n')}\n`;
}

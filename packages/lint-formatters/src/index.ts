import type { LintReport, LintResult } from '@council-conform/ruleset';
import { formatGithubActions } from './github-actions.ts';
import { formatJson } from './json.ts';
import { formatJunit } from './junit.ts';
import { formatMarkdown } from './markdown.ts';
import {
  formatGithubActionsReport,
  formatJsonReport,
  formatJunitReport,
  formatMarkdownReport,
  formatSarifReport,
  formatStylishReport,
  type LintReportFormatter,
} from './report.ts';
import { formatSarif } from './sarif.ts';
import { formatStylish } from './stylish.ts';

export type LintFormatter = (result: LintResult) => string;

/** Every output format of `conform lint`, keyed by the name `--format` takes. */
export const LINT_FORMATTERS = {
  stylish: formatStylish,
  json: formatJson,
  sarif: formatSarif,
  junit: formatJunit,
  'github-actions': formatGithubActions,
  markdown: formatMarkdown,
} as const satisfies Record<string, LintFormatter>;

export type LintFormat = keyof typeof LINT_FORMATTERS;

/** The same formats for several descriptions linted in one run, each holding every file and the totals. */
export const LINT_REPORT_FORMATTERS = {
  stylish: formatStylishReport,
  json: formatJsonReport,
  sarif: formatSarifReport,
  junit: formatJunitReport,
  'github-actions': formatGithubActionsReport,
  markdown: formatMarkdownReport,
} as const satisfies Record<LintFormat, LintReportFormatter>;
export const LINT_FORMATS = Object.keys(LINT_FORMATTERS) as LintFormat[];

export { type ClauseGroup, findingsByClause } from './group.ts';
export { type LintReportFormatter, reportSummaryLine } from './report.ts';
export type { LintReport };
export { formatGithubActions, formatJson, formatJunit, formatMarkdown, formatSarif, formatStylish };

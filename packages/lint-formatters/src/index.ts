import type { LintResult } from '@council-conform/ruleset';
import { formatGithubActions } from './github-actions.ts';
import { formatJson } from './json.ts';
import { formatJunit } from './junit.ts';
import { formatMarkdown } from './markdown.ts';
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
export const LINT_FORMATS = Object.keys(LINT_FORMATTERS) as LintFormat[];

export { type ClauseGroup, findingsByClause } from './group.ts';
export { formatGithubActions, formatJson, formatJunit, formatMarkdown, formatSarif, formatStylish };

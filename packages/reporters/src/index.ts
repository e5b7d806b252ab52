import type { RunReport } from '@council-conform/runner';
import { formatHar } from './har.ts';
import { formatHtml } from './html.ts';
import { formatJson } from './json.ts';
import { formatJunit } from './junit.ts';
import { formatMarkdown } from './markdown.ts';

export type Reporter = (report: RunReport) => string;

/** Every output format of a run report, keyed by name. */
export const REPORTERS = {
  json: formatJson,
  junit: formatJunit,
  html: formatHtml,
  markdown: formatMarkdown,
  har: formatHar,
} as const satisfies Record<string, Reporter>;

export type ReportFormat = keyof typeof REPORTERS;
export const REPORT_FORMATS = Object.keys(REPORTERS) as ReportFormat[];

export { escapeXml } from './escape.ts';
export {
  ATTESTATION_PUBLISHED_SCHEMA,
  ATTESTATION_SCHEMA_ID,
  REPORT_JSON_SCHEMA,
  REPORT_SCHEMA_ID,
  renderSchemaDocs,
} from './schema.ts';
export {
  CLAUSE_STATUS_TEXT,
  countsLine,
  expectedFailureText,
  judgedBy,
  LEVEL_TEXT,
  levelText,
  notJudgedLines,
  partialRunText,
} from './summary.ts';
export { formatHar, formatHtml, formatJson, formatJunit, formatMarkdown };

import type { RunReport } from '@council-conform/runner';

/** The report as JSON, exactly the shape docs/report-schema.json publishes. */
export function formatJson(report: RunReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

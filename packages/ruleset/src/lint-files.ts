import { DocumentError } from '@council-conform/openapi';
import { countReport, type LintFailure, type LintReport, type LintResult } from './findings.ts';
import { LintEngineError, type LintOptions, lintDescription } from './lint.ts';

/**
 * Lints several descriptions in one process, one after another (one in memory at a time), and goes on past
 * those that cannot be judged: each becomes a failure with its reason, and the rest are still linted.
 */
export async function lintDescriptions(
  locations: readonly string[],
  options: LintOptions = {},
): Promise<LintReport> {
  const started = performance.now();
  const results: LintResult[] = [];
  const failures: LintFailure[] = [];
  for (const location of locations) {
    try {
      results.push(await lintDescription(location, options));
    } catch (error) {
      if (error instanceof DocumentError || error instanceof LintEngineError) {
        failures.push({ source: location, code: error.code, message: error.message });
      } else {
        failures.push({
          source: location,
          code: 'LINT_ENGINE_FAILED',
          message: `${location}: the linter itself failed (${error instanceof Error ? error.message : String(error)}). This is a fault in Council Conform, not in the description: please report it with the file.`,
        });
      }
    }
  }
  return {
    results,
    failures,
    counts: countReport(results),
    durationMs: Math.round(performance.now() - started),
  };
}

import { readFile } from 'node:fs/promises';
import type { CheckResult, ExpectedFailure, RunReport } from '@council-conform/runner';
import { UsageError } from '../errors.ts';

/** The checks a supplier expects to fail, each with why: `--expected-failures <file>`. */
export interface ExpectedFailures {
  readonly path: string;
  /** Check id to reason, in the file's order. */
  readonly reasons: ReadonlyMap<string, string>;
}

function invalid(path: string, problems: readonly string[]): UsageError {
  return new UsageError(
    'EXPECTED_FAILURES_INVALID',
    `${path}: the expected failures file is not valid:\n  - ${problems.join('\n  - ')}\n  It maps check ids to why each is expected to fail, e.g.\n    secure-hsts: HSTS is added by the production proxy, not the sandbox (ticket OPS-12)`,
  );
}

/**
 * Reads an expected failures file (YAML or JSON): a mapping from check id to a reason. Whether the ids are
 * checks of the catalogue is checked against it by `checkExpectedFailureIds`.
 */
export async function readExpectedFailures(path: string): Promise<ExpectedFailures> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(
      'EXPECTED_FAILURES_UNREADABLE',
      `${path}: the expected failures file cannot be read: ${(error as Error).message}`,
    );
  }
  const { DocumentError, parseDocument } = await import('@council-conform/openapi');
  let data: unknown;
  try {
    // An empty file lists nothing.
    data = text.trim() === '' ? {} : parseDocument(text, path).data;
  } catch (error) {
    throw invalid(path, [error instanceof DocumentError ? error.message : String(error)]);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    throw invalid(path, ['it is not a mapping of check ids to reasons']);
  const problems: string[] = [];
  const reasons = new Map<string, string>();
  for (const [id, reason] of Object.entries(data)) {
    if (typeof reason !== 'string' || reason.trim() === '')
      problems.push(`"${id}" needs a reason: why it is expected to fail, and until when`);
    else reasons.set(id, reason.trim());
  }
  if (problems.length > 0) throw invalid(path, problems);
  return { path, reasons };
}

/** Refuses a list naming anything but checks of the catalogue, naming the unknown ids and the valid ones. */
export function checkExpectedFailureIds(
  list: ExpectedFailures,
  checkIds: readonly string[],
  didYouMean: (word: string, candidates: readonly string[]) => string,
): void {
  const unknown = [...list.reasons.keys()].filter((id) => !checkIds.includes(id));
  if (unknown.length > 0)
    throw new UsageError(
      'EXPECTED_FAILURES_UNKNOWN_CHECK',
      `${list.path}: no check has the id ${unknown.map((id) => `"${id}"${didYouMean(id, checkIds)}`).join(', ')}.\n  Check ids: ${checkIds.join(', ')}.`,
    );
}

function judged(check: CheckResult, reason: string): ExpectedFailure {
  const status = check.status === 'fail' ? 'expected' : check.status === 'pass' ? 'stale' : 'unconfirmed';
  return { reason, status };
}

/** The report with every listed check marked with its reason and what this run made of it. */
export function withExpectedFailures(report: RunReport, list: ExpectedFailures): RunReport {
  return {
    ...report,
    checks: report.checks.map((check) => {
      const reason = list.reasons.get(check.id);
      return reason === undefined ? check : { ...check, expectedFailure: judged(check, reason) };
    }),
  };
}

/** Lines for the run's summary: each listed check, what it did, and why it was listed. */
export function expectedFailureLines(report: RunReport): string[] {
  return report.checks.flatMap((check) => {
    const listed = check.expectedFailure;
    if (!listed) return [];
    const what =
      listed.status === 'expected'
        ? 'failed, as expected'
        : listed.status === 'stale'
          ? 'PASSED: take it off the list (the run fails until it is)'
          : `not confirmed: it did not fail (${check.status})`;
    return [`${check.id} (${check.severity}): ${what}. Listed because: ${listed.reason}`];
  });
}

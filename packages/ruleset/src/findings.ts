import type { ClauseId } from '@council-conform/clauses';
import type { Severity } from './rules.ts';
import type { RuleSource } from './ruleset.ts';

export interface FindingLocation {
  /** The file or URL the finding is in: relative to the working directory when under it. */
  readonly source: string;
  /** JSON pointer (RFC 6901) into that file. */
  readonly pointer: string;
  /** The same place as a JSONPath, e.g. `$.paths['/exports'].post`. */
  readonly jsonPath: string;
  /** 1-based, where known. */
  readonly line?: number;
  readonly column?: number;
}

/**
 * One finding, in the shape every Council Conform result shares (`checkId`, `clause`, `severity`,
 * `status`, `message`, `location`, `evidence`): a lint finding is always a `fail` (error severity) or a
 * `warn` (anything less), since lint only reports what it found wrong.
 */
export interface LintFinding {
  readonly checkId: string;
  readonly clause: ClauseId;
  readonly severity: Severity;
  readonly status: 'fail' | 'warn';
  readonly message: string;
  readonly location: FindingLocation;
  readonly evidence: { readonly ruleset: RuleSource };
  /** Where the rule is explained: `docs/ruleset.md#<rule-id>`. */
  readonly docs: string;
}

export type SeverityCounts = Record<Severity, number>;

/** A rule as a report needs it, so formatters read everything from the result and nothing else. */
export interface RuleSummary {
  readonly id: string;
  readonly clause: ClauseId;
  readonly severity: Severity;
  readonly description: string;
  readonly docs: string;
}

export interface LintResult {
  /** The description linted, as the user named it (relative path or URL). */
  readonly source: string;
  /** Its `openapi` version (for a converted Swagger 2.0 description, the version it was linted as). */
  readonly openapi: string;
  /** What it was written in when it was converted to be linted, e.g. "Swagger 2.0". */
  readonly convertedFrom?: string;
  /** The profile linted against, if any. */
  readonly profile?: string;
  readonly findings: readonly LintFinding[];
  readonly counts: SeverityCounts;
  /** Every rule that ran, and the engine's own checks (unresolvable references, parser problems). */
  readonly rules: readonly RuleSummary[];
  readonly durationMs: number;
}

export const hasErrors = (result: LintResult): boolean => result.counts.error > 0;

export function countSeverities(findings: readonly LintFinding[]): SeverityCounts {
  const counts: SeverityCounts = { error: 0, warn: 0, info: 0, hint: 0 };
  for (const finding of findings) counts[finding.severity] += 1;
  return counts;
}

/** A description `conform lint` could not judge at all (unreadable, not OpenAPI, over a cap). */
export interface LintFailure {
  /** The description as the user named it. */
  readonly source: string;
  /** A stable code, e.g. `DOCUMENT_TOO_LARGE`. */
  readonly code: string;
  readonly message: string;
}

/** Several descriptions linted in one run: each one's result, those that could not be judged, the totals. */
export interface LintReport {
  readonly results: readonly LintResult[];
  readonly failures: readonly LintFailure[];
  /** Findings of every result added up. */
  readonly counts: SeverityCounts;
  readonly durationMs: number;
}

export function countReport(results: readonly LintResult[]): SeverityCounts {
  const counts: SeverityCounts = { error: 0, warn: 0, info: 0, hint: 0 };
  for (const result of results)
    for (const severity of Object.keys(counts) as Severity[]) counts[severity] += result.counts[severity];
  return counts;
}

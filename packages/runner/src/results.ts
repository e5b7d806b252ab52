import { type Assessment, CLAUSES, type ClauseId } from '@council-conform/clauses';
import type { Attestation } from './attestation.ts';
import type { CheckOutcome, OutcomeStatus, Severity } from './types.ts';

export interface CheckResult extends CheckOutcome {
  readonly id: string;
  readonly clause: ClauseId;
  readonly severity: Severity;
  readonly title: string;
  readonly durationMs: number;
}

/**
 * `pass`: every automated `must` check passed (and, for clauses judged by both, the supplier attested the
 * rest). `partial`: the automated part passed but the attested part is missing. `attested`: judged only by
 * the supplier's attestation, never by test. `incomplete`: a check could not run.
 */
export type ClauseStatus =
  | 'pass'
  | 'fail'
  | 'partial'
  | 'incomplete'
  | 'attested'
  | 'not-attested'
  | 'not-assessed';

export interface ClauseResult {
  readonly id: ClauseId;
  readonly number: number;
  readonly title: string;
  readonly assessment: Assessment;
  readonly status: ClauseStatus;
  readonly automated?: {
    readonly status: 'pass' | 'fail' | 'incomplete' | 'not-assessed';
    readonly checks: readonly string[];
  };
  readonly attested?: { readonly statement: string; readonly evidence?: readonly string[] } | null;
}

export type Level = 'gold' | 'silver' | 'bronze' | 'none';

/** The level rule, in one place: each level needs every clause of the levels below it. */
export const LEVEL_RULES: readonly {
  level: Exclude<Level, 'none'>;
  clauses: readonly ClauseId[];
  attestedAll?: boolean;
}[] = [
  { level: 'bronze', clauses: ['open-api', 'public-data', 'personal-data', 'secure'] },
  { level: 'silver', clauses: ['right-to-data', 'open-standards', 'transparent', 'seamless'] },
  { level: 'gold', clauses: ['easy-exit', 'no-advertising'], attestedAll: true },
];

function automatedStatus(results: readonly CheckResult[]): 'pass' | 'fail' | 'incomplete' | 'not-assessed' {
  const must = results.filter((r) => r.severity === 'must');
  const statuses = new Set<OutcomeStatus>(must.map((r) => r.status));
  if (statuses.has('fail')) return 'fail';
  if (statuses.has('error')) return 'incomplete';
  if (statuses.has('pass')) return 'pass';
  return 'not-assessed';
}

export function judgeClauses(
  results: readonly CheckResult[],
  attestation: Attestation | undefined,
): ClauseResult[] {
  return CLAUSES.map((clause) => {
    const own = results.filter((r) => r.clause === clause.id);
    const statement = attestation?.statements.find((s) => s.clause === clause.id);
    const attested = statement
      ? { statement: statement.statement, ...(statement.evidence ? { evidence: statement.evidence } : {}) }
      : null;
    const base = { id: clause.id, number: clause.number, title: clause.title, assessment: clause.assessment };
    if (clause.assessment === 'attested') {
      return { ...base, status: attested ? 'attested' : 'not-attested', attested };
    }
    const automated = { status: automatedStatus(own), checks: own.map((r) => r.id) };
    let status: ClauseStatus = automated.status;
    if (clause.assessment === 'both' && automated.status === 'pass' && !attested) status = 'partial';
    return { ...base, status, automated, ...(clause.assessment === 'both' ? { attested } : {}) };
  });
}

const automatedPassed = (clause: ClauseResult) => clause.automated?.status === 'pass';

export function levelOf(clauses: readonly ClauseResult[]): Level {
  let reached: Level = 'none';
  for (const rule of LEVEL_RULES) {
    const ok = rule.clauses.every((id) => {
      const clause = clauses.find((c) => c.id === id);
      return clause !== undefined && automatedPassed(clause);
    });
    const attestedOk =
      !rule.attestedAll ||
      clauses
        .filter((c) => c.assessment !== 'automated')
        .every((c) => c.attested !== null && c.attested !== undefined);
    if (!ok || !attestedOk) break;
    reached = rule.level;
  }
  return reached;
}

export interface Certifiability {
  readonly certifiable: boolean;
  readonly reasons: readonly string[];
}

/** Whether a certifier may sign this run, and why not if not. */
export function certifiability(
  results: readonly CheckResult[],
  mode: 'readonly' | 'sandbox',
): Certifiability {
  const reasons: string[] = [];
  const failed = results.filter((r) => r.severity === 'must' && r.status === 'fail');
  const errored = results.filter((r) => r.status === 'error');
  if (failed.length > 0)
    reasons.push(`${failed.length} must check(s) failed: ${failed.map((r) => r.id).join(', ')}`);
  if (errored.length > 0)
    reasons.push(`${errored.length} check(s) could not run: ${errored.map((r) => r.id).join(', ')}`);
  if (mode !== 'sandbox')
    reasons.push('certification needs a sandbox-mode run, where writes, bursts and full exports are tested');
  return { certifiable: reasons.length === 0, reasons };
}

import { type Assessment, CLAUSES, type ClauseId } from '@council-conform/clauses';
import type { Attestation } from './attestation.ts';
import type { CheckOutcome, OutcomeStatus, Severity } from './types.ts';

export interface CheckResult extends CheckOutcome {
  readonly id: string;
  readonly clause: ClauseId;
  readonly severity: Severity;
  readonly title: string;
  readonly durationMs: number;
  /** For a check that failed or errored: the command that runs it alone again, with the run's settings. */
  readonly rerunCommand?: string;
  /** Set when the check is listed in the run's expected failures (`conform run --expected-failures`). */
  readonly expectedFailure?: ExpectedFailure;
}

/**
 * A check listed as expected to fail, and what this run made of it. `expected`: it failed, as listed, and does
 * not fail CI. `stale`: it passed, so the list is out of date, and CI fails until it is taken off. `unconfirmed`:
 * it neither failed nor passed (it could not run, was not judged, did not apply, or warned).
 */
export interface ExpectedFailure {
  readonly reason: string;
  readonly status: 'expected' | 'stale' | 'unconfirmed';
}

/**
 * `pass`: every automated `must` check passed (and, for clauses judged by both, the supplier attested the
 * rest). `partial`: the automated part passed but the attested part is missing. `attested`: judged only by
 * the supplier's attestation, never by test. `incomplete`: a check could not run. `not-judged`: nothing
 * failed or broke, but a must check was not judged by this run (its level is then provisional).
 */
export type ClauseStatus =
  | 'pass'
  | 'fail'
  | 'partial'
  | 'incomplete'
  | 'not-judged'
  | 'attested'
  | 'not-attested'
  | 'not-assessed';

/** The automated part of a clause: its must checks' verdict. */
export type AutomatedStatus = 'pass' | 'fail' | 'incomplete' | 'not-judged' | 'not-assessed';

export interface ClauseResult {
  readonly id: ClauseId;
  readonly number: number;
  readonly title: string;
  readonly assessment: Assessment;
  readonly status: ClauseStatus;
  readonly automated?: {
    readonly status: AutomatedStatus;
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

function automatedStatus(results: readonly CheckResult[]): AutomatedStatus {
  const must = results.filter((r) => r.severity === 'must');
  const statuses = new Set<OutcomeStatus>(must.map((r) => r.status));
  if (statuses.has('fail')) return 'fail';
  if (statuses.has('error')) return 'incomplete';
  // Nothing passes on absent evidence: a clause with a must check left unjudged has not passed.
  if (statuses.has('not-judged')) return 'not-judged';
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

/**
 * The level the judged evidence reaches. A clause whose must checks passed except some that this run did
 * not judge counts towards it, and the level is then provisional: the report lists every check not judged
 * beside it. A certified level is never provisional (see `certifiability`).
 */
export function judgeLevel(clauses: readonly ClauseResult[]): { level: Level; provisional: boolean } {
  let reached: Level = 'none';
  let provisional = false;
  for (const rule of LEVEL_RULES) {
    const ruled = rule.clauses.map((id) => clauses.find((c) => c.id === id));
    const ok = ruled.every(
      (clause) => clause?.automated?.status === 'pass' || clause?.automated?.status === 'not-judged',
    );
    const attestedOk =
      !rule.attestedAll ||
      clauses
        .filter((c) => c.assessment !== 'automated')
        .every((c) => c.attested !== null && c.attested !== undefined);
    if (!ok || !attestedOk) break;
    reached = rule.level;
    if (ruled.some((clause) => clause?.automated?.status === 'not-judged')) provisional = true;
  }
  return { level: reached, provisional };
}

export const levelOf = (clauses: readonly ClauseResult[]): Level => judgeLevel(clauses).level;

/** A check this run did not judge, with what to give so that it can. */
export interface NotJudged {
  readonly check: string;
  readonly clause: ClauseId;
  readonly severity: Severity;
  readonly reason: string;
  readonly toJudge: string;
}

export function notJudgedOf(results: readonly CheckResult[]): NotJudged[] {
  return results
    .filter((r) => r.status === 'not-judged')
    .map((r) => ({
      check: r.id,
      clause: r.clause,
      severity: r.severity,
      reason: r.message,
      toJudge: r.toJudge ?? 'see the check’s message',
    }));
}

export interface Certifiability {
  readonly certifiable: boolean;
  readonly reasons: readonly string[];
}

/**
 * Whether a certifier may sign this run, and why not if not. A partial run never may: its left-out checks
 * are named once, as the selection, not each as a must check not judged.
 */
export function certifiability(
  results: readonly CheckResult[],
  mode: 'readonly' | 'sandbox',
  partial?: { readonly leftOut: ReadonlySet<string>; readonly described: string },
): Certifiability {
  const reasons: string[] = [];
  const failed = results.filter((r) => r.severity === 'must' && r.status === 'fail');
  const errored = results.filter((r) => r.status === 'error');
  const unjudged = results.filter(
    (r) => r.severity === 'must' && r.status === 'not-judged' && !partial?.leftOut.has(r.id),
  );
  if (partial)
    reasons.push(
      `a partial run (${partial.described}): ${partial.leftOut.size} of the ${results.length} checks were left out, and only a run of every check can be certified`,
    );
  if (failed.length > 0)
    reasons.push(`${failed.length} must check(s) failed: ${failed.map((r) => r.id).join(', ')}`);
  if (errored.length > 0)
    reasons.push(`${errored.length} check(s) could not run: ${errored.map((r) => r.id).join(', ')}`);
  for (const r of unjudged)
    reasons.push(`must check ${r.id} was not judged: give ${r.toJudge ?? 'what its message names'}`);
  if (mode !== 'sandbox')
    reasons.push('certification needs a sandbox-mode run, where writes, bursts and full exports are tested');
  return { certifiable: reasons.length === 0, reasons };
}

/** Every exchange id a check or one of its violation examples cites, in order of first mention. */
export function citedExchangeIds(check: CheckOutcome): string[] {
  const ids = new Set(check.exchangeIds ?? []);
  for (const group of check.violations ?? [])
    for (const example of group.examples) if (example.exchangeId) ids.add(example.exchangeId);
  return [...ids];
}

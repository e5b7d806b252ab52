import { CLAUSES } from '@council-conform/clauses';
import { didYouMean } from './config.ts';
import type { CheckResult } from './results.ts';
import type { Check } from './types.ts';

/**
 * Which checks of the catalogue a partial run runs. `only` and `skip` take check ids or clause ids (a clause
 * standing for all its checks); with both, `skip` is taken out of `only`. Empty lists mean no limit.
 */
export interface CheckSelection {
  readonly only: readonly string[];
  readonly skip: readonly string[];
  /** Set when the selection repeats what failed or errored in an earlier run (`conform run --rerun-failed`). */
  readonly rerunOf?: RerunOf;
}

export interface RerunOf {
  /** When the earlier run started, as its report says: which run is repeated. */
  readonly startedAt: string;
  /** The checks that failed or errored in it. */
  readonly checks: readonly string[];
}

/** How a partial run was chosen, as its report records it. */
export interface PartialRun extends CheckSelection {
  /** The checks of the catalogue this run left out; each is reported `not-judged`. */
  readonly leftOut: readonly string[];
}

export class SelectionError extends Error {
  override readonly name = 'SelectionError';
  constructor(
    readonly code: 'SELECTION_UNKNOWN_ID' | 'SELECTION_EMPTY',
    message: string,
  ) {
    super(message);
  }
}

/** True when a selection leaves anything out: such a run is never certifiable. */
export function isPartial(selection: CheckSelection | undefined): selection is CheckSelection {
  return selection !== undefined && (selection.only.length > 0 || selection.skip.length > 0);
}

/** `only a, b; skip c`, or what an earlier run's failures were: for messages and reasons. */
export function describeSelection(selection: CheckSelection): string {
  if (selection.rerunOf)
    return `re-running what failed or errored in the run of ${selection.rerunOf.startedAt}${selection.skip.length > 0 ? `, skipping ${selection.skip.join(', ')}` : ''}`;
  return [
    selection.only.length > 0 ? `only ${selection.only.join(', ')}` : '',
    selection.skip.length > 0 ? `skipping ${selection.skip.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('; ');
}

/**
 * The ids of the checks a selection runs. Every id given must name a check or a clause with checks; all the
 * unknown ones are named at once, with the valid ids, so one correction is enough.
 */
export function selectedCheckIds(checks: readonly Check[], selection: CheckSelection): Set<string> {
  const checkIds = checks.map((check) => check.id);
  const clauseIds = CLAUSES.map((clause) => clause.id).filter((id) =>
    checks.some((check) => check.clause === id),
  );
  const problems: string[] = [];
  const expand = (ids: readonly string[]): Set<string> => {
    const out = new Set<string>();
    for (const id of ids) {
      if (checkIds.includes(id)) out.add(id);
      else if ((clauseIds as string[]).includes(id)) {
        for (const check of checks) if (check.clause === id) out.add(check.id);
      } else problems.push(`"${id}"${didYouMean(id, [...checkIds, ...clauseIds])}`);
    }
    return out;
  };
  const only = expand(selection.only);
  const skip = expand(selection.skip);
  if (problems.length > 0)
    throw new SelectionError(
      'SELECTION_UNKNOWN_ID',
      `no check or clause with checks has the id ${problems.join(', ')}.\n  Check ids: ${checkIds.join(', ')}.\n  Clause ids (each stands for its checks): ${clauseIds.join(', ')}.`,
    );
  const selected = new Set(checkIds.filter((id) => (only.size === 0 || only.has(id)) && !skip.has(id)));
  if (selected.size === 0)
    throw new SelectionError('SELECTION_EMPTY', `${describeSelection(selection)} leaves no check to run`);
  return selected;
}

/** The result of a check a partial run left out: not judged, saying what would judge it. */
export function leftOutResult(check: Check, selection: CheckSelection): CheckResult {
  return {
    id: check.id,
    clause: check.clause,
    severity: check.severity,
    title: check.title,
    status: 'not-judged',
    message: `not run: this partial run left it out (${describeSelection(selection)})`,
    toJudge: 'a run of every check, without --only, --skip or --rerun-failed',
    durationMs: 0,
  };
}

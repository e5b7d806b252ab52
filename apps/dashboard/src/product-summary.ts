/**
 * "Why, first": what a product page says before any table. The level the run reached (or that it reached
 * none), what stops the next level (the clauses of that level that failed, could not be judged or lack the
 * supplier's attestation), and every check that failed or could not run, each with its one-line reason and
 * the command that runs just that check again. Built from the stored clause and check results by the level
 * rule the runner itself uses (LEVEL_RULES), so the page can never explain a level differently from how it
 * was reached.
 */
import { LEVEL_RULES, type Level } from '@council-conform/runner';
import { clip } from './evidence-pages.ts';
import type { StoredCheckResult, StoredClauseResult } from './store.ts';

/** The one line of a check's message the summary shows; the evidence below holds the rest. */
const REASON_CHARS = 240;
/** A title as the summary shows it: a report may carry 4,000 characters, a summary is read at a glance. */
const TITLE_CHARS = 200;
/**
 * Checks the summary lists with their reasons and commands, and check ids it names behind one clause: a report
 * may fail a thousand checks, and the summary must stay a summary (the evidence, paged, shows every one).
 */
export const SUMMARY_CHECKS = 10;
export const SUMMARY_CHECK_IDS = 5;

export interface LevelBlocker {
  readonly clause: string;
  readonly number: number;
  readonly title: string;
  /** What stops it, in words: "failed", "could not be judged", "was not judged", "has no attestation". */
  readonly why: string;
  /** The clause's must checks behind it (failed, could not run, or not judged), the first SUMMARY_CHECK_IDS. */
  readonly checkIds: readonly string[];
  /** How many more there are. */
  readonly moreCheckIds: number;
}

export interface FailingCheck {
  readonly checkId: string;
  readonly title: string;
  readonly clause: string;
  readonly clauseNumber: number | null;
  readonly clauseTitle: string;
  readonly severity: string;
  /** `fail` or `error` (could not run). */
  readonly status: string;
  readonly reason: string;
  /** The report's own re-run command, or `conform run --only <id>` for a report older than those. */
  readonly rerunCommand: string;
  /** False when the command was not in the report: the reader must add the run's target and options. */
  readonly rerunFromReport: boolean;
  /** It is behind a clause that stops the next level. */
  readonly blocksNextLevel: boolean;
}

export interface ProductSummary {
  readonly level: Level;
  /** The sentence that opens the page. */
  readonly headline: string;
  /** The level above this one, and what stops it; null at gold. */
  readonly nextLevel: {
    readonly level: Exclude<Level, 'none'>;
    readonly blockers: readonly LevelBlocker[];
  } | null;
  /** The first SUMMARY_CHECKS of them, those stopping the next level first. */
  readonly failingChecks: readonly FailingCheck[];
  /** How many more failed or could not run. */
  readonly moreFailingChecks: number;
}

const LEVEL_NAMES: Record<Level, string> = { gold: 'gold', silver: 'silver', bronze: 'bronze', none: 'no' };
const FAILING: ReadonlySet<string> = new Set(['fail', 'error']);
const BLOCKING_CHECK: ReadonlySet<string> = new Set(['fail', 'error', 'not-judged']);

function firstLine(message: string): string {
  const line = message.split(/\r?\n/).find((l) => l.trim().length > 0) ?? '';
  return clip(line.trim(), REASON_CHARS);
}

function automatedWhy(status: string | null): string | undefined {
  switch (status) {
    case 'pass':
      return undefined;
    case 'fail':
      return 'failed: a must check failed';
    case 'incomplete':
      return 'could not be judged: a must check could not run';
    case 'not-judged':
      return 'was not judged: a must check was left out of this run';
    default:
      return 'was not tested: none of its must checks ran';
  }
}

/** What stops `rule`'s level, clause by clause, by the runner's rule for it. */
function blockersOf(
  rule: (typeof LEVEL_RULES)[number],
  clauses: readonly StoredClauseResult[],
  checks: readonly StoredCheckResult[],
): LevelBlocker[] {
  const blockers: LevelBlocker[] = [];
  const mustChecksBehind = (clause: string) =>
    checks
      .filter((c) => c.clause === clause && c.severity === 'must' && BLOCKING_CHECK.has(c.status))
      .map((c) => c.checkId);
  for (const id of rule.clauses) {
    const clause = clauses.find((c) => c.clause === id);
    const why = clause ? automatedWhy(clause.automatedStatus) : 'is missing from the report';
    if (why) {
      const behind = mustChecksBehind(id);
      blockers.push({
        clause: id,
        number: clause?.number ?? 0,
        title: clip(clause?.title ?? id, TITLE_CHARS),
        why,
        checkIds: behind.slice(0, SUMMARY_CHECK_IDS),
        moreCheckIds: Math.max(0, behind.length - SUMMARY_CHECK_IDS),
      });
    }
  }
  if (rule.attestedAll)
    for (const clause of clauses)
      if (clause.assessment !== 'automated' && !clause.attestedStatement)
        blockers.push({
          clause: clause.clause,
          number: clause.number,
          title: clip(clause.title, TITLE_CHARS),
          why: 'has no signed attestation from the supplier',
          checkIds: [],
          moreCheckIds: 0,
        });
  return blockers.sort((a, b) => a.number - b.number);
}

export function productSummary(
  level: Level,
  clauses: readonly StoredClauseResult[],
  checks: readonly StoredCheckResult[],
  rerunCommands: Readonly<Record<string, string>>,
): ProductSummary {
  const reached = LEVEL_RULES.findIndex((rule) => rule.level === level);
  const next = LEVEL_RULES[reached + 1];
  const blockers = next ? blockersOf(next, clauses, checks) : [];
  // Every must check that fails behind a blocking clause stops the level, named in the blocker or not.
  const blockingClauses = new Set(blockers.filter((b) => b.checkIds.length > 0).map((b) => b.clause));
  const blocking = new Set(checks.filter((c) => c.severity === 'must' && blockingClauses.has(c.clause)));
  const clauseOf = new Map(clauses.map((c) => [c.clause, c]));
  const failingChecks = checks
    .filter((c) => FAILING.has(c.status))
    .map((c): FailingCheck => {
      const own = rerunCommands[c.checkId];
      return {
        checkId: c.checkId,
        title: clip(c.title, TITLE_CHARS),
        clause: c.clause,
        clauseNumber: clauseOf.get(c.clause)?.number ?? null,
        clauseTitle: clip(clauseOf.get(c.clause)?.title ?? c.clause, TITLE_CHARS),
        severity: c.severity,
        status: c.status,
        reason: firstLine(c.message),
        rerunCommand: own ?? `conform run --only ${c.checkId}`,
        rerunFromReport: own !== undefined,
        blocksNextLevel: blocking.has(c),
      };
    })
    // What stops the next level first, then must before should, then the report's order.
    .map((check, index) => ({ check, index }))
    .sort(
      (a, b) =>
        Number(b.check.blocksNextLevel) - Number(a.check.blocksNextLevel) ||
        Number(b.check.severity === 'must') - Number(a.check.severity === 'must') ||
        a.index - b.index,
    )
    .map(({ check }) => check);
  const failed = failingChecks.length;
  const failedText =
    failed === 0
      ? 'No check failed.'
      : `${failed} ${failed === 1 ? 'check' : 'checks'} failed or could not run.`;
  const headline =
    level === 'none'
      ? `This run reached no level. ${failedText}`
      : `This run reached the ${LEVEL_NAMES[level]} level. ${failedText}`;
  return {
    level,
    headline,
    nextLevel: next ? { level: next.level, blockers } : null,
    failingChecks: failingChecks.slice(0, SUMMARY_CHECKS),
    moreFailingChecks: Math.max(0, failingChecks.length - SUMMARY_CHECKS),
  };
}

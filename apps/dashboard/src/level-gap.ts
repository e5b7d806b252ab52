import { CLAUSES, type ClauseId } from '@council-conform/clauses';
import { LEVEL_RULES, type Level } from '@council-conform/runner';
import { LEVEL_LABELS } from './views.ts';

/**
 * What keeps a product from the next level, from its clauses' statuses as the dashboard stores them: the one
 * line the league table gives beside "No level" or "Bronze", so "13 of 14, no level" explains itself.
 */

/**
 * Clause statuses whose automated part meets the level rule (see `judgeLevel` in the runner): "partial" is a
 * passed automated part still waiting for the supplier's attestation, "not-judged" counts provisionally.
 */
const AUTOMATED_MET = new Set(['pass', 'partial', 'not-judged']);
/** Statuses that say an attestation the gold level needs is missing. */
const NOT_ATTESTED = new Set(['not-attested', 'partial']);

export interface ClauseRef {
  readonly id: ClauseId;
  readonly title: string;
}

export interface LevelGap {
  /** The level the product does not reach. */
  readonly level: Exclude<Level, 'none'>;
  /** That level's clauses whose automated checks did not pass. */
  readonly notMet: readonly ClauseRef[];
  /** Clauses still to be attested (only the gold level asks for every attestation). */
  readonly notAttested: readonly ClauseRef[];
}

const refOf = (id: ClauseId): ClauseRef => ({
  id,
  title: CLAUSES.find((clause) => clause.id === id)?.title ?? id,
});

/**
 * The first level above `level`, and what of it the product's clauses leave unmet; undefined at gold, or when
 * the statuses say nothing is missing (a level judged from checks this store does not hold).
 */
export function levelGap(level: Level, statuses: ReadonlyMap<string, string>): LevelGap | undefined {
  const reached = LEVEL_RULES.findIndex((rule) => rule.level === level);
  const next = LEVEL_RULES[reached + 1];
  if (!next) return undefined;
  const notMet = next.clauses.filter((id) => !AUTOMATED_MET.has(statuses.get(id) ?? 'missing')).map(refOf);
  const notAttested = next.attestedAll
    ? CLAUSES.filter(
        (clause) => clause.assessment !== 'automated' && NOT_ATTESTED.has(statuses.get(clause.id) ?? ''),
      ).map((clause) => refOf(clause.id))
    : [];
  if (notMet.length === 0 && notAttested.length === 0) return undefined;
  return { level: next.level, notMet, notAttested };
}

// Quoted and joined with semicolons, since clause titles have commas of their own ("Open, documented API").
const listed = (refs: readonly ClauseRef[]) => refs.map((ref) => `“${ref.title}”`).join('; ');

/** `Bronze not reached: “Secure by design” not met`, in plain words for the row. */
export function levelGapText(gap: LevelGap): string {
  const parts: string[] = [];
  if (gap.notMet.length) parts.push(`${listed(gap.notMet)} not met`);
  if (gap.notAttested.length) parts.push(`${listed(gap.notAttested)} not attested`);
  return `${LEVEL_LABELS[gap.level]} not reached: ${parts.join('; ')}`;
}

/** Each product's clause statuses, from the per-clause standings the store gives. */
export function statusesByProduct(
  standings: readonly (readonly { productId: string; status: string }[])[],
  clauseIds: readonly string[],
): Map<string, Map<string, string>> {
  const byProduct = new Map<string, Map<string, string>>();
  standings.forEach((rows, index) => {
    const clause = clauseIds[index] as string;
    for (const row of rows) {
      const statuses = byProduct.get(row.productId) ?? new Map<string, string>();
      statuses.set(clause, row.status);
      byProduct.set(row.productId, statuses);
    }
  });
  return byProduct;
}

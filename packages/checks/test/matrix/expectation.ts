/**
 * What each seeded fault must make fail. `caughtBy`: checks that must fail. `alsoFails`: checks of other
 * clauses that may fail too because the fault really breaks them as well (a dd/mm/yyyy date also breaks the
 * reference schema), each with the reason. Any other `must` check failing is a false positive.
 * A fault with no entry is not yet caught by any check; docs/fault-matrix.md says so.
 */
export interface Expectation {
  readonly caughtBy: readonly string[];
  readonly alsoFails?: Readonly<Record<string, string>>;
}

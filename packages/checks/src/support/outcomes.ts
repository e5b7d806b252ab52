import type { CheckOutcome, Judged, ViolationCollector } from '@council-conform/runner';

type Extra = Omit<CheckOutcome, 'status' | 'message'>;

/**
 * What a pass must carry: what it judged and the exchanges that show it. The runner turns a pass without
 * them into an error (`withEvidenceRule`); asking for them here makes a check say so where it is written.
 */
export type Grounded = Extra & { readonly judged: Judged; readonly exchangeIds: readonly string[] };

export const judged = (count: number, of: string): Judged => ({ count, of });

export const pass = (message: string, extra: Grounded): CheckOutcome => ({
  status: 'pass',
  message,
  ...extra,
});
export const fail = (message: string, extra: Extra = {}): CheckOutcome => ({
  status: 'fail',
  message,
  ...extra,
});
export const warn = (message: string, extra: Extra = {}): CheckOutcome => ({
  status: 'warn',
  message,
  ...extra,
});
export const notApplicable = (message: string, extra: Extra = {}): CheckOutcome => ({
  status: 'not-applicable',
  message,
  ...extra,
});
/** The check applies but this run did not give what it needs: `toJudge` says what to give. */
export const notJudged = (message: string, toJudge: string, extra: Extra = {}): CheckOutcome => ({
  status: 'not-judged',
  message,
  toJudge,
  ...extra,
});
export const harnessError = (message: string, extra: Extra = {}): CheckOutcome => ({
  status: 'error',
  message,
  ...extra,
});

/** Pass when nothing was collected, else fail with the grouped violations and a summary naming them. */
export function judge(
  violations: ViolationCollector,
  messages: { pass: string; fail: string },
  extra: Grounded,
): CheckOutcome {
  if (violations.isEmpty) return pass(messages.pass, extra);
  return fail(`${messages.fail}: ${violations.summary()}`, { ...extra, violations: violations.list() });
}

/** What a run must be given so that a check needing it is judged: said the same way by every check. */
export const TO_JUDGE = {
  https:
    'the API’s https address as --target (for a local server or container signed by a private CA, also --ca-file with that CA; `conform run --image` does both itself)',
  secondTenant:
    'a second tenant’s credentials (--second-client-id and --second-client-secret, or --second-token), a tenant that holds personal records of its own',
  roundTrip:
    '--round-trip with the URL of a reference server (or any implementation of the profile offering the baseline import) and a tenant’s client id and secret there',
  sandbox: 'a sandbox-mode run (--mode sandbox) against a sandbox of the API',
  data: 'a sandbox holding records in every dataset (the profile’s fixtures; docs/containers.md, CONFORM_SEED=fixtures)',
} as const;

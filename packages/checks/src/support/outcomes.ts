import type { CheckOutcome, ViolationCollector } from '@council-conform/runner';

type Extra = Omit<CheckOutcome, 'status' | 'message'>;

export const pass = (message: string, extra: Extra = {}): CheckOutcome => ({
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
export const harnessError = (message: string, extra: Extra = {}): CheckOutcome => ({
  status: 'error',
  message,
  ...extra,
});

/** Pass when nothing was collected, else fail with the grouped violations and a summary naming them. */
export function judge(
  violations: ViolationCollector,
  messages: { pass: string; fail: string },
  extra: Extra = {},
): CheckOutcome {
  if (violations.isEmpty) return pass(messages.pass, extra);
  return fail(`${messages.fail}: ${violations.summary()}`, { ...extra, violations: violations.list() });
}

/**
 * Exit codes shared by every command: 0 all good, 1 findings (the thing judged fell short),
 * 2 usage, configuration or harness error (we could not judge). A supplier's CI relies on the difference.
 */
export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;

export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly exitCode = EXIT.usage;
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

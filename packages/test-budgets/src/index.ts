/**
 * Test budgets: how long a test, a hook or a wait inside a test may take before it is called hung, kept in
 * this one place for every package's `vitest.config.ts` and for the tests that need a longer one.
 *
 * A budget stops a hang; it never measures speed (speed and memory targets are benchmarks, `pnpm bench`).
 * So every budget is generous, minutes rather than seconds: the suite must pass on a loaded machine, with
 * another test run or a CPU hog on the same two cores (`bash scripts/test-under-load.sh` proves it).
 * An assertion on elapsed time may only use one to prove that something ended on its own, never that it
 * was quick.
 *
 * CONFORM_TEST_BUDGET_SCALE multiplies every budget: 2 on a very slow machine, 0.2 to see which tests lean
 * on one.
 */
import type { ViteUserConfig } from 'vitest/config';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;

/** The budgets at scale 1, in milliseconds. */
export const BASE_BUDGETS = {
  /**
   * Something that ends on its own (a timeout that fires, a close, an abandoned check) to end on a loaded
   * machine. Well inside `unit`, so an assertion bounded by it fails with its own message first.
   */
  settle: 30 * SECOND,
  /** A test that works in its own process: parsing, judging, formatting, a server on 127.0.0.1. The default. */
  unit: 1 * MINUTE,
  /** One HTTP request to a server on 127.0.0.1 in a test's run, where the request timeout is not under test. */
  request: 1 * MINUTE,
  /** Starting a child process (the CLI through tsx, a server) and waiting for what it prints or its exit. */
  process: 2 * MINUTE,
  /** A hook that starts what a file's tests share: servers, mock suppliers, a database. The default for hooks. */
  setUp: 3 * MINUTE,
  /** A database: embedded PGlite (WebAssembly) started, or a PostgreSQL database created and migrated. */
  database: 3 * MINUTE,
  /** A few real runs of the harness against a mock supplier or the reference server, over real HTTP. */
  realRun: 5 * MINUTE,
  /** Debian's Chromium launched, pages opened, scanned by axe-core and screenshotted. */
  browser: 5 * MINUTE,
  /**
   * Much work in one process: property runs over dozens of runs, a 10 MB description, tens of thousands of
   * records. Beside `stress-ng --cpu 2` the longest of these took three minutes.
   */
  heavy: 10 * MINUTE,
  /** Dozens of real runs: the monitor's queue of 50 runs over worker processes. */
  manyRuns: 10 * MINUTE,
  /** Docker images built FROM scratch and containers started, health-checked and judged. */
  container: 10 * MINUTE,
} as const;

export type BudgetName = keyof typeof BASE_BUDGETS;
export type Budgets = { readonly [name in BudgetName]: number };

export const BUDGET_SCALE_VARIABLE = 'CONFORM_TEST_BUDGET_SCALE';

/** Node's timers (and so Vitest's) take at most this many milliseconds; a longer one fires at once. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

export class BudgetScaleError extends Error {
  readonly code = 'TEST_BUDGET_SCALE_INVALID';
}

/** The scale CONFORM_TEST_BUDGET_SCALE asks for: 1 when it is unset or empty. */
export function budgetScale(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const raw = env[BUDGET_SCALE_VARIABLE]?.trim();
  if (raw === undefined || raw === '') return 1;
  const scale = Number(raw);
  if (!Number.isFinite(scale) || scale <= 0)
    throw new BudgetScaleError(
      `${BUDGET_SCALE_VARIABLE} must be a number above 0 that multiplies every test budget (2 doubles them), not "${raw}"; unset it for 1`,
    );
  return scale;
}

/** Every budget multiplied by `scale`, in whole milliseconds, never past what a timer can wait. */
export function scaledBudgets(scale: number): Budgets {
  const scaled = {} as Record<BudgetName, number>;
  for (const [name, ms] of Object.entries(BASE_BUDGETS) as [BudgetName, number][])
    scaled[name] = Math.min(LONGEST_TIMER_MS, Math.max(1, Math.round(ms * scale)));
  return Object.freeze(scaled);
}

/** The budgets every test uses, scaled by CONFORM_TEST_BUDGET_SCALE. */
export const BUDGET: Budgets = scaledBudgets(budgetScale());

export interface PackageBudgets {
  /** Each test's budget unless it names its own: `BUDGET.unit` unless given. */
  readonly test?: number;
  /** Each hook's budget unless it names its own: `BUDGET.setUp` unless given. */
  readonly hook?: number;
}

/**
 * A package's Vitest config: `export default testConfig({ test: BUDGET.realRun })` in its `vitest.config.ts`.
 * Tests and hooks get the package's budgets, `expect.poll` waits `BUDGET.settle` rather than Vitest's 1 s,
 * and Vitest waits `BUDGET.settle` for what a file leaves open when it closes.
 */
export function testConfig(budgets: PackageBudgets = {}): ViteUserConfig {
  return {
    test: {
      testTimeout: budgets.test ?? BUDGET.unit,
      hookTimeout: budgets.hook ?? BUDGET.setUp,
      teardownTimeout: BUDGET.settle,
      expect: { poll: { timeout: BUDGET.settle } },
    },
  };
}

import { describe, expect, it } from 'vitest';
import {
  BASE_BUDGETS,
  BUDGET,
  BudgetScaleError,
  budgetScale,
  scaledBudgets,
  testConfig,
} from '../src/index.ts';

describe('test budgets', () => {
  it('are minutes, not seconds, except the wait for something to end on its own', () => {
    for (const [name, ms] of Object.entries(BASE_BUDGETS))
      expect(ms, name).toBeGreaterThanOrEqual(name === 'settle' ? 30_000 : 60_000);
    // An assertion bounded by `settle` fails with its own message before its test's budget.
    expect(BASE_BUDGETS.settle).toBeLessThan(BASE_BUDGETS.unit);
  });

  it('are scaled by CONFORM_TEST_BUDGET_SCALE, 1 when it is unset or empty', () => {
    expect(budgetScale({})).toBe(1);
    expect(budgetScale({ CONFORM_TEST_BUDGET_SCALE: ' ' })).toBe(1);
    expect(budgetScale({ CONFORM_TEST_BUDGET_SCALE: '2.5' })).toBe(2.5);
    expect(scaledBudgets(2).realRun).toBe(2 * BASE_BUDGETS.realRun);
    expect(scaledBudgets(0.001).settle).toBe(30);
    expect(BUDGET.unit).toBe(Math.round(BASE_BUDGETS.unit * budgetScale()));
  });

  it('never pass what a timer can wait, which would fire at once', () => {
    expect(scaledBudgets(1e9).container).toBe(2 ** 31 - 1);
  });

  it('refuse a scale that is not a number above 0, saying what to give', () => {
    for (const raw of ['0', '-1', 'twice', 'Infinity'])
      expect(() => budgetScale({ CONFORM_TEST_BUDGET_SCALE: raw })).toThrow(BudgetScaleError);
    expect(() => budgetScale({ CONFORM_TEST_BUDGET_SCALE: 'twice' })).toThrow(
      /CONFORM_TEST_BUDGET_SCALE must be a number above 0 .*not "twice"; unset it for 1/,
    );
  });

  it('give a package config the unit budget for tests and the set-up budget for hooks unless told', () => {
    expect(testConfig().test).toMatchObject({ testTimeout: BUDGET.unit, hookTimeout: BUDGET.setUp });
    expect(testConfig({ test: BUDGET.realRun, hook: BUDGET.database }).test).toMatchObject({
      testTimeout: BUDGET.realRun,
      hookTimeout: BUDGET.database,
      expect: { poll: { timeout: BUDGET.settle } },
    });
  });
});

import { BUDGET } from '@council-conform/test-budgets';
import { expect, it } from 'vitest';
import { lintText } from '../src/index.ts';
import { generateLargeDescription } from './support/large-description.ts';

// A hang guard, not a speed target: `pnpm bench` measures the time (docs/performance.md).
it('lints a generated 10 MB description, clean, without running out of memory', {
  timeout: BUDGET.heavy,
}, async () => {
  const text = generateLargeDescription(10 * 1024 * 1024);
  expect(text.length).toBeGreaterThan(10 * 1024 * 1024);
  const result = await lintText(text, '/virtual/large.json');
  expect(result.findings).toEqual([]);
  expect(result.rules.length).toBeGreaterThan(50);
});

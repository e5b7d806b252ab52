import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { renderSpecsTable, SPECS_DOC_PATH } from '../src/index.ts';

it('docs/specs.md is up to date', async () => {
  expect(await readFile(SPECS_DOC_PATH, 'utf8'), 'stale: run pnpm --filter @council-conform/specs docs').toBe(
    await renderSpecsTable(),
  );
});

import { join } from 'node:path';
import { listSpecIds, loadProfile, specDir } from '@council-conform/specs';
import { BUDGET } from '@council-conform/test-budgets';
import { describe, expect, it } from 'vitest';
import { lintDescription } from '../src/index.ts';

const ids = listSpecIds();

it('finds the reference specs to lint', () => {
  expect(ids.length).toBeGreaterThan(0);
});

describe.each(ids)('reference spec %s', (id) => {
  it('lints clean against the whole ruleset and its own profile', { timeout: BUDGET.unit }, async () => {
    const profile = await loadProfile(id);
    const result = await lintDescription(join(specDir(id), 'openapi.yaml'), {
      profile: { id, requiredOperations: profile.operations.required },
      cwd: join(specDir(id), '..', '..'),
    });
    expect(
      result.findings.map(
        (f) =>
          `${f.severity} ${f.checkId} ${f.location.source}:${f.location.line} ${f.location.jsonPath}: ${f.message}`,
      ),
    ).toEqual([]);
    expect(result.openapi).toBe('3.1.0');
  });
});

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FAULT_IDS } from '@council-conform/mocks';
import { describe, expect, it } from 'vitest';
import { renderCheckCatalogue, renderFaultMatrix } from '../scripts/docs.ts';
import { CHECKS } from '../src/index.ts';
import { EXPECTATIONS } from './matrix/expectations.ts';

const docs = join(import.meta.dirname, '..', '..', '..', 'docs');
const REGENERATE = 'stale: run pnpm --filter @council-conform/checks docs';

describe('the check catalogue', () => {
  it('gives every check a title, a description and a known severity', () => {
    for (const check of CHECKS) {
      expect(check.title.length, check.id).toBeGreaterThan(10);
      expect(check.description.length, check.id).toBeGreaterThan(60);
      expect(['must', 'should']).toContain(check.severity);
      expect(check.sampling.length, `${check.id} says what it reads`).toBeGreaterThan(10);
    }
  });

  it('proves every check with a seeded fault in the matrix', () => {
    const proven = new Set(Object.values(EXPECTATIONS).flatMap((e) => e?.caughtBy ?? []));
    expect(CHECKS.map((c) => c.id).filter((id) => !proven.has(id))).toEqual([]);
  });

  it('names only real checks and real faults in the matrix expectations', () => {
    const ids = new Set(CHECKS.map((c) => c.id));
    for (const [fault, expectation] of Object.entries(EXPECTATIONS)) {
      expect(FAULT_IDS).toContain(fault);
      for (const id of [...(expectation?.caughtBy ?? []), ...Object.keys(expectation?.alsoFails ?? {})]) {
        expect(ids.has(id), `${fault} names unknown check ${id}`).toBe(true);
      }
    }
  });

  it('has docs/checks.md and docs/fault-matrix.md up to date', async () => {
    expect(await readFile(join(docs, 'checks.md'), 'utf8'), `docs/checks.md ${REGENERATE}`).toBe(
      renderCheckCatalogue(),
    );
    expect(await readFile(join(docs, 'fault-matrix.md'), 'utf8'), `docs/fault-matrix.md ${REGENERATE}`).toBe(
      renderFaultMatrix(),
    );
  });
});

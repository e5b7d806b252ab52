import { CLAUSES } from '@council-conform/clauses';
import { describe, expect, it } from 'vitest';
import { levelGap, levelGapText, statusesByProduct } from '../src/level-gap.ts';

/** Every clause met and attested, then the changes a case makes. */
const statuses = (changes: Record<string, string> = {}) =>
  new Map(
    CLAUSES.map((clause) => [
      clause.id,
      changes[clause.id] ?? (clause.assessment === 'attested' ? 'attested' : 'pass'),
    ]),
  );

describe('what keeps a product from the next level', () => {
  it('names the bronze clause a "13 of 14, no level" product misses', () => {
    const gap = levelGap('none', statuses({ secure: 'fail' }));
    expect(gap?.level).toBe('bronze');
    expect(gap?.notMet.map((c) => c.id)).toEqual(['secure']);
    expect(levelGapText(gap as NonNullable<typeof gap>)).toBe(
      `Bronze not reached: “${CLAUSES.find((c) => c.id === 'secure')?.title}” not met`,
    );
  });

  it('counts a passed automated part waiting for its attestation, and a provisional one, towards the level', () => {
    expect(levelGap('bronze', statuses({ transparent: 'partial', seamless: 'not-judged' }))).toBeUndefined();
    expect(levelGap('bronze', statuses({ seamless: 'incomplete' }))?.notMet.map((c) => c.id)).toEqual([
      'seamless',
    ]);
  });

  it('asks gold for every attestation, and quotes titles that have commas of their own', () => {
    const gap = levelGap('silver', statuses({ inclusion: 'not-attested', 'easy-exit': 'partial' }));
    expect(gap?.level).toBe('gold');
    expect(gap?.notMet).toEqual([]);
    expect(gap?.notAttested.map((c) => c.id)).toEqual(['easy-exit', 'inclusion']);
    const missingApi = levelGap('none', statuses({ 'open-api': 'fail' }));
    expect(levelGapText(missingApi as NonNullable<typeof missingApi>)).toBe(
      'Bronze not reached: “Open, documented API” not met',
    );
  });

  it('has nothing to say at gold, or for a clause the store has no status for as not met', () => {
    expect(levelGap('gold', statuses({ secure: 'fail' }))).toBeUndefined();
    expect(levelGap('none', new Map())?.notMet).toHaveLength(4);
  });

  it('groups per-clause standings by product', () => {
    const byProduct = statusesByProduct(
      [
        [
          { productId: 'a', status: 'pass' },
          { productId: 'b', status: 'fail' },
        ],
        [{ productId: 'a', status: 'partial' }],
      ],
      ['secure', 'transparent'],
    );
    expect([...(byProduct.get('a') ?? [])]).toEqual([
      ['secure', 'pass'],
      ['transparent', 'partial'],
    ]);
    expect([...(byProduct.get('b') ?? [])]).toEqual([['secure', 'fail']]);
  });
});

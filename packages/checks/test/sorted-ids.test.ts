import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '@council-conform/synthetic-data';
import { afterEach, describe, expect, it } from 'vitest';
import { compareSortedIds, idsAtPositions, SortedIdSpill } from '../src/support/sorted-ids.ts';

const directories: string[] = [];
const scratch = () => {
  const directory = mkdtempSync(join(tmpdir(), 'sorted-ids-test-'));
  directories.push(directory);
  return directory;
};
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const id of iterable) out.push(id);
  return out;
}

const codeUnitOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

describe('SortedIdSpill', () => {
  it('gives back every id in code-unit order, duplicates kept, across runs spilled to disk', async () => {
    const directory = scratch();
    const spill = new SortedIdSpill(() => directory, 'test', 7);
    const rng = createRng('spill');
    // Awkward ids too: a newline, a quote, non-ASCII, a surrogate pair, the empty string.
    const ids = ['a\nb', '"quoted"', 'é', '😀', '', 'Z', 'z'];
    for (let i = 0; i < 500; i++) ids.push(`rec-${rng.int(0, 300)}`);
    for (const id of ids) spill.add(id);
    expect(spill.size).toBe(ids.length);
    expect(spill.spilledRuns).toBe(Math.floor(ids.length / 7));
    expect(readdirSync(directory)).toHaveLength(spill.spilledRuns);
    expect(await collect(spill.sorted())).toEqual([...ids].sort(codeUnitOrder));
    // A second read gives the same: the runs stay until the run's scratch directory goes.
    expect(await collect(spill.sorted())).toEqual([...ids].sort(codeUnitOrder));
  });

  it('never touches the disk while everything fits in memory', async () => {
    let asked = 0;
    const spill = new SortedIdSpill(() => {
      asked += 1;
      return scratch();
    }, 'small');
    for (const id of ['c', 'a', 'b']) spill.add(id);
    expect(await collect(spill.sorted())).toEqual(['a', 'b', 'c']);
    expect(asked).toBe(0);
  });
});

describe('compareSortedIds', () => {
  it('finds ids on one side only and ids repeated on one side, as Sets would', async () => {
    const rng = createRng('compare');
    const left: string[] = [];
    const right: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const id = `id-${rng.int(0, 1500)}`;
      if (rng.int(0, 9) > 0) left.push(id);
      if (rng.int(0, 9) > 0) right.push(id);
    }
    const directory = scratch();
    const l = new SortedIdSpill(() => directory, 'left', 100);
    const r = new SortedIdSpill(() => directory, 'right', 100);
    for (const id of left) l.add(id);
    for (const id of right) r.add(id);
    const onlyLeft: string[] = [];
    const onlyRight: string[] = [];
    const duplicatesRight: string[] = [];
    const result = await compareSortedIds(l.sorted(), r.sorted(), {
      onlyLeft: (id) => onlyLeft.push(id),
      onlyRight: (id) => onlyRight.push(id),
      duplicateRight: (id) => duplicatesRight.push(id),
    });
    const leftSet = new Set(left);
    const rightSet = new Set(right);
    expect(onlyLeft).toEqual([...leftSet].filter((id) => !rightSet.has(id)).sort(codeUnitOrder));
    expect(onlyRight).toEqual([...rightSet].filter((id) => !leftSet.has(id)).sort(codeUnitOrder));
    expect(result.both).toBe([...leftSet].filter((id) => rightSet.has(id)).length);
    expect(result.duplicatesLeft).toBe(left.length - leftSet.size);
    expect(duplicatesRight).toHaveLength(right.length - rightSet.size);
    expect(onlyLeft.length).toBeGreaterThan(0);
    expect(onlyRight.length).toBeGreaterThan(0);
  });

  it('treats two empty sides as equal', async () => {
    const empty = new SortedIdSpill(() => scratch(), 'empty');
    expect(await compareSortedIds(empty.sorted(), empty.sorted(), {})).toEqual({
      onlyLeft: 0,
      onlyRight: 0,
      both: 0,
      duplicatesLeft: 0,
      duplicatesRight: 0,
    });
  });
});

describe('idsAtPositions', () => {
  it('picks the distinct ids at the given sorted positions in one pass', async () => {
    const directory = scratch();
    const spill = new SortedIdSpill(() => directory, 'sample', 10);
    for (const id of ['e', 'b', 'a', 'd', 'c', 'b', 'f', 'g', 'h', 'i', 'j', 'k']) spill.add(id);
    expect(await idsAtPositions(spill.sorted(), [3, 0, 3, 10, 42])).toEqual(['a', 'd', 'k']);
  });
});

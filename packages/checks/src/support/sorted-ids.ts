import { once } from 'node:events';
import { closeSync, createReadStream, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** Ids held in memory before they are sorted and written out as one run: about 3 MB of strings. */
export const SPILL_RUN_SIZE = 50_000;

/**
 * Record ids collected from an export or an API listing of any size in bounded memory: ids are kept in
 * memory up to a run's worth, then sorted and written to the run's scratch directory, and read back as one
 * sorted stream by merging the runs. Completeness is then a merge of two sorted streams, so neither side is
 * ever held whole, whether it has ten thousand records or ten million.
 */
export class SortedIdSpill {
  /**
   * The run being gathered, `filled` of it in use. The first run grows it; every later run reuses it. Grown
   * from empty each time, each run's array was copied through ever larger ones, the last few in V8's
   * large-object space, garbage there until a full GC: about 1 MB a run, 20 MB over a million ids.
   */
  private buffer: string[] = [];
  private filled = 0;
  private readonly runs: string[] = [];
  private added = 0;
  /** Two spills may share a name and a directory (two files for one dataset): their runs must not. */
  private static made = 0;
  private readonly instance = ++SortedIdSpill.made;

  constructor(
    private readonly directory: () => string,
    private readonly name: string,
    private readonly runSize = SPILL_RUN_SIZE,
  ) {}

  /** Ids added, counting an id added twice twice. */
  get size(): number {
    return this.added;
  }

  /** How many runs went to disk: 0 while everything still fits in memory. */
  get spilledRuns(): number {
    return this.runs.length;
  }

  add(id: string): void {
    if (this.filled < this.buffer.length) this.buffer[this.filled] = id;
    else this.buffer.push(id);
    this.filled += 1;
    this.added += 1;
    if (this.filled >= this.runSize) this.spill();
  }

  /** The ids gathered and not yet spilled, as an array of their own length (sorting it sorts them). */
  private gathered(): string[] {
    if (this.buffer.length !== this.filled) this.buffer.length = this.filled;
    return this.buffer;
  }

  private spill(): void {
    this.gathered().sort(compareIds);
    const path = join(this.directory(), `${this.name}-${this.instance}-${this.runs.length}.ids`);
    const fd = openSync(path, 'w');
    try {
      // One JSON string per line: an id may hold a newline, and JSON.parse gives it back exactly.
      for (let start = 0; start < this.buffer.length; start += 4096) {
        const lines = this.buffer.slice(start, start + 4096).map((id) => `${JSON.stringify(id)}\n`);
        writeSync(fd, lines.join(''));
      }
    } finally {
      closeSync(fd);
    }
    this.runs.push(path);
    // Written out: nothing need keep them alive until the next run overwrites them.
    this.buffer.fill('');
    this.filled = 0;
  }

  /** Every id added, in code-unit order, duplicates kept (a consumer may need to see them). */
  async *sorted(): AsyncGenerator<string> {
    const memory = this.gathered().sort(compareIds);
    if (this.runs.length === 0) {
      yield* memory;
      return;
    }
    const sources: AsyncIterator<string>[] = [
      ...this.runs.map((path) => readRun(path)),
      (async function* (memory: readonly string[]) {
        yield* memory;
      })(memory.slice()),
    ];
    // A k-way merge over at most a few dozen runs: a linear scan for the least head is cheaper than a heap.
    const heads: (string | undefined)[] = [];
    for (const source of sources) heads.push(await nextOf(source));
    for (;;) {
      let least = -1;
      for (let i = 0; i < heads.length; i++) {
        const head = heads[i];
        if (head !== undefined && (least === -1 || head < (heads[least] as string))) least = i;
      }
      if (least === -1) return;
      yield heads[least] as string;
      heads[least] = await nextOf(sources[least] as AsyncIterator<string>);
    }
  }
}

const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

async function nextOf(source: AsyncIterator<string>): Promise<string | undefined> {
  const step = await source.next();
  return step.done ? undefined : step.value;
}

async function* readRun(path: string): AsyncGenerator<string> {
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 64 * 1024 });
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) if (line !== '') yield JSON.parse(line) as string;
  } finally {
    lines.close();
    stream.destroy();
    if (!stream.closed) await once(stream, 'close');
  }
}

/** What a merge of two sorted id streams found: ids on one side only, and ids one side holds twice. */
export interface IdComparison {
  readonly onlyLeft: number;
  readonly onlyRight: number;
  readonly both: number;
  readonly duplicatesLeft: number;
  readonly duplicatesRight: number;
}

/**
 * Walks two sorted id streams together once, calling back for every id found on only one side or repeated
 * on one side. Memory is two ids, whatever the sizes.
 */
export async function compareSortedIds(
  left: AsyncIterable<string>,
  right: AsyncIterable<string>,
  on: {
    onlyLeft?(id: string): void;
    onlyRight?(id: string): void;
    duplicateLeft?(id: string): void;
    duplicateRight?(id: string): void;
  },
): Promise<IdComparison> {
  const l = distinct(left[Symbol.asyncIterator](), on.duplicateLeft);
  const r = distinct(right[Symbol.asyncIterator](), on.duplicateRight);
  let a = await nextOf(l.iterator);
  let b = await nextOf(r.iterator);
  let onlyLeft = 0;
  let onlyRight = 0;
  let both = 0;
  while (a !== undefined || b !== undefined) {
    if (b === undefined || (a !== undefined && a < b)) {
      onlyLeft += 1;
      on.onlyLeft?.(a as string);
      a = await nextOf(l.iterator);
    } else if (a === undefined || b < a) {
      onlyRight += 1;
      on.onlyRight?.(b);
      b = await nextOf(r.iterator);
    } else {
      both += 1;
      a = await nextOf(l.iterator);
      b = await nextOf(r.iterator);
    }
  }
  return { onlyLeft, onlyRight, both, duplicatesLeft: l.duplicates(), duplicatesRight: r.duplicates() };
}

/** A sorted stream with repeats dropped, counting (and reporting) each repeat. */
function distinct(
  source: AsyncIterator<string>,
  onDuplicate: ((id: string) => void) | undefined,
): { iterator: AsyncIterator<string>; duplicates: () => number } {
  let duplicates = 0;
  let previous: string | undefined;
  const iterator: AsyncIterator<string> = {
    async next() {
      for (;;) {
        const step = await source.next();
        if (step.done) return step;
        if (step.value === previous) {
          duplicates += 1;
          onDuplicate?.(step.value);
          continue;
        }
        previous = step.value;
        return step;
      }
    },
  };
  return { iterator, duplicates: () => duplicates };
}

/**
 * The ids at the given positions (0-based, in sorted order, repeats dropped) of a sorted stream, read in
 * one pass: a seeded sample of a list too long to hold.
 */
export async function idsAtPositions(
  sorted: AsyncIterable<string>,
  positions: Iterable<number>,
): Promise<string[]> {
  const wanted = [...new Set(positions)].sort((x, y) => x - y);
  const out: string[] = [];
  let at = -1;
  let previous: string | undefined;
  let next = 0;
  for await (const id of sorted) {
    if (next >= wanted.length) break;
    if (id === previous) continue;
    previous = id;
    at += 1;
    while (next < wanted.length && wanted[next] === at) {
      out.push(id);
      next += 1;
    }
  }
  return out;
}

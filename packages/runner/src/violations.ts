import type { ViolationExample, ViolationGroup } from './types.ts';

/**
 * Collects defects as a check finds them and groups them by kind: 300 records with the same bad date become
 * one line with a count and the first few examples, so a report stays readable.
 */
export class ViolationCollector {
  private readonly groups = new Map<string, { count: number; examples: ViolationExample[] }>();

  constructor(private readonly examplesPerKind = 5) {}

  add(kind: string, example: ViolationExample): void {
    let group = this.groups.get(kind);
    if (!group) {
      group = { count: 0, examples: [] };
      this.groups.set(kind, group);
    }
    group.count += 1;
    if (group.examples.length < this.examplesPerKind) group.examples.push(example);
  }

  get size(): number {
    let total = 0;
    for (const group of this.groups.values()) total += group.count;
    return total;
  }

  get isEmpty(): boolean {
    return this.groups.size === 0;
  }

  list(): ViolationGroup[] {
    return [...this.groups.entries()].map(([kind, group]) => ({
      kind,
      count: group.count,
      examples: group.examples,
    }));
  }

  /** "3 kinds of problem, 312 in all: …" — the first kinds named, for an outcome message. */
  summary(limit = 3): string {
    const groups = this.list();
    const named = groups
      .slice(0, limit)
      .map((g) => `${g.kind}${g.count > 1 ? ` (${g.count}×)` : ''}`)
      .join('; ');
    return groups.length > limit ? `${named}; and ${groups.length - limit} more kinds` : named;
  }
}

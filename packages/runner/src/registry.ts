import { isClauseId } from '@council-conform/clauses';
import type { Check } from './types.ts';

/** The one place checks are registered; it refuses duplicates and malformed entries. */
export class CheckRegistry {
  private readonly checks = new Map<string, Check>();

  register(...checks: Check[]): this {
    for (const check of checks) {
      if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(check.id))
        throw new Error(`check id "${check.id}" is not kebab-case`);
      if (this.checks.has(check.id)) throw new Error(`check "${check.id}" is registered twice`);
      if (!isClauseId(check.clause))
        throw new Error(`check "${check.id}" names unknown clause "${check.clause}"`);
      this.checks.set(check.id, check);
    }
    return this;
  }

  get(id: string): Check | undefined {
    return this.checks.get(id);
  }

  all(): Check[] {
    return [...this.checks.values()];
  }
}

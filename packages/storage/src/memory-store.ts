import { modifiedAtOf, type RecordScope, type RecordStore, type StoredRecord } from './record-store.ts';

const keyOf = (scope: RecordScope) => JSON.stringify([scope.space, scope.dataset, scope.tenant]);

/** A store in this process's memory: for mocks and tests, where a fresh start with each run is the point. */
export function createMemoryRecordStore(): RecordStore {
  const scopes = new Map<string, { order: StoredRecord[]; byId: Map<string, number> }>();
  const scopeOf = (scope: RecordScope) => {
    const key = keyOf(scope);
    let found = scopes.get(key);
    if (!found) {
      found = { order: [], byId: new Map() };
      scopes.set(key, found);
    }
    return found;
  };
  const matching = (scope: RecordScope, modifiedAfter?: number) => {
    const { order } = scopeOf(scope);
    if (modifiedAfter === undefined) return order;
    return order.filter((record) => {
      const at = modifiedAtOf(record);
      return at !== null && at > modifiedAfter;
    });
  };
  return {
    kind: 'memory',
    count: async (scope) => scopeOf(scope).order.length,
    async page(scope, query) {
      const all = matching(scope, query.modifiedAfter);
      return { records: all.slice(query.offset, query.offset + query.limit), total: all.length };
    },
    async get(scope, id) {
      const { order, byId } = scopeOf(scope);
      const at = byId.get(id);
      return at === undefined ? undefined : order[at];
    },
    async getMany(scope, ids) {
      const { order, byId } = scopeOf(scope);
      const found = new Map<string, StoredRecord>();
      for (const id of ids) {
        const at = byId.get(id);
        if (at !== undefined) found.set(id, order[at] as StoredRecord);
      }
      return found;
    },
    async upsert(scope, records) {
      const { order, byId } = scopeOf(scope);
      for (const { id, record } of records) {
        const at = byId.get(id);
        if (at === undefined) {
          byId.set(id, order.length);
          order.push(record);
        } else order[at] = record;
      }
    },
    async *stream(scope) {
      // A copy of the order, so records stored while a caller reads do not shift what it sees.
      yield* [...scopeOf(scope).order];
    },
    async fieldNames(scope) {
      const names = new Set<string>();
      for (const record of scopeOf(scope).order) for (const key of Object.keys(record)) names.add(key);
      return [...names];
    },
    ping: async () => undefined,
    close: async () => {
      scopes.clear();
    },
  };
}

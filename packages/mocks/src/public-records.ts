import type { RecordScope, RecordStore, StoredRecord } from '@council-conform/storage';

export interface PublicRecordsOptions {
  readonly store: RecordStore;
  /** Where a public dataset's records live: one scope shared by every tenant, since everyone may read them. */
  readonly recordsScope: (datasetId: string) => RecordScope;
  /**
   * The tenant that published the public records no tenant has claimed: those seeded from the fixtures, and
   * any stored before owners were kept.
   */
  readonly publisherTenantId: string;
}

export interface PublicRecordWrite {
  readonly id: string;
  readonly record: StoredRecord;
}

export interface PublicRecords {
  /**
   * Stores the records the tenant may write (its own, or ids no one holds yet, which become its own) and
   * returns, by id, the tenant holding each one it may not: a shared public id is never taken over.
   */
  write(
    datasetId: string,
    rows: readonly PublicRecordWrite[],
    tenantId: string,
  ): Promise<Map<string, string>>;
}

/**
 * Public records are kept once for everyone to read, so one tenant's id is every tenant's id: without an
 * owner per record, a tenant could overwrite another's published records by writing the same id. Owners are
 * kept in the same store, in a scope of their own beside each dataset's records (`<dataset>:owners`), so no
 * schema change is needed and they live exactly as long as the records do.
 */
export function createPublicRecords(options: PublicRecordsOptions): PublicRecords {
  const { store, recordsScope, publisherTenantId } = options;
  const ownersScope = (datasetId: string): RecordScope => {
    const scope = recordsScope(datasetId);
    return { ...scope, dataset: `${scope.dataset}:owners` };
  };

  async function ownersOf(datasetId: string, ids: readonly string[]): Promise<Map<string, string>> {
    const owners = new Map<string, string>();
    for (const [id, claim] of await store.getMany(ownersScope(datasetId), ids))
      owners.set(id, String(claim.tenant));
    const unclaimed = ids.filter((id) => !owners.has(id));
    for (const id of (await store.getMany(recordsScope(datasetId), unclaimed)).keys())
      owners.set(id, publisherTenantId);
    return owners;
  }

  // Checking owners and then writing are two steps: two imports naming one new id at once must not both see
  // it unclaimed, so writes are applied one at a time (one process serves a supplier's writes).
  let previousWrite: Promise<unknown> = Promise.resolve();
  function inTurn<T>(write: () => Promise<T>): Promise<T> {
    const turn = previousWrite.then(write);
    previousWrite = turn.catch(() => undefined);
    return turn;
  }

  return {
    write: (datasetId, rows, tenantId) =>
      inTurn(async () => {
        const owners = await ownersOf(datasetId, [...new Set(rows.map((row) => row.id))]);
        const heldByOthers = new Map([...owners].filter(([, owner]) => owner !== tenantId));
        const allowed = rows.filter((row) => !heldByOthers.has(row.id));
        const claims = new Map(
          allowed
            .filter((row) => !owners.has(row.id))
            .map((row) => [row.id, { id: row.id, record: { tenant: tenantId } }]),
        );
        // The claim first: should the records fail to store, the ids stay the tenant's to write again.
        if (claims.size > 0) await store.upsert(ownersScope(datasetId), [...claims.values()]);
        if (allowed.length > 0) await store.upsert(recordsScope(datasetId), allowed);
        return heldByOthers;
      }),
  };
}

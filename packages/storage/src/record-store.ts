export type StoredRecord = Record<string, unknown>;

/**
 * Where a record lives: a space (one reference spec, one supplier product), one of its datasets, and the
 * tenant that owns it. Public datasets are stored once under a shared tenant chosen by the caller.
 */
export interface RecordScope {
  readonly space: string;
  readonly dataset: string;
  readonly tenant: string;
}

export interface RecordPageQuery {
  readonly offset: number;
  readonly limit: number;
  /** Only records whose `modified_at` is after this instant (milliseconds since the epoch). */
  readonly modifiedAfter?: number;
}

export interface RecordPage {
  readonly records: StoredRecord[];
  /** How many records match the query in all, not just on this page. */
  readonly total: number;
}

/**
 * The records of every space, in the order they were first stored. Records keep their JSON exactly as given
 * (key order included), and a record stored again under the same id replaces the old one in its place.
 */
export interface RecordStore {
  /** `pglite`, `postgresql` or `memory`: what a health endpoint or a log line should name. */
  readonly kind: 'pglite' | 'postgresql' | 'memory';
  count(scope: RecordScope): Promise<number>;
  page(scope: RecordScope, query: RecordPageQuery): Promise<RecordPage>;
  get(scope: RecordScope, id: string): Promise<StoredRecord | undefined>;
  /** The records of a scope with any of these ids, by id; ids it does not hold are absent from the map. */
  getMany(scope: RecordScope, ids: readonly string[]): Promise<Map<string, StoredRecord>>;
  /** Inserts or replaces by id, all or nothing. */
  upsert(scope: RecordScope, records: readonly { id: string; record: StoredRecord }[]): Promise<void>;
  /** Every record of a scope in storage order, read in batches so that a large dataset never sits in memory. */
  stream(scope: RecordScope, batchSize?: number): AsyncIterable<StoredRecord>;
  /** Top-level field names across a scope's records, in order of first appearance. */
  fieldNames(scope: RecordScope): Promise<string[]>;
  /** Whether the store answers: for health endpoints. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function modifiedAtOf(record: StoredRecord): number | null {
  const value = record.modified_at;
  if (typeof value !== 'string') return null;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : at;
}

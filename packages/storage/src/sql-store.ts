import { migrate } from './migrations.ts';
import { modifiedAtOf, type RecordScope, type RecordStore, type StoredRecord } from './record-store.ts';
import { describeDatabaseUrl, openPglite, openPostgres, type SqlClient } from './sql.ts';

const WRITE_BATCH = 1000;
/** Ids asked for in one statement by getMany. */
const READ_BATCH = 1000;
const SCOPE = 'space = $1 AND dataset = $2 AND tenant = $3';
const scopeParams = (scope: RecordScope) => [scope.space, scope.dataset, scope.tenant];

export interface OpenRecordStoreOptions {
  /** A PostgreSQL server (`postgres://…`). Without it the store is embedded PGlite. */
  readonly databaseUrl?: string | undefined;
  /** Where embedded PGlite keeps its files; without it, in memory for the life of the process. */
  readonly dataDir?: string | undefined;
}

/**
 * The store the reference server runs on: PostgreSQL, either a server named by `databaseUrl` or PGlite
 * embedded in the process, with the schema migrated on open.
 */
export async function openRecordStore(options: OpenRecordStoreOptions = {}): Promise<RecordStore> {
  const sql = options.databaseUrl
    ? await openPostgres(options.databaseUrl)
    : await openPglite(options.dataDir);
  try {
    await migrate(sql);
  } catch (error) {
    await sql.close().catch(() => undefined);
    const where = options.databaseUrl ? describeDatabaseUrl(options.databaseUrl) : 'embedded PGlite';
    throw new Error(`cannot migrate the database (${where}): ${(error as Error).message}`);
  }
  return sqlRecordStore(sql, options.databaseUrl ? 'postgresql' : 'pglite');
}

function sqlRecordStore(sql: SqlClient, kind: 'pglite' | 'postgresql'): RecordStore {
  return {
    kind,
    async count(scope) {
      const [row] = await sql.query<{ n: string }>(
        `SELECT count(*)::text AS n FROM records WHERE ${SCOPE}`,
        scopeParams(scope),
      );
      return Number(row?.n ?? 0);
    },
    async page(scope, query) {
      const after = query.modifiedAfter === undefined ? null : new Date(query.modifiedAfter).toISOString();
      const filter = `${SCOPE} AND ($4::timestamptz IS NULL OR modified_at > $4::timestamptz)`;
      const params = [...scopeParams(scope), after];
      const rows = await sql.query<{ body: StoredRecord }>(
        `SELECT body FROM records WHERE ${filter} ORDER BY seq OFFSET $5 LIMIT $6`,
        [...params, query.offset, query.limit],
      );
      const [count] = await sql.query<{ n: string }>(
        `SELECT count(*)::text AS n FROM records WHERE ${filter}`,
        params,
      );
      return { records: rows.map((row) => row.body), total: Number(count?.n ?? 0) };
    },
    async get(scope, id) {
      const [row] = await sql.query<{ body: StoredRecord }>(
        `SELECT body FROM records WHERE ${SCOPE} AND record_id = $4`,
        [...scopeParams(scope), id],
      );
      return row?.body;
    },
    async getMany(scope, ids) {
      const found = new Map<string, StoredRecord>();
      const distinct = [...new Set(ids)];
      for (let start = 0; start < distinct.length; start += READ_BATCH) {
        const rows = await sql.query<{ record_id: string; body: StoredRecord }>(
          `SELECT record_id, body FROM records WHERE ${SCOPE} AND record_id = ANY($4::text[])`,
          [...scopeParams(scope), distinct.slice(start, start + READ_BATCH)],
        );
        for (const row of rows) found.set(row.record_id, row.body);
      }
      return found;
    },
    async upsert(scope, records) {
      // One statement may not touch a row twice: the last copy of an id wins, as it would one by one.
      const latest = new Map<string, StoredRecord>();
      for (const { id, record } of records) latest.set(id, record);
      const entries = [...latest];
      await sql.transaction(async (tx) => {
        for (let start = 0; start < entries.length; start += WRITE_BATCH) {
          const batch = entries.slice(start, start + WRITE_BATCH);
          await tx.query(
            `INSERT INTO records (space, dataset, tenant, record_id, modified_at, body)
             SELECT $1, $2, $3, r.id, r.modified_at, r.body::json
             FROM unnest($4::text[], $5::timestamptz[], $6::text[]) WITH ORDINALITY AS r(id, modified_at, body, n)
             ORDER BY r.n
             ON CONFLICT (space, dataset, tenant, record_id)
             DO UPDATE SET modified_at = excluded.modified_at, body = excluded.body`,
            [
              ...scopeParams(scope),
              batch.map(([id]) => id),
              batch.map(([, record]) => {
                const at = modifiedAtOf(record);
                return at === null ? null : new Date(at).toISOString();
              }),
              batch.map(([, record]) => JSON.stringify(record)),
            ],
          );
        }
      });
    },
    async *stream(scope, batchSize = 1000) {
      // Keyset pages on the storage order: constant memory, and no page is skipped when others write.
      let after = '0';
      for (;;) {
        // The alias is not `seq`: ORDER BY would then sort the text, and "10" comes before "9".
        const rows = await sql.query<{ position: string; body: StoredRecord }>(
          `SELECT seq::text AS position, body FROM records WHERE ${SCOPE} AND seq > $4::bigint ORDER BY records.seq LIMIT $5`,
          [...scopeParams(scope), after, batchSize],
        );
        for (const row of rows) yield row.body;
        if (rows.length < batchSize) return;
        after = (rows[rows.length - 1] as { position: string }).position;
      }
    },
    async fieldNames(scope) {
      const rows = await sql.query<{ key: string }>(
        `SELECT key FROM (
           SELECT DISTINCT ON (key) key, seq, ord
           FROM records, json_object_keys(body) WITH ORDINALITY AS k(key, ord)
           WHERE ${SCOPE} AND json_typeof(body) = 'object'
           ORDER BY key, seq, ord
         ) first_seen ORDER BY seq, ord`,
        scopeParams(scope),
      );
      return rows.map((row) => row.key);
    },
    async ping() {
      await sql.query('SELECT 1');
    },
    close: () => sql.close(),
  };
}

import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

/** The little of SQL the store needs, the same over embedded PGlite and a PostgreSQL server. */
export interface SqlClient {
  query<Row>(text: string, params?: readonly unknown[]): Promise<Row[]>;
  transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export class StorageConnectionError extends Error {
  override readonly name = 'StorageConnectionError';
}

/** A database URL fit for logs and error messages: the password is never shown. */
/** Where a store keeps its data, for a start-up line: the server (password hidden) or embedded PGlite's folder. */
export function describeStorage(options: {
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
}): string {
  return options.databaseUrl
    ? `PostgreSQL at ${describeDatabaseUrl(options.databaseUrl)}`
    : `embedded PGlite ${options.dataDir ? `in ${options.dataDir}` : 'in memory'}`;
}

export function describeDatabaseUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(a DATABASE_URL that is not a URL)';
  }
}

export async function openPglite(dataDir?: string): Promise<SqlClient> {
  const db = dataDir ? await PGlite.create(dataDir) : await PGlite.create();
  const over = (runner: Pick<PGlite, 'query'>): SqlClient => ({
    query: async <Row>(text: string, params: readonly unknown[] = []) =>
      (await runner.query<Row>(text, [...params])).rows,
    transaction: (work) => db.transaction((tx) => work(over(tx))),
    close: () => db.close(),
  });
  return over(db);
}

export async function openPostgres(databaseUrl: string): Promise<SqlClient> {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new StorageConnectionError(
      'DATABASE_URL is not a URL (expected postgres://user:password@host:5432/database)',
    );
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new StorageConnectionError(
      `DATABASE_URL must start with postgres:// or postgresql://, not ${url.protocol}//`,
    );
  }
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 8, connectionTimeoutMillis: 10_000 });
  // An idle client that loses its server would otherwise throw from the pool and end the process.
  pool.on('error', (error) => console.error(`storage: idle PostgreSQL connection failed: ${error.message}`));
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new StorageConnectionError(
      `cannot connect to PostgreSQL at ${describeDatabaseUrl(databaseUrl)}: ${(error as Error).message}`,
    );
  }
  const over = (runner: pg.Pool | pg.PoolClient): SqlClient => ({
    query: async <Row>(text: string, params: readonly unknown[] = []) =>
      (await runner.query(text, [...params])).rows as Row[],
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(over(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  });
  return over(pool);
}

import { randomBytes } from 'node:crypto';
import { BUDGET } from '@council-conform/test-budgets';
import pg from 'pg';

/** The server scripts/system-setup.sh starts, and the role it creates for tests. */
export const TEST_POSTGRES_URL =
  process.env.CONFORM_TEST_POSTGRES_URL ?? 'postgres://conform:conform@127.0.0.1:5432/postgres';

export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

export type PostgresAvailability = { available: true } | { available: false; reason: string };

/** Whether the test PostgreSQL server answers; with CI=true callers must fail rather than skip. */
export async function testPostgresAvailability(): Promise<PostgresAvailability> {
  // A server that is not there refuses at once; one slow to answer on a loaded machine is not skipped.
  const client = new pg.Client({
    connectionString: TEST_POSTGRES_URL,
    connectionTimeoutMillis: BUDGET.database,
  });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { available: true };
  } catch (error) {
    return {
      available: false,
      reason: `no PostgreSQL for tests at ${TEST_POSTGRES_URL.replace(/:[^:@/]*@/, ':***@')} (${(error as Error).message}); scripts/system-setup.sh installs and starts it`,
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The test server's availability for a test file that needs it: with CI=true a missing PostgreSQL fails the
 * run (scripts/system-setup.sh must have started it); elsewhere the file's PostgreSQL tests are skipped, and
 * `what` says which in a warning.
 */
export async function postgresForTests(what: string): Promise<PostgresAvailability> {
  const postgres = await testPostgresAvailability();
  if (!postgres.available && process.env.CI === 'true') throw new Error(`CI=true: ${postgres.reason}`);
  if (!postgres.available) console.warn(`${what} skipped: ${postgres.reason}`);
  return postgres;
}

/** A new, empty database on the test server, so test files never see each other's rows. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `conform_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await client.connect();
      try {
        // FORCE ends the sessions on the database, but not one of another role: an autovacuum worker that
        // happens to be in it makes the drop fail (42501) or wait (55006) until it leaves, within moments.
        for (let attempt = 1; ; attempt++) {
          try {
            await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
            return;
          } catch (error) {
            const code = (error as { code?: string }).code;
            if ((code !== '42501' && code !== '55006') || attempt >= 20) throw error;
            await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
          }
        }
      } finally {
        await client.end();
      }
    },
  };
}

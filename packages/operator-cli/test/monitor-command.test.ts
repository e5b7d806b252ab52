import { createTestDatabase, postgresForTests, type TestDatabase } from '@council-conform/storage/testing';
import { BUDGET } from '@council-conform/test-budgets';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runOperatorCli } from '../src/index.ts';
import { capture } from './support.ts';

const postgres = await postgresForTests('conform schedule and monitor commands');

let database: TestDatabase;
beforeAll(async () => {
  if (postgres.available) database = await createTestDatabase();
}, BUDGET.database);
afterAll(async () => {
  vi.unstubAllEnvs();
  await database?.drop();
}, BUDGET.database);

const add = (...extra: string[]) => [
  'schedule',
  'add',
  '--id',
  'camden-repairs',
  '--supplier',
  'Fixit Ltd',
  '--product',
  'Fixit Repairs',
  '--profile',
  'housing-repairs',
  '--target',
  'https://api.fixit.example/v1',
  '--cron',
  '0 2 * * *',
  '--client-id-env',
  'CAMDEN_ID',
  '--client-secret-env',
  'CAMDEN_SECRET',
  ...extra,
];

describe('conform schedule and monitor, refusing what cannot work', () => {
  it('names the missing database before touching anything', async () => {
    vi.stubEnv('DATABASE_URL', '');
    const io = capture();
    expect(await runOperatorCli(add(), io)).toBe(2);
    expect(io.stderr()).toMatch(
      /DATABASE_URL_MISSING: monitoring needs the results store's PostgreSQL server/,
    );
  });

  it('names an unreachable database without printing its password', async () => {
    const io = capture();
    expect(await runOperatorCli([...add(), '--database-url', 'postgres://u:hunter2@127.0.0.1:9/x'], io)).toBe(
      2,
    );
    expect(io.stderr()).toMatch(
      /DATABASE_UNREACHABLE: cannot connect to PostgreSQL at postgres:\/\/u:\*\*\*@127\.0\.0\.1:9\/x/,
    );
    expect(io.stderr()).not.toContain('hunter2');
  });

  it('refuses a worker with nowhere to publish, or nothing to sign with', async () => {
    vi.stubEnv('CONFORM_DASHBOARD_URL', '');
    const io = capture();
    expect(await runOperatorCli(['worker', '--database-url', 'postgres://x@127.0.0.1:9/x'], io)).toBe(2);
    expect(io.stderr()).toMatch(/DASHBOARD_MISSING/);
    vi.stubEnv('CONFORM_UPLOAD_TOKEN', 'token');
    vi.stubEnv('CONFORM_SIGNING_KEY_FILE', '');
    const io2 = capture();
    expect(await runOperatorCli(['worker', '--dashboard', 'http://127.0.0.1:9'], io2)).toBe(2);
    expect(io2.stderr()).toMatch(/SIGNING_KEY_MISSING/);
  });
});

describe.skipIf(!postgres.available)('conform schedule on PostgreSQL', { timeout: BUDGET.database }, () => {
  it('adds, lists, refuses mistakes, queues and removes targets', async () => {
    vi.stubEnv('DATABASE_URL', database.url);
    const cron = capture();
    expect(
      await runOperatorCli(
        add().map((a) => (a === '0 2 * * *' ? '61 2 * * *' : a)),
        cron,
      ),
    ).toBe(2);
    expect(cron.stderr()).toMatch(/TARGET_INVALID: schedule "61 2 \* \* \*"/);
    const profile = capture();
    expect(
      await runOperatorCli(
        add().map((a) => (a === 'housing-repairs' ? 'housing-repair' : a)),
        profile,
      ),
    ).toBe(2);
    expect(profile.stderr()).toMatch(/PROFILE_UNKNOWN: no profile "housing-repair".*housing-repairs/);
    const both = capture();
    expect(
      await runOperatorCli(
        add('--secrets-file', '/etc/conform/secrets.json', '--secrets-entry', 'camden'),
        both,
      ),
    ).toBe(2);
    expect(both.stderr()).toMatch(/CREDENTIALS_TWICE/);
    const entryAlone = capture();
    expect(await runOperatorCli(add('--second-secrets-entry', 'camden-b'), entryAlone)).toBe(2);
    expect(entryAlone.stderr()).toMatch(/SECRETS_FILE_MISSING: --second-secrets-entry names an entry/);
    const secondTwice = capture();
    // The first tenant from the secrets file, the second from both the file and a variable.
    const fromFile = add(
      '--secrets-file',
      '/etc/conform/secrets.json',
      '--secrets-entry',
      'camden',
      '--second-secrets-entry',
      'camden-b',
      '--second-token-env',
      'CAMDEN_B_TOKEN',
    ).filter(
      (a, i, all) =>
        !/^--client-(id|secret)-env$/.test(a) && !/^--client-(id|secret)-env$/.test(all[i - 1] ?? ''),
    );
    expect(await runOperatorCli(fromFile, secondTwice)).toBe(2);
    expect(secondTwice.stderr()).toMatch(/CREDENTIALS_TWICE: give the second tenant's credentials/);

    const added = capture();
    expect(
      await runOperatorCli(
        add(
          '--notify-webhook',
          'https://hooks.camden.example/conform',
          '--second-client-id-env',
          'CAMDEN_B_ID',
          '--second-client-secret-env',
          'CAMDEN_B_SECRET',
        ),
        added,
      ),
      added.stderr(),
    ).toBe(0);
    expect(added.stdout()).toMatch(
      /scheduled camden-repairs: housing-repairs at https:\/\/api\.fixit\.example\/v1, "0 2 \* \* \*" \(Europe\/London\), next run 20\d\d-/,
    );
    const again = capture();
    expect(await runOperatorCli(add(), again)).toBe(2);
    expect(again.stderr()).toMatch(/already registered/);

    const list = capture();
    expect(await runOperatorCli(['schedule', 'list'], list)).toBe(0);
    expect(list.stdout()).toMatch(/camden-repairs\s+Fixit Repairs \(Fixit Ltd\)\s+housing-repairs/);
    expect(list.stdout()).toContain(
      'env CAMDEN_ID, CAMDEN_SECRET; second tenant: env CAMDEN_B_ID, CAMDEN_B_SECRET',
    );
    expect(list.stdout()).toContain('https://hooks.camden.example');

    const unknown = capture();
    expect(await runOperatorCli(['schedule', 'run', 'hackney-waste'], unknown)).toBe(2);
    expect(unknown.stderr()).toMatch(/no target "hackney-waste" is monitored/);
    const queued = capture();
    expect(await runOperatorCli(['schedule', 'run', 'camden-repairs', '--times', '2'], queued)).toBe(0);
    expect(queued.stdout()).toContain('queued 2 runs for 1 target');

    const status = capture();
    expect(await runOperatorCli(['monitor', 'status', '--json'], status)).toBe(0);
    const parsed = JSON.parse(status.stdout()) as {
      queue: { runs: { queued: number } };
      targets: { id: string; lastRun: unknown; scheduled: boolean }[];
    };
    expect(parsed.queue.runs.queued).toBe(2);
    expect(parsed.targets).toMatchObject([{ id: 'camden-repairs', lastRun: null, scheduled: true }]);

    const removed = capture();
    expect(await runOperatorCli(['schedule', 'remove', 'camden-repairs'], removed)).toBe(0);
    const gone = capture();
    expect(await runOperatorCli(['schedule', 'remove', 'camden-repairs'], gone)).toBe(2);
    expect(gone.stderr()).toMatch(/no target "camden-repairs" is monitored/);
  });
});

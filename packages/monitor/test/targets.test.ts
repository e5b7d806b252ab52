import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialsError, checkTarget, resolveCredentials, TargetError } from '../src/index.ts';

const base = {
  id: 'camden-repairs',
  supplier: 'Repairs Ltd',
  product: 'Fixit',
  profile: 'housing-repairs',
  baseUrl: 'https://api.example.test/v1',
  schedule: '0 2 * * *',
};

describe('a target', () => {
  it('is normalised with safe defaults', () => {
    expect(checkTarget(base)).toMatchObject({
      mode: 'readonly',
      credentials: { from: 'none' },
      runBudgetSeconds: 1800,
      notify: [],
      schedule: '0 2 * * *',
    });
  });

  it('keeps a second tenant for the cross-tenant checks, given as the first tenant is', () => {
    expect(
      checkTarget({
        ...base,
        credentials: { from: 'env', token: 'CAMDEN_TOKEN' },
        secondTenant: { from: 'file', path: '/etc/conform/secrets.json', entry: 'camden-b' },
      }),
    ).toMatchObject({
      credentials: { from: 'env', token: 'CAMDEN_TOKEN' },
      secondTenant: { from: 'file', path: '/etc/conform/secrets.json', entry: 'camden-b' },
    });
    expect(checkTarget(base).secondTenant).toEqual({ from: 'none' });
  });

  it.each([
    [{ id: 'Has Spaces' }, /id "Has Spaces"/],
    [{ baseUrl: 'ftp://x.test' }, /http\(s\)/],
    [{ baseUrl: 'https://user:pw@x.test' }, /must not carry credentials/],
    [{ schedule: 'every night' }, /five-field cron/],
    [{ schedule: '0 2 * *' }, /five-field cron/],
    [{ runBudgetSeconds: 0 }, /runBudgetSeconds/],
    [{ runBudgetSeconds: 90_000 }, /runBudgetSeconds/],
    [{ credentials: { from: 'env', token: 'tok-live-abc.def' } }, /name of an environment variable/],
    [{ credentials: { from: 'env', clientId: 'ID' } }, /token variable, or both/],
    [{ credentials: { from: 'file', path: 'relative.json', entry: 'x' } }, /must be absolute/],
    [
      {
        credentials: { from: 'env', token: 'A' },
        secondTenant: { from: 'env', token: 'tok-live-abc.def' },
      },
      /secondTenant\.token must be the name of an environment variable/,
    ],
    [{ secondTenant: { from: 'env', token: 'B_TOKEN' } }, /the first needs credentials too/],
    [{ notify: [{ kind: 'email', url: 'x' }] }, /notify\[0\]\.kind/],
    [
      { notify: [{ kind: 'webhook', url: 'https://hooks.test', secretEnv: 'has-dash' }] },
      /notify\[0\]\.secretEnv/,
    ],
  ] as const)('refuses %j naming the problem', (change, message) => {
    expect(() => checkTarget({ ...base, ...(change as object) })).toThrow(TargetError);
    expect(() => checkTarget({ ...base, ...(change as object) })).toThrow(message);
  });
});

describe('credentials, resolved on the worker', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'monitor-secrets-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('come from named environment variables, and a missing one is named, never a value', async () => {
    const source = { from: 'env', clientId: 'CAMDEN_ID', clientSecret: 'CAMDEN_SECRET' } as const;
    expect(await resolveCredentials(source, { CAMDEN_ID: 'id-1', CAMDEN_SECRET: 's3cret' })).toEqual({
      clientId: 'id-1',
      clientSecret: 's3cret',
    });
    await expect(resolveCredentials(source, { CAMDEN_ID: 'id-1' })).rejects.toThrow(
      /CAMDEN_SECRET \(the clientSecret of this target\) is not set/,
    );
    await expect(
      resolveCredentials(source, { CAMDEN_ID: 'id-1' }, "this target's second tenant"),
    ).rejects.toThrow(/CAMDEN_SECRET \(the clientSecret of this target's second tenant\) is not set/);
  });

  it('come from a private secrets file, refused when others can read it', async () => {
    const path = join(dir, 'secrets.json');
    await writeFile(path, JSON.stringify({ camden: { token: 'tok-abc' } }), { mode: 0o600 });
    expect(await resolveCredentials({ from: 'file', path, entry: 'camden' })).toEqual({ token: 'tok-abc' });
    await expect(resolveCredentials({ from: 'file', path, entry: 'hackney' })).rejects.toThrow(
      /no entry "hackney"/,
    );
    await chmod(path, 0o644);
    await expect(resolveCredentials({ from: 'file', path, entry: 'camden' })).rejects.toThrow(
      CredentialsError,
    );
    await expect(resolveCredentials({ from: 'file', path, entry: 'camden' })).rejects.toThrow(
      /readable by others/,
    );
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{"camden": {"token": "tok-abc"', { mode: 0o600 });
    const error = await resolveCredentials({ from: 'file', path: broken, entry: 'camden' }).catch(
      (e: Error) => e,
    );
    expect(String(error)).toMatch(/is not JSON/);
    expect(String(error)).not.toContain('tok-abc');
  });
});

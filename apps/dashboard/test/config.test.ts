import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair } from '@council-conform/certificates';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError, readConfig } from '../src/config.ts';

let dir: string;
const certifier = generateKeyPair();
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'conform-dashboard-config-'));
  await writeFile(join(dir, 'assurer.pub'), certifier.publicKeyPem);
  await writeFile(join(dir, 'assurer.key'), certifier.privateKeyPem);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const refused = (env: Record<string, string>) => {
  try {
    readConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as Error).message;
  }
  throw new Error('the configuration was accepted');
};

describe('readConfig', () => {
  it('starts read-only on embedded PGlite in memory when nothing is set', () => {
    expect(readConfig({})).toEqual({
      port: 8090,
      host: '127.0.0.1',
      databaseUrl: undefined,
      dataDir: undefined,
      trustedKeys: [],
      administratorToken: undefined,
      rateLimitPerMinute: 60,
      publicUrl: undefined,
    });
  });

  it('reads certifier keys from PEM files, named after the file', () => {
    const config = readConfig({ CONFORM_CERTIFIER_KEYS: ` ${join(dir, 'assurer.pub')} ,` });
    expect(config.trustedKeys).toEqual([
      { publicKeyPem: certifier.publicKeyPem, role: 'certifier', name: 'assurer' },
    ]);
  });

  it("takes the first administrator's token, and refuses the removed token list with what to do instead", () => {
    const token = 'administrator-token-0123456789abcdef01234';
    expect(readConfig({ CONFORM_DASHBOARD_ADMIN_TOKEN: token }).administratorToken).toBe(token);
    expect(readConfig({}).administratorToken).toBeUndefined();
    const removed = refused({ CONFORM_UPLOAD_TOKENS: 'uploader-token-0123456789' });
    expect(removed).toMatch(/^CONFORM_UPLOAD_TOKENS is no longer read: a token must belong to someone/);
    expect(removed).toContain('conform dashboard credentials issue');
    expect(removed).not.toContain('uploader-token-0123456789');
  });

  it('names the variable and what is wrong, and never echoes a token', () => {
    expect(refused({ CONFORM_CERTIFIER_KEYS: join(dir, 'missing.pub') })).toMatch(
      /^CONFORM_CERTIFIER_KEYS: cannot read .*missing\.pub: ENOENT/,
    );
    expect(refused({ CONFORM_CERTIFIER_KEYS: join(dir, 'assurer.key') })).toMatch(
      /^CONFORM_CERTIFIER_KEYS: .*assurer\.key: this is a private key/,
    );
    const short = refused({ CONFORM_DASHBOARD_ADMIN_TOKEN: 'hunter2' });
    expect(short).toMatch(/^CONFORM_DASHBOARD_ADMIN_TOKEN must be at least 32 characters/);
    expect(short).not.toContain('hunter2');
    expect(refused({ DATABASE_URL: 'postgres://x@y/z', CONFORM_DASHBOARD_DATA_DIR: '/tmp/x' })).toMatch(
      /DATABASE_URL and CONFORM_DASHBOARD_DATA_DIR exclude each other/,
    );
    expect(refused({ PORT: 'eighty' })).toMatch(/^PORT must be a whole number from 0 to 65535, not "eighty"/);
    expect(refused({ CONFORM_DASHBOARD_RATE_LIMIT: '0' })).toMatch(/^CONFORM_DASHBOARD_RATE_LIMIT must be/);
    expect(refused({ CONFORM_DASHBOARD_PUBLIC_URL: 'conform.example' })).toMatch(
      /^CONFORM_DASHBOARD_PUBLIC_URL must be/,
    );
  });
});

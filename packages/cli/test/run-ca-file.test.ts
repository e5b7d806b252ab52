import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMockSupplier, startMockServer } from '@council-conform/mocks';
import { createPrivateCa } from '@council-conform/private-ca';
import { BUDGET } from '@council-conform/test-budgets';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { resolveRunSettings } from '../src/commands/run.ts';
import { runCli } from '../src/index.ts';
import { capture, mockRunArgs } from './support.ts';

/**
 * `--ca-file`, `CONFORM_CA_FILE` and the config file's `tls.caFile`: a private CA's certificate, read from a
 * path relative to where the command was typed (the file's own folder for the config file), becomes the
 * run's `tls.ca`; a path that cannot be read, or that holds no PEM certificate, is named in the error.
 */
const ca = createPrivateCa({ name: 'CLI test CA' });
const other = createPrivateCa({ name: 'Another CA' });
const TARGET = { profile: 'street-reports', target: 'https://127.0.0.1:8443' };
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'conform-ca-file-'));
  await mkdir(join(dir, 'certs'));
  await mkdir(join(dir, 'config', 'tls'), { recursive: true });
  await writeFile(join(dir, 'certs', 'ca.pem'), ca.certificatePem);
  await writeFile(join(dir, 'certs', 'bundle.pem'), `${ca.certificatePem}${other.certificatePem}`);
  await writeFile(join(dir, 'config', 'tls', 'ca.pem'), other.certificatePem);
  await writeFile(join(dir, 'certs', 'key.pem'), ca.issueServerCertificate({ hosts: ['localhost'] }).keyPem);
  await writeFile(
    join(dir, 'certs', 'broken.pem'),
    '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n',
  );
});
afterEach(() => {
  vi.unstubAllEnvs();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the CA a run trusts', () => {
  it('comes from --ca-file, relative to where the command was typed', async () => {
    const settings = await resolveRunSettings({ ...TARGET, caFile: 'certs/ca.pem' }, {}, dir);
    expect(settings.config.tls?.ca).toBe(ca.certificatePem);
  });

  it('comes from CONFORM_CA_FILE when no flag is given, the flag winning over it', async () => {
    const fromEnv = await resolveRunSettings(TARGET, { CONFORM_CA_FILE: 'certs/bundle.pem' }, dir);
    expect(fromEnv.config.tls?.ca).toBe(`${ca.certificatePem}${other.certificatePem}`);
    const flagWins = await resolveRunSettings(
      { ...TARGET, caFile: join(dir, 'certs', 'ca.pem') },
      { CONFORM_CA_FILE: 'certs/bundle.pem' },
      '/',
    );
    expect(flagWins.config.tls?.ca).toBe(ca.certificatePem);
  });

  it('comes from the config file: tls.caFile relative to the file, tls.ca as PEM text', async () => {
    const config = join(dir, 'config', 'conform.config.yaml');
    await writeFile(config, 'tls:\n  caFile: tls/ca.pem\n');
    const fromFile = await resolveRunSettings({ ...TARGET, config }, {}, dir);
    expect(fromFile.config.tls?.ca).toBe(other.certificatePem);
    const flagWins = await resolveRunSettings({ ...TARGET, config, caFile: 'certs/ca.pem' }, {}, dir);
    expect(flagWins.config.tls?.ca).toBe(ca.certificatePem);
    await writeFile(config, `tls:\n  ca: |\n${ca.certificatePem.replace(/^/gm, '    ')}`);
    expect((await resolveRunSettings({ ...TARGET, config }, {}, dir)).config.tls?.ca?.trim()).toBe(
      ca.certificatePem.trim(),
    );
    await writeFile(config, `tls:\n  caFile: tls/ca.pem\n  ca: "-----BEGIN CERTIFICATE-----"\n`);
    await expect(resolveRunSettings({ ...TARGET, config }, {}, dir)).rejects.toThrow(
      /"tls\.ca" and "tls\.caFile" exclude each other/,
    );
    await writeFile(config, 'tls:\n  caFile: missing.pem\n');
    await expect(resolveRunSettings({ ...TARGET, config }, {}, dir)).rejects.toThrow(
      `tls.caFile in ${config}: the CA file ${join(dir, 'config', 'missing.pem')} cannot be read (there is no such file)`,
    );
  });

  it.each([
    [
      'certs/nowhere.pem',
      'CA_FILE_UNREADABLE',
      /--ca-file: the CA file \S+nowhere\.pem cannot be read \(there is no such file\)/,
    ],
    ['certs', 'CA_FILE_UNREADABLE', /--ca-file: the CA file \S+certs cannot be read \(it is a folder\)/],
    [
      'certs/key.pem',
      'CA_FILE_INVALID',
      /--ca-file: \S+key\.pem is not a PEM certificate: give the CA's certificate/,
    ],
    ['certs/broken.pem', 'CA_FILE_INVALID', /--ca-file: certificate 1 of 1 in \S+broken\.pem cannot be read/],
  ])('names the path when %s cannot be used (%s)', async (path, code, message) => {
    const error = await resolveRunSettings({ ...TARGET, caFile: path }, {}, dir).catch((e: unknown) => e);
    expect(error).toMatchObject({ code });
    expect(String((error as Error).message)).toMatch(message);
    expect((error as Error).message).toContain(join(dir, path));
  });
});

describe('conform run --ca-file against a server whose certificate a private CA signed', {
  timeout: BUDGET.realRun,
}, () => {
  it('passes the TLS handshake with the CA and fails it, saying what to give, without', async () => {
    const supplier = await createMockSupplier('street-reports', {
      rateLimit: { limit: 400, windowMs: 1000 },
    });
    const issued = ca.issueServerCertificate({ hosts: ['127.0.0.1', 'localhost'] });
    const server = await startMockServer(supplier, {
      tls: { key: issued.keyPem, cert: issued.certificatePem },
    });
    try {
      // As `pnpm conform` typed in `dir`: the workspace's script runs at its root and names `dir` INIT_CWD.
      vi.stubEnv('INIT_CWD', dir);
      vi.stubEnv('npm_package_name', 'council-conform');
      vi.stubEnv('npm_lifecycle_event', 'conform');
      const args = [...mockRunArgs(supplier, server.url, join(dir, 'report.json')), '--dry-run'];
      const trusted = capture();
      expect(await runCli([...args, '--ca-file', 'certs/ca.pem'], trusted), trusted.stderr()).toBe(0);
      expect(trusted.stdout()).toMatch(/Pre-flight passed: https:\/\/127\.0\.0\.1:\d+ is ready/);
      const untrusted = capture();
      expect(await runCli(args, untrusted)).toBe(2);
      expect(untrusted.stderr()).toMatch(/TLS handshake: .*give that CA with --ca-file \(or "tls\.ca"\)/);
    } finally {
      await server.close();
    }
  });
});

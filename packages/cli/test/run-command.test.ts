import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMockSupplier, type FaultId, type MockSupplier, startMockServer } from '@council-conform/mocks';
import { BUDGET } from '@council-conform/test-budgets';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../src/index.ts';
import { capture, mockRunArgs, repoRoot } from './support.ts';

interface Served {
  url: string;
  supplier: MockSupplier;
  close(): Promise<void>;
}

const servers: Served[] = [];
async function serve(faults: FaultId[] = []): Promise<Served> {
  const supplier = await createMockSupplier('street-reports', {
    faults,
    rateLimit: { limit: 400, windowMs: 1000 },
  });
  const server = await startMockServer(supplier);
  const served = { url: server.url, supplier, close: () => server.close() };
  servers.push(served);
  return served;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'conform-run-'));
});
afterEach(() => {
  vi.unstubAllEnvs();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await rm(dir, { recursive: true, force: true });
});

/** Flags for a sandbox run against a served mock, both tenants on client credentials given on argv. */
function runArgs(served: Served, outputs: string): string[] {
  return [
    ...mockRunArgs(served.supplier, served.url, join(outputs, 'report.json')),
    '--html',
    join(outputs, 'report.html'),
    '--junit',
    join(outputs, 'junit.xml'),
    '--markdown',
    join(outputs, 'report.md'),
  ];
}

async function reportValidator() {
  const schema = JSON.parse(await readFile(join(repoRoot, 'docs', 'report-schema.json'), 'utf8')) as object;
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats.default(ajv);
  return ajv.compile(schema);
}

describe('conform run', { timeout: BUDGET.realRun }, () => {
  it('exits 0 against a conformant mock, prints the clause summary and writes a report that validates', async () => {
    const served = await serve();
    const io = capture();
    const outputs = join(dir, 'conformant');
    expect(await runCli(runArgs(served, outputs), io), io.stderr()).toBe(0);
    expect(io.stderr()).toMatch(
      /\[ ?1\/\d+\] description-discoverable \(open-api, must\) · \d+ requests · .* left/,
    );
    expect(io.stdout()).toMatch(/^1\s+open-api\s+pass\s+test\s+/m);
    expect(io.stdout()).toMatch(/^7\s+inclusion\s+attested \(not tested\)\s+attestation/m);
    expect(io.stdout()).toMatch(/Level: .+\. Certifiable: (yes|no)\./);
    const report = JSON.parse(await readFile(join(outputs, 'report.json'), 'utf8')) as {
      target: { url: string; mode: string };
      attestation: unknown;
      dataQuality?: { datasets: { dataset: string }[] };
    };
    const validate = await reportValidator();
    expect(validate(report), JSON.stringify(validate.errors?.slice(0, 5))).toBe(true);
    expect(report.target).toMatchObject({ url: served.url, mode: 'sandbox' });
    // The data quality of what the run read, beside the verdict.
    expect(report.dataQuality?.datasets.length).toBeGreaterThan(0);
    expect(report.attestation).not.toBeNull();
    // A plain-http mock cannot have its TLS judged: stdout says so beside the verdict, with what to give.
    expect(io.stdout()).toContain('Not judged by this run, and what to give it:');
    expect(io.stdout()).toMatch(
      /^ {2}- secure-tls-enforced \(must, secure\): .*plain http on loopback.* --ca-file/m,
    );
    expect(io.stdout()).toMatch(
      /^ {2}- easy-exit-round-trip \(must, easy-exit\): .*\. To judge it, give --round-trip/m,
    );
    expect(io.stdout()).toMatch(/Level: \w+, provisional: 4 must checks were not judged\. Certifiable: no\./);
  });

  it('draws its samples with the seed it is given, and prints it so a run can be replayed', async () => {
    const served = await serve();
    const io = capture();
    const outputs = join(dir, 'seeded');
    expect(await runCli([...runArgs(served, outputs), '--seed', 'replay-7f3a'], io), io.stderr()).toBe(0);
    expect(io.stdout()).toContain('Sampling seed: replay-7f3a (--seed replay-7f3a replays');
    const report = JSON.parse(await readFile(join(outputs, 'report.json'), 'utf8')) as {
      sampling: { seed: string };
      checks: { id: string; data?: { sample?: { seed: string }[] } }[];
    };
    expect(report.sampling.seed).toBe('replay-7f3a');
    const sample = report.checks.find((c) => c.id === 'responses-match-reference')?.data?.sample;
    expect(sample?.every((s) => s.seed.startsWith('replay-7f3a:'))).toBe(true);
  });

  it('never lets a client secret given on the command line into the reports or the output', async () => {
    const served = await serve(['personal-endpoint-open']);
    const io = capture();
    const outputs = join(dir, 'secrets');
    await runCli(runArgs(served, outputs), io);
    const secrets = served.supplier.tenants.map((t) => t.clientSecret);
    const texts = {
      stdout: io.stdout(),
      stderr: io.stderr(),
      ...Object.fromEntries(
        await Promise.all(
          ['report.json', 'report.html', 'junit.xml', 'report.md'].map(
            async (name) => [name, await readFile(join(outputs, name), 'utf8')] as const,
          ),
        ),
      ),
    };
    for (const [where, text] of Object.entries(texts)) {
      expect(text.length, where).toBeGreaterThan(0);
      for (const secret of secrets) expect(text.includes(secret), `${where} carries a secret`).toBe(false);
      expect(text, where).not.toMatch(/bearer\s+(?!\[redacted\])[A-Za-z0-9._~+/-]{8,}/i);
    }
    expect(io.stderr()).toContain('prefer the CONFORM_* environment variables');
  });

  it('exits 1 against a faulty mock and names the failing checks', async () => {
    const served = await serve(['personal-endpoint-open']);
    const io = capture();
    expect(await runCli(runArgs(served, join(dir, 'faulty')), io)).toBe(1);
    expect(io.stdout()).toMatch(/^3\s+personal-data\s+fail/m);
    expect(io.stdout()).toContain('personal-data-requires-token (must)');
    expect(io.stdout()).toContain('Certifiable: no.');
    const junit = await readFile(join(dir, 'faulty', 'junit.xml'), 'utf8');
    expect(junit).toMatch(
      /<testcase classname="conform.personal-data" name="personal-data-requires-token"[^>]*>\s*<properties>.*<\/properties>\s*<failure/,
    );
  });

  it('takes settings from a config file and the environment, flags first', async () => {
    const served = await serve();
    const [a] = served.supplier.tenants;
    const config = join(dir, 'conform.config.yaml');
    await writeFile(
      config,
      `profile: street-reports\ntarget: http://127.0.0.1:9/not-this-one\nmode: readonly\nrequestsPerSecond: 200\nreports:\n  json: from-config/report.json\n`,
    );
    vi.stubEnv('CONFORM_TARGET', served.url);
    vi.stubEnv('CONFORM_CLIENT_ID', a!.clientId);
    vi.stubEnv('CONFORM_CLIENT_SECRET', a!.clientSecret);
    const io = capture();
    expect(await runCli(['run', '--config', config, '--dry-run', '--mode', 'sandbox'], io), io.stderr()).toBe(
      0,
    );
    expect(io.stdout()).toContain(`Pre-flight passed: ${served.url}`);
    const report = JSON.parse(await readFile(join(dir, 'from-config', 'report.json'), 'utf8')) as {
      target: { url: string; mode: string };
      checks: unknown[];
    };
    // The target came from the environment over the file; the mode from the flag over the file.
    expect(report.target).toMatchObject({ url: served.url, mode: 'sandbox' });
    expect(report.checks).toEqual([]);
    expect(io.stderr()).not.toContain(a!.clientSecret);
  });

  it('accepts the config file docs/suppliers.md shows', async () => {
    const served = await serve();
    const [a] = served.supplier.tenants;
    const guide = await readFile(join(repoRoot, 'docs', 'suppliers.md'), 'utf8');
    const example = /```yaml\n# conform\.config\.yaml\n([\s\S]*?)```/.exec(guide)?.[1];
    expect(example).toBeDefined();
    const folder = await mkdtemp(join(dir, 'guide-'));
    await writeFile(join(folder, 'conform.config.yaml'), example!);
    await writeFile(
      join(folder, 'attestation.yaml'),
      await readFile(join(repoRoot, 'docs', 'examples', 'attestation.yaml'), 'utf8'),
    );
    vi.stubEnv('CONFORM_TARGET', served.url);
    vi.stubEnv('CONFORM_CLIENT_ID', a!.clientId);
    vi.stubEnv('CONFORM_CLIENT_SECRET', a!.clientSecret);
    const io = capture();
    expect(
      await runCli(['run', '--config', join(folder, 'conform.config.yaml'), '--dry-run'], io),
      io.stderr(),
    ).toBe(0);
    expect(io.stderr()).toMatch(/declared features\s+ok\s+createServiceRequestUpdate/);
  });

  it('exits 2 with a hint for an unknown setting in the config file', async () => {
    const config = join(dir, 'bad.config.yaml');
    await writeFile(config, 'profile: street-reports\ntarget: http://127.0.0.1:9\nrequestsPerSecnd: 5\n');
    const io = capture();
    expect(await runCli(['run', '--config', config], io)).toBe(2);
    expect(io.stderr()).toContain('unknown setting "requestsPerSecnd" (did you mean "requestsPerSecond"?)');
  });

  it('exits 2 for a bad value, an unknown profile, and missing credentials, saying what to fix', async () => {
    let io = capture();
    expect(await runCli(['run', '--profile', 'street-report', '--target', 'http://127.0.0.1:9'], io)).toBe(2);
    expect(io.stderr()).toContain('no profile "street-report" (did you mean "street-reports"?)');
    io = capture();
    expect(
      await runCli(
        ['run', '--profile', 'street-reports', '--target', 'not a url', '--token', 'tok-123456'],
        io,
      ),
    ).toBe(2);
    expect(io.stderr()).toContain('"target" is not a URL');
    io = capture();
    expect(
      await runCli(
        ['run', '--profile', 'street-reports', '--target', 'http://127.0.0.1:9', '--rps', 'fast'],
        io,
      ),
    ).toBe(2);
    expect(io.stderr()).toContain('--rps must be a positive number');
    const served = await serve();
    io = capture();
    expect(await runCli(['run', '--profile', 'street-reports', '--target', served.url], io)).toBe(2);
    expect(io.stderr()).toMatch(
      /PREFLIGHT_FAILED: the run cannot start; fix the configuration first:\n\s+- credentials: no credentials: give --token/,
    );
  });

  it('exits 2 before running when an output path is a symbolic link, the file it points to unchanged', async () => {
    const served = await serve();
    const outputs = join(dir, 'linked');
    await mkdir(outputs, { recursive: true });
    for (const [flag, name] of [
      ['--report', 'report.json'],
      ['--html', 'report.html'],
    ] as const) {
      const victim = join(dir, `victim-of-${name}`);
      await writeFile(victim, 'precious\n');
      const link = join(outputs, `linked-${name}`);
      await symlink(victim, link);
      const args = [...mockRunArgs(served.supplier, served.url, join(outputs, 'plain.json')), flag, link];
      const io = capture();
      expect(await runCli([...args, '--dry-run'], io), flag).toBe(2);
      expect(io.stderr()).toContain(
        `\nconform: OUTPUT_IS_LINK: ${link} is a symbolic link; refusing to write through it, since it could point at any file. Remove the link or choose another path`,
      );
      // Refused before the run began, not after it was spent.
      expect(io.stderr()).not.toContain('conform run:');
      expect(await readFile(victim, 'utf8')).toBe('precious\n');
    }
  });

  it('exits 2 when pre-flight finds the credentials refused, without echoing the secret', async () => {
    const served = await serve();
    const io = capture();
    const wrong = 'definitely-the-wrong-secret';
    const code = await runCli(
      [
        'run',
        '--profile',
        'street-reports',
        '--target',
        served.url,
        '--client-id',
        'mock-client-a',
        '--client-secret',
        wrong,
        '--dry-run',
      ],
      io,
    );
    expect(code).toBe(2);
    expect(io.stderr()).toMatch(/credentials\s+FAILED\s+.*refused the client credentials/);
    expect(`${io.stdout()}${io.stderr()}`).not.toContain(wrong);
  });
});

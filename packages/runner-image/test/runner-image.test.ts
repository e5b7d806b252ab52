import { execFile } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { exitCodeOf } from '@council-conform/cli';
import { containerEngine } from '@council-conform/containers';
import { BUDGET } from '@council-conform/test-budgets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRunnerImage, imageSizeBytes, RUNNER_WORKDIR, SUPPLIER_PACKAGE_ENTRY } from '../src/index.ts';
import {
  credentialsOf,
  type Finished,
  repoRoot,
  runToEnd,
  type ServedMock,
  serveStreetReports,
} from './support.ts';

const engine = await containerEngine();
// With CI=true a missing engine fails the run (scripts/system-setup.sh must have started it); elsewhere the
// reason is shown and the image tests are skipped.
if (!engine.available && process.env.CI === 'true') throw new Error(`CI=true: ${engine.reason}`);
if (!engine.available) console.warn(`runner image tests skipped: ${engine.reason}`);

const cliVersion = (
  JSON.parse(await readFile(join(repoRoot, 'packages/cli/package.json'), 'utf8')) as { version: string }
).version;
const entryScript = join(repoRoot, '.github/actions/conform/entrypoint.sh');
// Found before a test puts its own docker first on PATH.
const realDocker = engine.available
  ? (await runToEnd('sh', ['-c', 'command -v docker'])).stdout.trim()
  : 'docker';

type Report = Parameters<typeof exitCodeOf>[0];
const readReport = async (path: string) => JSON.parse(await readFile(path, 'utf8')) as Report;

describe.skipIf(!engine.available)('the runner image', { timeout: BUDGET.container }, () => {
  const tag = `council-conform/runner:test-${process.pid}`;
  let dir: string;
  let conformant: ServedMock;
  let faulty: ServedMock;
  const docker = (args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<Finished> =>
    runToEnd('docker', args, { env });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'conform-runner-image-'));
    [conformant, faulty] = await Promise.all([
      serveStreetReports(),
      serveStreetReports(['personal-endpoint-open']),
    ]);
    await buildRunnerImage(tag);
  }, BUDGET.container);

  afterAll(async () => {
    await Promise.all([conformant?.close(), faulty?.close()]);
    await rm(dir, { recursive: true, force: true });
    // The test image is throwaway: leave the engine as it was found.
    await promisify(execFile)('docker', ['rmi', '-f', tag]).catch(() => undefined);
  });

  it('is conform and nothing else: its entrypoint, nobody as user, no shell', async () => {
    const version = await docker(['run', '--rm', tag, '--version']);
    expect(version.code, version.stderr).toBe(0);
    expect(version.stdout.trim()).toBe(cliVersion);
    const { stdout } = await docker(['image', 'inspect', '--format', '{{json .Config}}', tag]);
    const config = JSON.parse(stdout) as { User: string; WorkingDir: string; Entrypoint: string[] };
    expect(config).toMatchObject({ User: '65534:65534', WorkingDir: RUNNER_WORKDIR });
    expect(config.Entrypoint.at(-1)).toBe(`/app/${SUPPLIER_PACKAGE_ENTRY}`);
    const shell = await docker(['run', '--rm', '--entrypoint', '/bin/sh', tag, '-c', 'true']);
    expect(shell.code).not.toBe(0);
    const megabytes = (await imageSizeBytes(tag)) / 1e6;
    console.info(`runner image: ${megabytes.toFixed(1)} MB`);
    // Node is most of it; the bound catches an unstripped binary or a bundle that swallowed the workspace.
    expect(megabytes).toBeLessThan(140);
  });

  it('lints a bundled reference spec, as text and as SARIF for code scanning', async () => {
    const spec = '/app/specs/street-reports/openapi.yaml';
    const text = await docker(['run', '--rm', tag, 'lint', spec, '--profile', 'street-reports']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/Lints clean/);
    expect(text.stderr).not.toMatch(/DeprecationWarning/);
    const sarif = await docker(['run', '--rm', tag, 'lint', spec, '--format', 'sarif']);
    expect(sarif.code, sarif.stderr).toBe(0);
    expect(JSON.parse(sarif.stdout)).toMatchObject({ version: '2.1.0' });
  });

  it('runs against a mock on the host network and writes its reports to a mounted folder', async () => {
    const reports = join(dir, 'reports');
    await mkdir(reports);
    // The image runs as nobody, who must be able to write into the mount.
    await chmod(reports, 0o777);
    const credentials = credentialsOf(conformant.supplier);
    const run = await docker(
      [
        'run',
        '--rm',
        '--network',
        'host',
        '--volume',
        `${reports}:/reports`,
        ...Object.keys(credentials).flatMap((name) => ['--env', name]),
        tag,
        'run',
        '--profile',
        'street-reports',
        '--target',
        conformant.url,
        '--mode',
        'sandbox',
        '--rps',
        '250',
        '--report',
        '/reports/report.json',
        '--junit',
        '/reports/junit.xml',
        '--html',
        '/reports/report.html',
      ],
      { ...process.env, ...credentials },
    );
    expect(run.stdout).toMatch(/Level: .+\. Certifiable: (yes|no)\./);
    expect((await readdir(reports)).sort()).toEqual(['junit.xml', 'report.html', 'report.json']);
    const report = await readReport(join(reports, 'report.json'));
    expect(report.target).toMatchObject({ url: conformant.url, mode: 'sandbox' });
    expect(run.code, run.stderr).toBe(exitCodeOf(report));
  });

  describe('under the GitHub Action’s entry script', () => {
    /** A workspace as actions/checkout leaves it, and the files the runner gives a step. */
    async function workspace(name: string) {
      const root = join(dir, name);
      await mkdir(join(root, 'api'), { recursive: true });
      await copyFile(join(repoRoot, 'specs/street-reports/openapi.yaml'), join(root, 'api/openapi.yaml'));
      await copyFile(join(repoRoot, 'docs/examples/attestation.yaml'), join(root, 'attestation.yaml'));
      const bin = join(root, '.bin');
      await mkdir(bin);
      // Docker as the step calls it, every argument it was given kept, to prove no secret is among them.
      const argsLog = join(root, '.docker-args');
      await writeFile(
        join(bin, 'docker'),
        `#!/bin/sh\nprintf '%s\\n' "$*" >> ${JSON.stringify(argsLog)}\nexec ${JSON.stringify(realDocker)} "$@"\n`,
      );
      await chmod(join(bin, 'docker'), 0o755);
      await writeFile(join(root, '.output'), '');
      await writeFile(join(root, '.summary'), '');
      return { root, bin, argsLog, output: join(root, '.output'), summary: join(root, '.summary') };
    }

    async function step(ws: Awaited<ReturnType<typeof workspace>>, mock: ServedMock, inputs: object) {
      const [first, second] = mock.supplier.tenants;
      return runToEnd('sh', [entryScript], {
        cwd: ws.root,
        env: {
          PATH: `${ws.bin}:${process.env.PATH}`,
          GITHUB_WORKSPACE: ws.root,
          GITHUB_OUTPUT: ws.output,
          GITHUB_STEP_SUMMARY: ws.summary,
          INPUT_IMAGE: tag,
          INPUT_PROFILE: 'street-reports',
          INPUT_TARGET: mock.url,
          INPUT_MODE: 'sandbox',
          INPUT_CLIENT_ID: first!.clientId,
          INPUT_CLIENT_SECRET: first!.clientSecret,
          INPUT_SECOND_CLIENT_ID: second!.clientId,
          INPUT_SECOND_CLIENT_SECRET: second!.clientSecret,
          INPUT_FEATURES: mock.supplier.features.join('\n'),
          INPUT_ATTESTATION: 'attestation.yaml',
          INPUT_REPORT_DIRECTORY: 'out/conform',
          INPUT_ARGS: '--rps 250',
          ...inputs,
        },
      });
    }

    it('writes level= and certifiable=, the reports, the SARIF and the job summary, and shows no secret', async () => {
      const ws = await workspace('action-pass');
      const secrets = conformant.supplier.tenants.map((tenant) => tenant.clientSecret);
      const finished = await step(ws, conformant, {
        INPUT_LINT: join(ws.root, 'api/openapi.yaml'),
        INPUT_SEED: 'council-conform-action-test',
      });
      const output = await readFile(ws.output, 'utf8');
      expect(output).toMatch(/^level=(gold|silver|bronze|none)$/m);
      expect(output).toMatch(/^certifiable=(true|false)$/m);
      expect(output).toContain('report-directory=out/conform\n');
      expect(output).toContain('sarif=out/conform/lint.sarif\n');
      const report = await readReport(join(ws.root, 'out/conform/report.json'));
      // The step ends as conform run did for this report.
      expect(finished.code, finished.stderr).toBe(exitCodeOf(report));
      expect(output).toContain(`level=${report.level}\ncertifiable=${report.certifiable}\n`);
      expect(report.target).toMatchObject({ url: conformant.url, mode: 'sandbox' });
      expect(report.sampling.seed).toBe('council-conform-action-test');
      for (const file of ['junit.xml', 'report.html', 'report.md'])
        await expect(readFile(join(ws.root, 'out/conform', file), 'utf8')).resolves.not.toBe('');
      const sarif = JSON.parse(await readFile(join(ws.root, 'out/conform/lint.sarif'), 'utf8')) as {
        version: string;
      };
      expect(sarif.version).toBe('2.1.0');
      expect(await readFile(ws.summary, 'utf8')).toBe(
        await readFile(join(ws.root, 'out/conform/report.md'), 'utf8'),
      );
      // Each secret is masked first thing, and appears nowhere else: not in the log, not on a command line.
      const masks = finished.stdout.split('\n').filter((line) => line.startsWith('::add-mask::'));
      expect(masks).toEqual(secrets.map((secret) => `::add-mask::${secret}`));
      expect(finished.stdout.indexOf('::add-mask::')).toBe(0);
      const unmasked = finished.stdout.split('\n').filter((line) => !line.startsWith('::add-mask::'));
      const argv = await readFile(ws.argsLog, 'utf8');
      // Relative, so that code scanning finds the file the SARIF names in the repository.
      expect(argv).toContain(' lint api/openapi.yaml --profile street-reports --format sarif\n');
      for (const secret of secrets)
        for (const text of [unmasked.join('\n'), finished.stderr, argv, output])
          expect(text).not.toContain(secret);
    });

    it('fails the step as conform does when a must check fails, with the outputs still written', async () => {
      const ws = await workspace('action-fail');
      const finished = await step(ws, faulty, {});
      expect(finished.code, finished.stderr).toBe(1);
      const output = await readFile(ws.output, 'utf8');
      expect(output).toMatch(/^level=(silver|bronze|none)$/m);
      expect(output).toContain('certifiable=false\n');
      expect(output).toContain('sarif=\n');
    });

    it('passes --expected-failures only when given, and a listed failure no longer fails the step', async () => {
      const ws = await workspace('action-expected');
      await writeFile(
        join(ws.root, 'expected-failures.yaml'),
        'personal-data-requires-token: the sandbox opens personal data while the gateway is rebuilt (OPS-1)\n',
      );
      const finished = await step(ws, faulty, {
        INPUT_EXPECTED_FAILURES: join(ws.root, 'expected-failures.yaml'),
      });
      expect(await readFile(ws.argsLog, 'utf8')).toContain(' --expected-failures expected-failures.yaml');
      const report = await readReport(join(ws.root, 'out/conform/report.json'));
      const listed = report.checks.find((check) => check.id === 'personal-data-requires-token');
      expect(listed).toMatchObject({ status: 'fail', expectedFailure: { status: 'expected' } });
      expect(finished.code, finished.stderr).toBe(exitCodeOf(report));
      const without = await workspace('action-no-expected');
      await step(without, faulty, { INPUT_ARGS: '--dry-run' });
      expect(await readFile(without.argsLog, 'utf8')).not.toContain('--expected-failures');
    });

    it('refuses inputs it cannot use before starting a container', async () => {
      const ws = await workspace('action-refused');
      const outside = await step(ws, conformant, { INPUT_ATTESTATION: '/etc/passwd' });
      expect(outside.code).toBe(2);
      expect(outside.stderr).toContain(
        '::error title=Council Conform::attestation must be inside the workspace',
      );
      const mode = await step(ws, conformant, { INPUT_MODE: 'production' });
      expect(mode.code).toBe(2);
      expect(mode.stderr).toContain('mode must be readonly or sandbox');
      await expect(readFile(ws.argsLog, 'utf8')).rejects.toThrow();
    });
  });
});

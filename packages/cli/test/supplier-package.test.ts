import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { BUDGET } from '@council-conform/test-budgets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import cliPackage from '../package.json' with { type: 'json' };
import {
  buildSupplierPackage,
  packSupplierPackage,
  type SupplierPackage,
  type SupplierTarball,
} from '../scripts/supplier-package.ts';

/**
 * The supplier's journey of docs/suppliers.md, outside this repository: the CLI built and packed, the
 * tarball installed into an empty folder by the machine's own npm (run by the project's Node 22, which is
 * all a supplier has), and the installed `conform` used from a folder of its own: lint, bundle, a mock and a
 * real run against it.
 */

// A fresh shell's environment: nothing of the pnpm script running these tests (INIT_CWD, npm_*), and this
// Node first on PATH, so npm and the installed `#!/usr/bin/env node` bin both run on Node 22.
const supplierEnv: NodeJS.ProcessEnv = {
  ...Object.fromEntries(
    Object.entries(process.env).filter(([name]) => name !== 'INIT_CWD' && !/^(npm|pnpm)_/i.test(name)),
  ),
  PATH: [dirname(process.execPath), process.env.PATH ?? ''].join(delimiter),
  NO_COLOR: '1',
};

interface Finished {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

function runCommand(
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = supplierEnv,
): Promise<Finished> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const status = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ status, stdout, stderr });
    });
  });
}

let root: string;
let built: SupplierPackage;
let tarball: SupplierTarball;
let installDir: string;
let workDir: string;
let conformBin: string;
const children: ChildProcess[] = [];

const conform = (args: readonly string[], cwd = workDir, env = supplierEnv) =>
  runCommand(conformBin, args, cwd, env);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'conform-supplier-package-'));
  built = await buildSupplierPackage(join(root, 'package'));
  tarball = await packSupplierPackage(built, root);
  installDir = join(root, 'install');
  workDir = join(root, 'supplier');
  await mkdir(installDir);
  await mkdir(workDir);
  // --offline: the package needs nothing from a registry, and this proves it.
  const installed = await runCommand(
    'npm',
    ['install', '--prefix', installDir, '--offline', '--no-audit', '--no-fund', tarball.path],
    root,
  );
  expect(installed.status, `${installed.stdout}\n${installed.stderr}`).toBe(0);
  conformBin = join(installDir, 'node_modules', '.bin', 'conform');
}, BUDGET.heavy);

afterAll(async () => {
  for (const child of children.splice(0)) child.kill('SIGTERM');
  if (root) await rm(root, { recursive: true, force: true });
});

describe('the packed supplier CLI', { timeout: BUDGET.heavy }, () => {
  it('installs alone: one package, no dependencies, the reference specs inside', async () => {
    expect(tarball.path).toMatch(/council-conform-cli-\d+\.\d+\.\d+\.tgz$/);
    const installedModules = readdirSync(join(installDir, 'node_modules')).filter(
      (name) => !name.startsWith('.'),
    );
    expect(installedModules).toEqual(['@council-conform']);
    const packageDir = join(installDir, 'node_modules', '@council-conform', 'cli');
    const manifest = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
      dependencies?: Record<string, string>;
    };
    expect(manifest.bin).toEqual({ conform: 'dist/bin.js' });
    expect(Object.keys(manifest.dependencies ?? {})).toEqual([]);
    expect(existsSync(join(packageDir, 'specs', 'street-reports', 'openapi.yaml'))).toBe(true);
    expect(existsSync(join(packageDir, 'specs', 'baseline', 'openapi.yaml'))).toBe(true);
    expect(existsSync(join(packageDir, 'dist', 'bin.js'))).toBe(true);
  });

  it('prints its version, having loaded only the command line itself', async () => {
    const version = await conform(['--version']);
    expect(version.status, version.stderr).toBe(0);
    expect(version.stdout.trim()).toBe(cliPackage.version);
    // Nothing but the version: a supplier's CI log shows whatever a start writes to stderr.
    expect(version.stderr).toBe('');
    // Start-up is measured in code, not seconds: what every command loads before it runs is the command
    // definitions and commander (about 140 KB). A module imported at the top of a command's file instead of
    // in its action (the specs and their OpenAPI parser, Spectral, msw, the runner) adds hundreds of KB here.
    const heaviest = built.startup.heaviest.map(({ source, bytes }) => `${source} ${bytes} B`).join(', ');
    expect(built.startup.bytes, `start-up code; heaviest: ${heaviest}`).toBeLessThan(250 * 1024);
  });

  it('bundles a reference spec into one file and lints it, from where the command is typed', async () => {
    const bundled = await conform(['bundle', 'street-reports', '--out', 'openapi.json']);
    expect(bundled.status, bundled.stderr).toBe(0);
    const document = JSON.parse(await readFile(join(workDir, 'openapi.json'), 'utf8')) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(document.openapi).toMatch(/^3\.1\./);
    expect(Object.keys(document.paths).length).toBeGreaterThan(5);
    expect(JSON.stringify(document)).not.toMatch(/"\$ref":"(?!#)/);

    // The issue's own example: a relative path typed in a subfolder is read from that subfolder.
    const subfolder = join(workDir, 'apps');
    await mkdir(subfolder);
    const linted = await conform(['lint', '../openapi.json', '--profile', 'street-reports'], subfolder);
    expect(linted.status, `${linted.stdout}\n${linted.stderr}`).toBe(0);
    expect(linted.stdout).toContain('profile street-reports');
    // Linting loads Spectral and node-fetch under it, which reached Node's deprecated `punycode` module
    // (DEP0040, a warning on every lint) until the build aliased it to the userland package.
    expect(linted.stderr).toBe('');
  });

  it('writes YAML and reaches the container engine: CommonJS packages it imports when needed', async () => {
    // yaml and testcontainers are CommonJS packages imported only when a command needs them; a bundle that
    // lost their names would fail here with "… is not a function", not with an answer.
    const yaml = await conform(['bundle', 'street-reports', '--out', 'openapi.yaml']);
    expect(yaml.status, yaml.stderr).toBe(0);
    expect(await readFile(join(workDir, 'openapi.yaml'), 'utf8')).toMatch(/^openapi: 3\.1\.\d+$/m);
    const image = await conform([
      'run',
      '--profile',
      'street-reports',
      '--image',
      'council-conform/no-such-image:never',
      '--dry-run',
    ]);
    expect(image.status, image.stderr).toBe(2);
    expect(image.stderr).toMatch(/conform: CONTAINER_[A-Z_]+: /);
    expect(image.stderr).not.toMatch(/is not a function|is not defined|Cannot destructure|Cannot find/);
  });

  it('serves a mock and runs every check against it, writing the reports where asked', async () => {
    const mock = spawn(
      conformBin,
      ['mock', '--profile', 'street-reports', '--port', '0', '--token', 'tenant-a', '--token', 'tenant-b'],
      { cwd: workDir, env: supplierEnv, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(mock);
    const banner = await new Promise<string>((resolve, reject) => {
      let printed = '';
      const timer = setTimeout(() => reject(new Error(`the mock did not start: ${printed}`)), BUDGET.process);
      mock.stdout?.on('data', (chunk: Buffer) => {
        printed += chunk.toString();
        if (printed.includes('Ctrl-C')) {
          clearTimeout(timer);
          resolve(printed);
        }
      });
      mock.stderr?.on('data', (chunk: Buffer) => {
        printed += chunk.toString();
      });
      mock.on('exit', (code) => reject(new Error(`the mock exited ${code}: ${printed}`)));
    });
    const target = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(banner)?.[1] as string;
    const features = [...banner.matchAll(/--feature (\S+)/g)].map((match) => match[1] as string);
    expect(target).toBeDefined();

    const run = await conform(
      [
        'run',
        '--profile',
        'street-reports',
        '--target',
        target,
        '--mode',
        'sandbox',
        '--rps',
        '250',
        ...features.flatMap((feature) => ['--feature', feature]),
        '--report',
        'reports/report.json',
        '--junit',
        'reports/junit.xml',
      ],
      workDir,
      { ...supplierEnv, CONFORM_TOKEN: 'tenant-a', CONFORM_SECOND_TOKEN: 'tenant-b' },
    );
    // 0 or 1 is a judgement (what the checks found); 2 would be a run that could not judge.
    expect([0, 1], `${run.stdout}\n${run.stderr}`).toContain(run.status);
    expect(run.stdout).toContain(`Wrote ${join(workDir, 'reports', 'report.json')}`);
    const report = JSON.parse(await readFile(join(workDir, 'reports', 'report.json'), 'utf8')) as {
      runner: { version: string };
      checks: { id: string; status: string; message: string }[];
    };
    expect(report.runner.version).toBe(cliPackage.version);
    expect(report.checks.length).toBeGreaterThan(30);
    // What the package could lack that the workspace has: a file a module reads from disk (the OpenAPI JSON
    // Schemas description-valid validates against travel beside the bundle), a module left out, a require()
    // an ES module bundle cannot make. Any of them leaves a check unable to run, saying so.
    expect(report.checks.find((check) => check.id === 'description-valid')?.status).toBe('pass');
    const missingPiece =
      /ENOENT|Cannot find (module|package)|ERR_MODULE_NOT_FOUND|Dynamic require|require is not defined/;
    expect(
      report.checks.filter((check) => check.status === 'error' && missingPiece.test(check.message)),
    ).toEqual([]);
    expect(await readFile(join(workDir, 'reports', 'junit.xml'), 'utf8')).toContain('<testsuites');
  });
});

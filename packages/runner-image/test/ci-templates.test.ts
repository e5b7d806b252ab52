import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exitCodeOf } from '@council-conform/cli';
import { buildSupplierPackage } from '@council-conform/cli/build';
import { BUDGET } from '@council-conform/test-budgets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SUPPLIER_PACKAGE_ENTRY } from '../src/index.ts';
import { credentialsOf, repoRoot, runToEnd, type ServedMock, serveStreetReports } from './support.ts';

interface ActionDefinition {
  inputs: Record<string, { required?: boolean; default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: {
    using: string;
    steps: { id?: string; uses?: string; if?: string; run?: string; env?: Record<string, string> }[];
  };
}

interface GitlabJob {
  image?: string;
  extends?: string;
  script?: string[];
  rules?: { if: string }[];
  artifacts?: { when?: string; paths?: string[]; reports?: { junit?: string } };
}

const readYaml = async <T>(path: string) => parse(await readFile(join(repoRoot, path), 'utf8')) as T;

describe('the GitHub Action (action.yml)', () => {
  it('is a composite action whose conform step passes every run input to the entry script', async () => {
    const action = await readYaml<ActionDefinition>('action.yml');
    expect(action.runs.using).toBe('composite');
    const step = action.runs.steps.find((s) => s.id === 'conform');
    expect(step?.run).toContain('.github/actions/conform/entrypoint.sh');
    const entry = await readFile(join(repoRoot, '.github/actions/conform/entrypoint.sh'), 'utf8');
    const readByScript = new Set(entry.match(/INPUT_[A-Z_]+/g));
    // The inputs the later steps use themselves; every other one reaches the script under its INPUT_ name.
    const forLaterSteps = ['upload-sarif', 'upload-artifact', 'artifact-name'];
    for (const name of Object.keys(action.inputs).filter((n) => !forLaterSteps.includes(n))) {
      const variable = `INPUT_${name.toUpperCase().replaceAll('-', '_')}`;
      expect(step?.env?.[variable], name).toContain('inputs.');
      expect(readByScript.has(variable), `${variable} is read by the entry script`).toBe(true);
    }
    expect(Object.keys(step?.env ?? {}).sort()).toEqual([...readByScript].sort());
    expect(action.inputs.profile?.required).toBe(true);
    expect(action.inputs.target?.required).toBe(true);
  });

  it('outputs level and certifiable, keeps the reports and sends the lint to code scanning', async () => {
    const action = await readYaml<ActionDefinition>('action.yml');
    // GitHub's expressions, not placeholders of a template string.
    const fromConformStep = (name: string) => ['${{', `steps.conform.outputs.${name}`, '}}'].join(' ');
    expect(action.outputs.level?.value).toBe(fromConformStep('level'));
    expect(action.outputs.certifiable?.value).toBe(fromConformStep('certifiable'));
    const upload = action.runs.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    const sarif = action.runs.steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'));
    // A failed run is when the reports matter most.
    expect(upload?.if).toMatch(/^always\(\)/);
    expect(sarif?.if).toMatch(/^always\(\) && inputs\.lint != ''/);
  });
});

describe('the GitLab CI template', { timeout: BUDGET.realRun }, () => {
  let dir: string;
  let mock: ServedMock;
  let conformBin: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'conform-gitlab-'));
    mock = await serveStreetReports();
    // What npx would install: the supplier's package, built from this workspace.
    conformBin = join((await buildSupplierPackage(join(dir, 'package'))).dir, SUPPLIER_PACKAGE_ENTRY);
  }, BUDGET.realRun);
  afterAll(async () => {
    await mock?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('defines a job that keeps JUnit, JSON, HTML and Markdown reports whatever the outcome', async () => {
    const template = await readYaml<Record<string, GitlabJob>>('ci/gitlab/conform.gitlab-ci.yml');
    const job = template['.council-conform']!;
    expect(job.image).toMatch(/^node:22/);
    expect(job.artifacts).toMatchObject({
      when: 'always',
      paths: ['conform-reports/'],
      reports: { junit: 'conform-reports/junit.xml' },
    });
    for (const written of ['report.json', 'junit.xml', 'report.html', 'report.md'])
      expect(job.script?.join('\n')).toContain(`conform-reports/${written}`);
    expect(template['council-conform']).toMatchObject({
      extends: '.council-conform',
      rules: [{ if: '$CONFORM_PROFILE && $CONFORM_TARGET' }],
    });
  });

  it('runs its script as a job would: conform from npx against a mock, reports where the artifacts are', async () => {
    const template = await readYaml<Record<string, GitlabJob> & { variables: Record<string, string> }>(
      'ci/gitlab/conform.gitlab-ci.yml',
    );
    const project = join(dir, 'project');
    const bin = join(dir, 'bin');
    await mkdir(project, { recursive: true });
    await mkdir(bin, { recursive: true });
    await copyFile(join(repoRoot, 'specs/street-reports/openapi.yaml'), join(project, 'openapi.yaml'));
    // npx stands in for the registry: it must be asked for conform from CONFORM_PACKAGE, and runs the package.
    await writeFile(
      join(bin, 'npx'),
      [
        '#!/bin/sh',
        'set -eu',
        '[ "$1 $2 $3 $4 $5" = "--yes --package $CONFORM_PACKAGE -- conform" ] || { echo "unexpected npx $*" >&2; exit 97; }',
        'shift 5',
        `exec ${JSON.stringify(process.execPath)} ${JSON.stringify(conformBin)} "$@"`,
        '',
      ].join('\n'),
    );
    await chmod(join(bin, 'npx'), 0o755);
    const script = join(dir, 'job.sh');
    await writeFile(script, template['.council-conform']!.script!.join('\n'));
    const job = await runToEnd('sh', [script], {
      cwd: project,
      env: {
        PATH: `${bin}:${process.env.PATH}`,
        ...template.variables,
        CONFORM_PACKAGE: './council-conform-cli-0.1.0.tgz',
        CONFORM_PROFILE: 'street-reports',
        CONFORM_TARGET: mock.url,
        CONFORM_MODE: 'sandbox',
        ...credentialsOf(mock.supplier),
        CONFORM_LINT: 'openapi.yaml',
        CONFORM_RUN_ARGS: '--rps 250',
      },
    });
    const report = JSON.parse(
      await readFile(join(project, 'conform-reports/report.json'), 'utf8'),
    ) as Parameters<typeof exitCodeOf>[0];
    // The job ends as conform run did for this report; lint findings (exit 1) do not change that.
    expect(job.code, `${job.stdout}\n${job.stderr}`).toBe(exitCodeOf(report));
    expect(report.target).toMatchObject({ url: mock.url, mode: 'sandbox' });
    expect(await readFile(join(project, 'conform-reports/junit.xml'), 'utf8')).toContain('<testsuites');
    await expect(readFile(join(project, 'conform-reports/report.html'), 'utf8')).resolves.toContain('<html');
    const sarif = JSON.parse(await readFile(join(project, 'conform-reports/lint.sarif'), 'utf8')) as {
      version: string;
    };
    expect(sarif.version).toBe('2.1.0');
    expect(job.stdout + job.stderr).not.toContain(mock.supplier.tenants[0]!.clientSecret);
  });
});

/**
 * `conform lint a.yaml b.yaml specs/*\/openapi.yaml`: every description in one process, one summary in every
 * format, the worst exit code; and inputs that must end in a message and exit 2, never a crash.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listSpecIds, specDir } from '@council-conform/specs';
import { BUDGET } from '@council-conform/test-budgets';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/index.ts';
import { capture } from './support.ts';

const repoRoot = join(import.meta.dirname, '..', '..', '..');
const specs = listSpecIds().map((id) => join(specDir(id), 'openapi.yaml'));
const dir = mkdtempSync(join(tmpdir(), 'conform-lint-several-'));
const write = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const bomb = write(
  'bomb.yaml',
  [
    'openapi: 3.1.0',
    'info: {title: Bomb, version: 1.0.0}',
    'paths: {}',
    'x-a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    ...['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].map(
      (name, index) => `x-${name}: &${name} [${Array(9).fill(`*${'abcdefghi'[index]}`).join(',')}]`,
    ),
    '',
  ].join('\n'),
);
const swagger = write(
  'swagger.yaml',
  [
    'swagger: "2.0"',
    'info: {title: Old lettings API, version: 1.0.0}',
    'host: api.example.gov.uk',
    'securityDefinitions:',
    '  key: {type: apiKey, name: api_key, in: query}',
    'paths: {}',
    '',
  ].join('\n'),
);

describe('conform lint with several descriptions', { timeout: BUDGET.heavy }, () => {
  it('lints the ten reference specs in one run: each file, then one summary line', async () => {
    expect(specs).toHaveLength(10);
    const io = capture();
    const code = await runCli(['lint', ...specs], io);
    const text = io.stdout();
    for (const id of listSpecIds()) expect(text).toContain(`${id}/openapi.yaml (OpenAPI 3.1.0)`);
    const summary = text.trimEnd().split('\n').at(-1) ?? '';
    expect(summary).toMatch(/^[✔⚠✖] 10 files: \d+ problems? \(\d+ errors?, \d+ warnings?\)$/);
    expect(code).toBe(/\(0 errors/.test(summary) ? 0 : 1);
  });

  it('writes JSON with every result, the failures and the totals', async () => {
    const io = capture();
    await runCli(['lint', ...specs.slice(0, 3), join(dir, 'absent.yaml'), '--format', 'json'], io);
    const report = JSON.parse(io.stdout()) as {
      results: { source: string; clauses: unknown[] }[];
      failures: { source: string; code: string; message: string }[];
      counts: Record<string, number>;
      files: number;
    };
    expect(report.results).toHaveLength(3);
    expect(report.files).toBe(4);
    expect(report.failures).toEqual([
      {
        source: join(dir, 'absent.yaml'),
        code: 'DOCUMENT_UNREADABLE',
        message: expect.stringMatching(/no such file/),
      },
    ]);
    expect(Object.keys(report.counts).sort()).toEqual(['error', 'hint', 'info', 'warn']);
  });

  it('writes SARIF with one run per file, a file that could not be judged as a run that did not complete', async () => {
    const io = capture();
    expect(await runCli(['lint', specs[0] as string, bomb, '--format', 'sarif'], io)).toBe(2);
    const sarif = JSON.parse(io.stdout()) as {
      runs: { artifacts: { location: { uri: string } }[]; invocations: { executionSuccessful: boolean }[] }[];
    };
    expect(sarif.runs).toHaveLength(2);
    expect(sarif.runs.map((run) => run.invocations[0]?.executionSuccessful)).toEqual([true, false]);
    expect(sarif.runs[1]?.artifacts[0]?.location.uri).toBe(bomb);
  });

  it.each([
    ['junit', /<testsuites name="conform lint \(2 files\)"/],
    ['github-actions', /^::warning file=.*swagger\.yaml,line=1/m],
    ['markdown', /\*\*Total: 2 files: \d+ problems/],
    ['stylish', /swagger\.yaml \(Swagger 2\.0, linted as OpenAPI 3\.1\.\d+\)/],
  ])('writes --format %s for several files', async (format, expected) => {
    const io = capture();
    const code = await runCli(['lint', specs[0] as string, swagger, '--format', format], io);
    expect(code).toBe(1);
    expect(io.stdout()).toMatch(expected);
  });

  it('exits with the worst code and still lints the rest when one cannot be judged', async () => {
    const io = capture();
    expect(await runCli(['lint', bomb, swagger], io)).toBe(2);
    expect(io.stdout()).toMatch(/swagger\.yaml \(Swagger 2\.0/);
    expect(io.stdout()).toMatch(/✖ 2 files: .*; 1 file could not be judged$/m);
    expect(io.stderr()).toMatch(/conform: DOCUMENT_TOO_LARGE: .*bomb\.yaml: its YAML aliases .* alias cap/);
    expect(io.stderr()).not.toMatch(/\n\s+at /);
  });
});

describe('conform lint never crashes', { timeout: BUDGET.process }, () => {
  it('ends an alias bomb with exit 2 and a message naming the cap', () => {
    const bin = join(repoRoot, 'packages', 'cli', 'src', 'bin.ts');
    const tsx = join(repoRoot, 'node_modules', '.bin', 'tsx');
    // The old pipeline ran out of memory on this file; a small heap proves nothing is expanded.
    const run = spawnSync(tsx, [bin, 'lint', bomb], {
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=256' },
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^conform: DOCUMENT_TOO_LARGE: .*alias cap; this looks like an alias bomb/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('lints a Swagger 2.0 file with an API key in the query: exit 1, the finding at its own line', async () => {
    const io = capture();
    expect(await runCli(['lint', swagger, '--format', 'json'], io)).toBe(1);
    const report = JSON.parse(io.stdout()) as {
      convertedFrom: string;
      clauses: { findings: { checkId: string; location: { line: number } }[] }[];
    };
    expect(report.convertedFrom).toBe('Swagger 2.0');
    const inQuery = report.clauses
      .flatMap((clause) => clause.findings)
      .find((finding) => finding.checkId === 'secure-no-credentials-in-query');
    expect(inQuery?.location.line).toBe(5);
  });
});

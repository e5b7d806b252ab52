import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUDGET } from '@council-conform/test-budgets';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/index.ts';
import { capture } from './support.ts';

const repoRoot = join(import.meta.dirname, '..', '..', '..');
const reference = join(repoRoot, 'specs', 'service-directory', 'openapi.yaml');
const dir = mkdtempSync(join(tmpdir(), 'conform-lint-cli-'));
const write = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const thin = write(
  'thin.yaml',
  [
    'openapi: 3.1.0',
    'info: {title: Thin supplier API, version: v2}',
    'servers: [{url: "http://api.supplier.example"}]',
    'paths:',
    '  /residents:',
    '    get:',
    '      operationId: listResidents',
    '      parameters: [{name: email, in: query, schema: {type: string}}]',
    '      responses:',
    '        "200": {description: OK, content: {application/json: {schema: {type: array, items: {type: object}}}}}',
    '',
  ].join('\n'),
);
const swagger = write('swagger.yaml', 'swagger: "1.2"\ninfo: {title: Old, version: "1.0"}\npaths: {}\n');
const broken = write(
  'broken.yaml',
  'openapi: 3.1.0\ninfo:\n  title: [unclosed\n  version: 1.0.0\npaths: {}\n',
);

describe('conform lint', { timeout: BUDGET.unit }, () => {
  it('exits 0 and says so for a reference spec, with its profile', async () => {
    const io = capture();
    expect(await runCli(['lint', reference, '--profile', 'service-directory'], io)).toBe(0);
    expect(io.stdout()).toContain('profile service-directory');
    expect(io.stdout()).toContain('✔ Lints clean against the Council API ruleset');
  });

  it('exits 1 with findings grouped by clause, each with line, severity, rule, JSON path and docs link', async () => {
    const io = capture();
    expect(await runCli(['lint', thin], io)).toBe(1);
    const text = io.stdout();
    for (const heading of [
      '1. Open, documented API (open-api)',
      '3. Personal data is protected (personal-data)',
      '5. Right to the council’s data (right-to-data)',
      '8. Secure by default (secure)',
      '10. Transparent about change (transparent)',
    ])
      expect(text).toContain(heading);
    expect(text).toMatch(
      /3:\d+\s+error\s+secure-https-servers\s+Server http:\/\/api\.supplier\.example is not https/,
    );
    expect(text).toContain(
      'at $.servers[0].url · https://github.com/council-conform/council-conform/blob/main/docs/ruleset.md#secure-https-servers',
    );
    expect(text).toMatch(/8:\d+\s+error\s+personal-data-not-in-url/);
  });

  it('reports the operations a profile requires and the description lacks', async () => {
    const io = capture();
    expect(await runCli(['lint', thin, '--profile', 'housing-repairs', '--format', 'json'], io)).toBe(1);
    const report = JSON.parse(io.stdout()) as {
      profile: string;
      clauses: { clause: string; findings: { checkId: string; message: string }[] }[];
    };
    expect(report.profile).toBe('housing-repairs');
    const missing = report.clauses
      .flatMap((group) => group.findings)
      .filter((finding) => finding.checkId === 'open-api-profile-operations');
    expect(missing.length).toBeGreaterThan(3);
    expect(missing[0]?.message).toMatch(/^Profile housing-repairs requires operation \w+/);
  });

  it.each(['sarif', 'junit', 'github-actions', 'markdown'])('writes --format %s', async (format) => {
    const io = capture();
    expect(await runCli(['lint', thin, '--format', format], io)).toBe(1);
    expect(io.stdout()).toContain('secure-https-servers');
  });

  it('refuses an unknown format or profile with exit 2', async () => {
    const format = capture();
    expect(await runCli(['lint', thin, '--format', 'html'], format)).toBe(2);
    expect(format.stderr()).toMatch(
      /Allowed choices are stylish, json, sarif, junit, github-actions, markdown/,
    );
    const profile = capture();
    expect(await runCli(['lint', thin, '--profile', 'housing'], profile)).toBe(2);
    expect(profile.stderr()).toMatch(/UNKNOWN_PROFILE: no profile "housing"; did you mean housing-repairs\?/);
  });

  it.each([
    ['Swagger 1.2', swagger, /DOCUMENT_SWAGGER_2: .*"swagger: 1\.2" is no Swagger version/],
    ['a YAML syntax error', broken, /DOCUMENT_SYNTAX: .*broken\.yaml:\d+:\d+: not valid YAML/],
    ['a missing file', join(dir, 'absent.yaml'), /DOCUMENT_UNREADABLE: .*no such file/],
  ])('exits 2 for %s with a message, never a stack trace', async (_name, path, message) => {
    const io = capture();
    expect(await runCli(['lint', path], io)).toBe(2);
    expect(io.stderr()).toMatch(message);
    expect(io.stderr()).not.toMatch(/\n\s+at /);
    expect(io.stdout()).toBe('');
  });

  it('runs from source through tsx and sets its exit code', { timeout: BUDGET.process }, () => {
    const bin = join(repoRoot, 'packages', 'cli', 'src', 'bin.ts');
    const tsx = join(repoRoot, 'node_modules', '.bin', 'tsx');
    const failing = spawnSync(tsx, [bin, 'lint', thin, '--format', 'github-actions'], { encoding: 'utf8' });
    expect(failing.status).toBe(1);
    expect(failing.stdout).toMatch(/^::error file=.*thin\.yaml,line=\d+/m);
    const refused = spawnSync(tsx, [bin, 'lint', swagger], { encoding: 'utf8' });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('DOCUMENT_SWAGGER_2');
  });
});

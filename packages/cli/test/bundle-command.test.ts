import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../src/index.ts';
import { capture } from './support.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'conform-bundle-'));
  // A supplier's own description over three files: the entry, its schemas, and a shared parameter, each
  // component under components/ as the bundler hoists them.
  await mkdir(join(dir, 'api', 'components'), { recursive: true });
  await writeFile(
    join(dir, 'api', 'openapi.yaml'),
    [
      'openapi: 3.1.0',
      'info: { title: Acme streets, version: 1.0.0 }',
      'paths:',
      '  /reports/{id}:',
      '    parameters:',
      "      - $ref: './components/parameters.yaml#/components/parameters/ReportId'",
      '    get:',
      '      operationId: getReport',
      '      responses:',
      "        '200':",
      '          description: the report',
      '          content:',
      '            application/json:',
      "              schema: { $ref: './components/schemas.yaml#/components/schemas/Report' }",
    ].join('\n'),
  );
  await writeFile(
    join(dir, 'api', 'components', 'schemas.yaml'),
    [
      'components:',
      '  schemas:',
      '    Report:',
      '      type: object',
      '      properties:',
      '        id: { type: string }',
      "        location: { $ref: '#/components/schemas/Location' }",
      '    Location:',
      '      type: object',
      '      properties: { lat: { type: number }, lon: { type: number } }',
    ].join('\n'),
  );
  await writeFile(
    join(dir, 'api', 'components', 'parameters.yaml'),
    'components:\n  parameters:\n    ReportId: { name: id, in: path, required: true, schema: { type: string } }\n',
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.unstubAllEnvs();
});

const externalRefs = (text: string) => text.match(/"\$ref":\s*"(?!#)[^"]*"/g) ?? [];

describe('conform bundle', () => {
  it("bundles a supplier's multi-file description into one JSON document with only local $refs", async () => {
    const io = capture();
    const out = join(dir, 'out', 'openapi.json');
    expect(await runCli(['bundle', join(dir, 'api', 'openapi.yaml'), '--out', out], io), io.stderr()).toBe(0);
    expect(io.stdout()).toBe(`Wrote ${out}: ${join(dir, 'api', 'openapi.yaml')} in one file`);
    const text = await readFile(out, 'utf8');
    expect(externalRefs(text)).toEqual([]);
    const document = JSON.parse(text) as {
      paths: Record<string, { parameters: { $ref: string }[] }>;
      components: { schemas: Record<string, unknown>; parameters: Record<string, unknown> };
    };
    expect(Object.keys(document.components.schemas).sort()).toEqual(['Location', 'Report']);
    expect(document.components.parameters.ReportId).toMatchObject({ name: 'id', in: 'path' });
    expect(document.paths['/reports/{id}']?.parameters[0]?.$ref).toBe('#/components/parameters/ReportId');
  });

  it('means the reference spec by a spec id, and writes YAML for a .yaml name', async () => {
    const io = capture();
    const out = join(dir, 'street-reports.yaml');
    expect(await runCli(['bundle', 'street-reports', '--out', out], io), io.stderr()).toBe(0);
    expect(io.stdout()).toContain('the street-reports reference spec in one file');
    const document = parse(await readFile(out, 'utf8')) as { openapi: string; info: { title: string } };
    expect(document.openapi).toMatch(/^3\.1\./);
    expect(externalRefs(JSON.stringify(document))).toEqual([]);
  });

  it('prints the document when no --out is given', async () => {
    const io = capture();
    expect(await runCli(['bundle', 'street-reports'], io)).toBe(0);
    expect((JSON.parse(io.stdout()) as { openapi: string }).openapi).toMatch(/^3\.1\./);
  });

  it('reads and writes relative paths from where `pnpm conform` was typed', async () => {
    // `pnpm conform` runs at the workspace root and names the folder it was typed in INIT_CWD.
    vi.stubEnv('INIT_CWD', join(dir, 'api'));
    vi.stubEnv('npm_package_name', 'council-conform');
    vi.stubEnv('npm_lifecycle_event', 'conform');
    const io = capture();
    expect(await runCli(['bundle', 'openapi.yaml', '--out', '../relative.json'], io), io.stderr()).toBe(0);
    expect(io.stdout()).toContain(`Wrote ${join(dir, 'relative.json')}`);
  });

  it('refuses to write through a symbolic link at --out', async () => {
    const victim = join(dir, 'victim.txt');
    await writeFile(victim, 'precious\n');
    const link = join(dir, 'linked.json');
    await symlink(victim, link);
    const io = capture();
    expect(await runCli(['bundle', 'street-reports', '--out', link], io)).toBe(2);
    expect(io.stderr()).toContain(`OUTPUT_IS_LINK: ${link} is a symbolic link`);
    expect(await readFile(victim, 'utf8')).toBe('precious\n');
  });

  it('refuses what is neither a file nor a reference spec, and a $ref that leads nowhere', async () => {
    const unknown = capture();
    expect(await runCli(['bundle', join(dir, 'nope.yaml')], unknown)).toBe(2);
    expect(unknown.stderr()).toMatch(/BUNDLE_SOURCE_UNKNOWN: .*nope\.yaml does not exist.*street-reports/);
    const broken = join(dir, 'broken.yaml');
    await writeFile(
      broken,
      "openapi: 3.1.0\ninfo: { title: t, version: '1' }\npaths: {}\ncomponents:\n  schemas:\n    A: { $ref: './missing.yaml#/components/schemas/A' }\n",
    );
    const io = capture();
    expect(await runCli(['bundle', broken], io)).toBe(2);
    expect(io.stderr()).toMatch(/REF_UNRESOLVED: .*missing\.yaml/);
  });
});

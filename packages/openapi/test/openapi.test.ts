import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  bundleDocument,
  createSchemaValidator,
  DocumentError,
  inlinePathItemRefs,
  isPublicOperation,
  type JsonObject,
  listOperations,
  parseDocument,
  validateOpenApiStructure,
} from '../src/index.ts';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);

describe('parseDocument', () => {
  it('reads YAML and JSON and knows the line of a pointer', () => {
    const parsed = parseDocument(
      'openapi: 3.1.0\ninfo:\n  title: T\n  version: 1.0.0\npaths: {}\n',
      'a.yaml',
    );
    expect(parsed.data.openapi).toBe('3.1.0');
    expect(parsed.lineOf('/info/version')).toBe(4);
    expect(parseDocument('{"openapi": "3.1.0"}', 'a.json').data.openapi).toBe('3.1.0');
  });

  it('names the line and column where a YAML syntax error stopped parsing', () => {
    const attempt = () =>
      parseDocument('openapi: 3.1.0\ninfo:\n  title: [unclosed\n  version: 1\n', 'bad.yaml');
    expect(attempt).toThrow(DocumentError);
    try {
      attempt();
    } catch (error) {
      expect((error as DocumentError).code).toBe('DOCUMENT_SYNTAX');
      expect((error as DocumentError).message).toMatch(/^bad\.yaml:\d+:\d+: not valid YAML or JSON/);
      expect((error as DocumentError).location?.line).toBeGreaterThanOrEqual(3);
    }
  });

  it('refuses a document that is not an object', () => {
    expect(() => parseDocument('- a\n- b\n', 'list.yaml')).toThrow(/found a list/);
  });
});

describe('bundleDocument', () => {
  it('hoists components from other files under their own names and keeps the entry’s own', async () => {
    const { document, files } = await bundleDocument(fixture('entry.yaml'));
    expect(files).toHaveLength(2);
    const components = document.components as Record<string, Record<string, unknown>>;
    expect(Object.keys(components.schemas ?? {}).sort()).toEqual(['Job', 'Problem', 'Thing', 'Uprn']);
    expect(JSON.stringify(components.schemas?.Problem)).toContain('local');
    expect(JSON.stringify(document)).not.toContain('shared.yaml');
  });

  it('writes a path item taken by $ref in place and drops the component nothing refers to any more', async () => {
    const { document } = await bundleDocument(fixture('entry.yaml'));
    const exports = (document.paths as Record<string, Record<string, unknown>>)['/exports'];
    expect(exports?.$ref).toBeUndefined();
    expect((exports?.post as { operationId?: string } | undefined)?.operationId).toBe('startExport');
    expect((document.components as Record<string, unknown>).pathItems).toBeUndefined();
    expect(JSON.stringify(document)).not.toContain('#/components/pathItems/');
  });

  it('keeps a referring path item’s own fields, follows a chain of them and keeps one still referred to', () => {
    const document: JsonObject = {
      openapi: '3.1.0',
      info: { title: 'T', version: '1' },
      paths: {
        '/a': { $ref: '#/components/pathItems/Alias', summary: 'mine' },
        '/b': { $ref: '#/components/pathItems/Kept' },
      },
      webhooks: { ping: { $ref: '#/components/pathItems/Hook' } },
      components: {
        pathItems: {
          Alias: { $ref: '#/components/pathItems/Real', description: 'alias' },
          Real: { summary: 'real', get: { responses: { '200': { description: 'ok' } } } },
          Kept: { get: { responses: { '200': { description: 'ok' } } } },
          Hook: { post: { responses: { '200': { description: 'ok' } } } },
          Unused: { get: { responses: { '200': { description: 'ok' } } } },
        },
        callbacks: { onEvent: { '{$request.body#/url}': { $ref: '#/components/pathItems/Kept' } } },
      },
    };
    inlinePathItemRefs(document, 'inline.yaml');
    const paths = document.paths as Record<string, Record<string, unknown>>;
    expect(paths['/a']).toMatchObject({ summary: 'mine', description: 'alias', get: {} });
    expect(paths['/a']?.$ref).toBeUndefined();
    expect(paths['/b']?.get).toBeDefined();
    expect((document.webhooks as Record<string, Record<string, unknown>>).ping?.post).toBeDefined();
    // Real and Hook are written in place; Kept is still a callback's; Unused was never taken, so it stays.
    const pathItems = (document.components as Record<string, Record<string, unknown>>).pathItems ?? {};
    expect(Object.keys(pathItems).sort()).toEqual(['Kept', 'Unused']);
  });

  it('refuses a chain of path item refs that leads back to itself', () => {
    const document: JsonObject = {
      openapi: '3.1.0',
      info: { title: 'T', version: '1' },
      paths: { '/a': { $ref: '#/components/pathItems/A' } },
      components: {
        pathItems: { A: { $ref: '#/components/pathItems/B' }, B: { $ref: '#/components/pathItems/A' } },
      },
    };
    expect(() => inlinePathItemRefs(document, 'loop.yaml')).toThrow(/leads back to itself/);
  });

  it('reports a reference that points at nothing', async () => {
    await expect(bundleDocument(fixture('broken-ref.yaml'))).rejects.toMatchObject({
      code: 'REF_UNRESOLVED',
      message: expect.stringContaining('#/components/schemas/Missing'),
    });
  });

  it('reports a missing file as unreadable', async () => {
    await expect(bundleDocument(fixture('nope.yaml'))).rejects.toMatchObject({ code: 'DOCUMENT_UNREADABLE' });
  });
});

describe('operations and validation', () => {
  it('lists operations through path item references and tells public ones', async () => {
    const { document } = await bundleDocument(fixture('entry.yaml'));
    const operations = listOperations(document);
    expect(operations.map((op) => op.operationId).sort()).toEqual(['getThing', 'startExport']);
    const exportOp = operations.find((op) => op.operationId === 'startExport')!;
    expect(exportOp.pointer).toBe('/paths/~1exports/post');
    expect(isPublicOperation(document, exportOp.operation)).toBe(true);
  });

  it('validates instances against schemas in the document', async () => {
    const { document } = await bundleDocument(fixture('entry.yaml'));
    const validator = createSchemaValidator(document);
    expect(validator.validate('/components/schemas/Thing', { id: 'a', uprn: '100023336956' })).toEqual([]);
    const errors = validator.validate('/components/schemas/Thing', { id: 'a', uprn: '0123 456' });
    expect(errors.map((e) => e.pointer)).toEqual(['/uprn']);
  });

  it('finds structural problems against the OpenAPI schema', async () => {
    const { document } = await bundleDocument(fixture('entry.yaml'));
    expect(await validateOpenApiStructure(document)).toEqual([]);
    const broken = { ...document, info: { title: 'no version' } };
    expect((await validateOpenApiStructure(broken)).length).toBeGreaterThan(0);
  });
});

import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
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
  resolvePointer,
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
  it('hoists components from other files under their own names, the entry’s own kept as they are', async () => {
    const { document, files } = await bundleDocument(fixture('entry.yaml'));
    expect(files).toHaveLength(2);
    const components = document.components as Record<string, Record<string, JsonObject>>;
    // shared.yaml's Problem is another schema than the entry's own: it comes in as Problem_2, and what
    // named it (the shared NotFound response, the shared Job) names Problem_2.
    expect(Object.keys(components.schemas ?? {}).sort()).toEqual([
      'Job',
      'Problem',
      'Problem_2',
      'Thing',
      'Uprn',
    ]);
    expect(JSON.stringify(components.schemas?.Problem)).toContain('local');
    expect(JSON.stringify(components.schemas?.Problem_2)).not.toContain('local');
    expect(JSON.stringify(components.responses?.NotFound)).toContain('"#/components/schemas/Problem_2"');
    expect(JSON.stringify(components.schemas?.Job)).toContain('"#/components/schemas/Problem_2"');
    expect(JSON.stringify(document)).not.toContain('shared.yaml');
  });

  it('never lets a $ref land on another definition of the same name', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'conform-bundle-'));
    const schemaOf = (field: string) => ({ type: 'object', properties: { [field]: { type: 'string' } } });
    await writeFile(
      join(dir, 'a.json'),
      JSON.stringify({ components: { schemas: { Pet: schemaOf('fromA') } } }),
    );
    await writeFile(
      join(dir, 'b.json'),
      JSON.stringify({ components: { schemas: { Pet: schemaOf('fromB') } } }),
    );
    const answer = (ref: string) => ({
      responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: ref } } } } },
    });
    const entry = {
      openapi: '3.1.0',
      info: { title: 'T', version: '1.0.0' },
      paths: {
        '/a': { get: answer('a.json#/components/schemas/Pet') },
        '/b': { get: answer('b.json#/components/schemas/Pet') },
        '/c': { get: answer('#/components/schemas/Pet') },
        '/a-again': { get: answer('./a.json#/components/schemas/Pet') },
      },
      components: { schemas: { Pet: schemaOf('fromEntry') } },
    };
    await writeFile(join(dir, 'openapi.json'), JSON.stringify(entry));
    const { document } = await bundleDocument(join(dir, 'openapi.json'));
    const schemas = (document.components as Record<string, JsonObject>).schemas as JsonObject;
    const landsOn = (path: string) => {
      const ref = (
        ((document.paths as JsonObject)[path] as { get: ReturnType<typeof answer> }).get.responses['200']
          .content['application/json'].schema as { $ref: string }
      ).$ref;
      return Object.keys(
        (schemas[ref.split('/').at(-1) as string] as JsonObject).properties as JsonObject,
      )[0];
    };
    expect(['/a', '/b', '/c', '/a-again'].map(landsOn)).toEqual(['fromA', 'fromB', 'fromEntry', 'fromA']);
    expect(Object.keys(schemas).sort()).toEqual(['Pet', 'Pet_2', 'Pet_3']);
  });

  it('writes in place a path item taken from another file, all of it or a place in it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'conform-bundle-'));
    await mkdir(join(dir, 'paths'));
    const listThings = {
      operationId: 'listThings',
      responses: { '200': { $ref: '../shared.json#/components/responses/Ok' } },
    };
    await writeFile(join(dir, 'paths', 'things.json'), JSON.stringify({ get: listThings }));
    await writeFile(
      join(dir, 'paths', 'more.json'),
      JSON.stringify({ items: { other: { get: { ...listThings, operationId: 'listOthers' } } } }),
    );
    await writeFile(
      join(dir, 'shared.json'),
      JSON.stringify({ components: { responses: { Ok: { description: 'ok' } } } }),
    );
    const entry = {
      openapi: '3.1.0',
      info: { title: 'T', version: '1.0.0' },
      paths: {
        '/things': { $ref: 'paths/things.json', summary: 'Things' },
        '/others': { $ref: 'paths/more.json#/items/other' },
      },
    };
    await writeFile(join(dir, 'openapi.json'), JSON.stringify(entry));
    const { document } = await bundleDocument(join(dir, 'openapi.json'));
    expect(document.paths).toEqual({
      '/things': {
        summary: 'Things',
        get: { ...listThings, responses: { '200': { $ref: '#/components/responses/Ok' } } },
      },
      '/others': {
        get: {
          ...listThings,
          operationId: 'listOthers',
          responses: { '200': { $ref: '#/components/responses/Ok' } },
        },
      },
    });
    await writeFile(join(dir, 'loop.json'), JSON.stringify({ $ref: 'loop.json' }));
    await writeFile(
      join(dir, 'looping.json'),
      JSON.stringify({ ...entry, paths: { '/loop': { $ref: 'loop.json' } } }),
    );
    await expect(bundleDocument(join(dir, 'looping.json'))).rejects.toMatchObject({
      code: 'REF_UNRESOLVED',
      message: expect.stringMatching(/path item \$ref loop\.json leads back to itself/),
    });
  });

  it('leaves a "$ref" key in an example, a default or an enum as data, and follows a property named "default"', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'conform-bundle-'));
    await writeFile(
      join(dir, 'shared.json'),
      JSON.stringify({ components: { schemas: { Code: { type: 'string' } } } }),
    );
    const data = { $ref: 'https://elsewhere.example/x.json' };
    const thing = {
      type: 'object',
      properties: {
        default: { $ref: 'shared.json#/components/schemas/Code' },
        kind: { type: 'object', default: data, enum: [data] },
      },
      example: data,
      examples: [data],
    };
    const entry = {
      openapi: '3.1.0',
      info: { title: 'T', version: '1.0.0' },
      paths: {
        '/things': {
          get: {
            responses: {
              '200': {
                description: 'ok',
                content: { 'application/json': { schema: thing, examples: { one: { value: data } } } },
              },
            },
          },
        },
      },
    };
    await writeFile(join(dir, 'openapi.json'), JSON.stringify(entry));
    const { document } = await bundleDocument(join(dir, 'openapi.json'));
    const media = resolvePointer(document, '/paths/~1things/get/responses/200/content/application~1json') as {
      schema: { properties: JsonObject; example: unknown; examples: unknown };
      examples: unknown;
    };
    expect(media.schema.properties.default).toEqual({ $ref: '#/components/schemas/Code' });
    expect(media.schema.properties.kind).toEqual({ type: 'object', default: data, enum: [data] });
    expect([media.schema.example, media.schema.examples, media.examples]).toEqual([
      data,
      [data],
      { one: { value: data } },
    ]);
  });

  it('rewrites a discriminator mapping that names schemas in other files, and keeps one that names a schema', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'conform-bundle-'));
    const pet = {
      oneOf: [{ $ref: '#/components/schemas/Cat' }, { $ref: 'birds.json#/components/schemas/Bird' }],
      discriminator: {
        propertyName: 'kind',
        mapping: { cat: '#/components/schemas/Cat', bird: 'birds.json#/components/schemas/Bird', dog: 'Dog' },
      },
    };
    const kinded = (kind: string) => ({ type: 'object', properties: { kind: { const: kind } } });
    await writeFile(
      join(dir, 'pets.json'),
      JSON.stringify({ components: { schemas: { Pet: pet, Cat: kinded('cat') } } }),
    );
    await writeFile(
      join(dir, 'birds.json'),
      JSON.stringify({ components: { schemas: { Bird: kinded('bird') } } }),
    );
    const entry = {
      openapi: '3.1.0',
      info: { title: 'T', version: '1.0.0' },
      paths: {},
      components: {
        schemas: { Pets: { type: 'array', items: { $ref: 'pets.json#/components/schemas/Pet' } } },
      },
    };
    await writeFile(join(dir, 'openapi.json'), JSON.stringify(entry));
    const { document } = await bundleDocument(join(dir, 'openapi.json'));
    expect(resolvePointer(document, '/components/schemas/Pet/discriminator/mapping')).toEqual({
      cat: '#/components/schemas/Cat',
      bird: '#/components/schemas/Bird',
      dog: 'Dog',
    });
    expect(JSON.stringify(document)).not.toContain('.json#');
  });

  it('bundles a Swagger 2.0 description into its own definitions, parameters and responses', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'conform-bundle-'));
    await writeFile(
      join(dir, 'common.json'),
      JSON.stringify({
        parameters: { Body: { name: 'body', in: 'body', schema: { $ref: '#/definitions/Pet' } } },
        definitions: { Pet: { type: 'object', properties: { id: { type: 'string' } } } },
        responses: { NotFound: { description: 'Not found', schema: { $ref: '#/definitions/Pet' } } },
      }),
    );
    const entry = {
      swagger: '2.0',
      info: { title: 'T', version: '1.0.0' },
      paths: {
        '/pets': {
          post: {
            parameters: [{ $ref: 'common.json#/parameters/Body' }],
            responses: { '404': { $ref: 'common.json#/responses/NotFound' } },
          },
        },
      },
      definitions: { Pet: { type: 'string' } },
    };
    await writeFile(join(dir, 'swagger.json'), JSON.stringify(entry));
    const { document } = await bundleDocument(join(dir, 'swagger.json'));
    expect(document.components).toBeUndefined();
    expect(document.parameters).toEqual({
      Body: { name: 'body', in: 'body', schema: { $ref: '#/definitions/Pet_2' } },
    });
    expect(document.responses).toEqual({
      NotFound: { description: 'Not found', schema: { $ref: '#/definitions/Pet_2' } },
    });
    expect(Object.keys(document.definitions as JsonObject).sort()).toEqual(['Pet', 'Pet_2']);
    expect(JSON.stringify(document.paths)).toBe(
      JSON.stringify({
        '/pets': {
          post: {
            parameters: [{ $ref: '#/parameters/Body' }],
            responses: { '404': { $ref: '#/responses/NotFound' } },
          },
        },
      }),
    );
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

  it('judges each document on its own when documents are validated side by side', async () => {
    const { document } = await bundleDocument(fixture('entry.yaml'));
    const broken = { ...document, info: { title: 'no version' } };
    const swagger = {
      swagger: '2.0',
      info: { title: 'S', version: '1' },
      paths: { '/x': 'not a path item' },
    };
    const verdicts = await Promise.all(
      [document, broken, document, swagger, document].map((d) => validateOpenApiStructure(d)),
    );
    expect(verdicts.map((problems) => problems.length > 0)).toEqual([false, true, false, true, false]);
    expect(verdicts[1]?.map((p) => p.message).join('\n')).toMatch(/version/);
  });
});

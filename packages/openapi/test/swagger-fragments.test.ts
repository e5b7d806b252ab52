/**
 * The files a Swagger 2.0 description refers to, converted target by target by the kind of object each
 * `$ref` stands for; places in them mapped back to where they were written.
 */
import { describe, expect, it } from 'vitest';
import {
  convertSwagger2,
  DocumentError,
  fragmentKindAt,
  type ReferenceTarget,
  SwaggerFragments,
} from '../src/index.ts';

const target = (at: string[], value: unknown, pointer = '/responses/NotFound'): ReferenceTarget => ({
  file: '/api/common.yaml',
  pointer,
  value,
  from: '/api/swagger.yaml',
  at,
  lookup: () => undefined,
});

describe('fragmentKindAt', () => {
  it.each([
    [['paths', '/pets', 'get', 'responses', '404'], 'response'],
    [['components', 'responses', 'NotFound'], 'response'],
    [['paths', '/pets', 'get', 'parameters', '0'], 'parameter'],
    [['parameters', 'limit'], 'parameter'],
    [['responses', 'NotFound', 'headers', 'X-Rate'], 'header'],
    [['paths', '/pets'], 'path-item'],
    [['responses', 'NotFound', 'schema'], 'schema'],
    [['definitions', 'Pet'], 'schema'],
    // Properties named like OpenAPI sections are schemas all the same.
    [['definitions', 'Pet', 'properties', 'responses'], 'schema'],
    [['definitions', 'Pet', 'properties', 'responses', 'items'], 'schema'],
    [['definitions', 'responses'], 'schema'],
    [['x-anything'], undefined],
  ])('%j stands for a %s', (at, kind) => {
    expect(fragmentKindAt(at)).toBe(kind);
  });
});

describe('SwaggerFragments', () => {
  it('converts a shared response and maps its converted places back', async () => {
    const fragments = new SwaggerFragments('/api/swagger.yaml', { produces: ['application/problem+json'] });
    const converted = await fragments.adapt(
      target(['paths', '/pets', 'get', 'responses', '404'], {
        description: 'Not found',
        schema: { $ref: '#/definitions/Problem' },
      }),
    );
    expect(converted).toEqual({
      description: 'Not found',
      // The `$ref` says what it said, to be resolved in the file it is written in.
      content: { 'application/problem+json': { schema: { $ref: '#/definitions/Problem' } } },
    });
    const written = (path: readonly string[]) => path.join('/') !== 'responses/NotFound/content';
    expect(
      fragments.originalPathIn(
        '/api/common.yaml',
        ['responses', 'NotFound', 'content', 'application/problem+json', 'schema', '$ref'],
        written,
      ),
    ).toEqual(['responses', 'NotFound', 'schema', '$ref']);
    // A place the conversion made is where what it was made from was written.
    expect(
      fragments.originalPathIn('/api/common.yaml', ['responses', 'NotFound', 'content'], written),
    ).toEqual(['responses', 'NotFound', 'schema']);
    expect(fragments.originalPathIn('/api/common.yaml', ['definitions', 'Pet'], written)).toBeUndefined();
  });

  it('leaves the entry, a body parameter and a place of no known kind as written', async () => {
    const fragments = new SwaggerFragments('/api/swagger.yaml', {});
    expect(await fragments.adapt({ ...target(['x'], { a: 1 }), file: '/api/swagger.yaml' })).toBeUndefined();
    expect(
      await fragments.adapt(target(['paths', '/p', 'post', 'parameters', '0'], { name: 'b', in: 'body' })),
    ).toBeUndefined();
    expect(await fragments.adapt(target(['x-anything'], { a: 1 }))).toBeUndefined();
  });

  it('refuses targets that add up to more than its budget, naming the file', async () => {
    const fragments = new SwaggerFragments('/api/swagger.yaml', {}, 1000);
    const big = { description: 'x'.repeat(600) };
    await fragments.adapt(target(['paths', '/a', 'get', 'responses', '404'], big));
    const refused = await fragments
      .adapt(target(['paths', '/b', 'get', 'responses', '404'], big, '/responses/Other'))
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DocumentError);
    expect(refused).toMatchObject({ code: 'DOCUMENT_TOO_LARGE', source: '/api/common.yaml' });
    expect((refused as Error).message).toMatch(/^\/api\/common\.yaml: its \$ref targets.*more than/);
  });
});

describe('convertedPointerOf', () => {
  it('finds where a place written against the Swagger file is once it is converted', () => {
    const converted = convertSwagger2(
      {
        swagger: '2.0',
        info: { title: 'T', version: '1' },
        produces: ['application/problem+json'],
        paths: {},
        definitions: { Pet: { type: 'object', properties: { id: { type: 'string' } } } },
        parameters: {
          limit: { name: 'limit', in: 'query', type: 'integer' },
          body: { name: 'body', in: 'body', schema: { $ref: '#/definitions/Pet' } },
        },
        responses: { Gone: { description: 'Gone', schema: { type: 'object' } } },
      },
      '/api/swagger.yaml',
    );
    expect(
      [
        '/definitions/Pet/properties/id',
        '/responses/Gone/schema',
        '/parameters/limit',
        '/parameters/limit/type',
        '/parameters/body/schema',
        '/info/title',
        '/definitions/Missing',
      ].map((pointer) => converted.convertedPointerOf(pointer)),
    ).toEqual([
      '/components/schemas/Pet/properties/id',
      '/components/responses/Gone/content/application~1problem+json/schema',
      '/components/parameters/limit',
      '/components/parameters/limit/schema/type',
      '/components/requestBodies/body/content/application~1json/schema',
      '/info/title',
      '/definitions/Missing',
    ]);
  });
});

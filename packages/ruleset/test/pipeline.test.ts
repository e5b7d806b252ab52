/**
 * The lint pipeline around the rules (issue 20): caps that hold before any parser runs, Swagger 2.0 read by
 * converting it, every `$ref` followed by a resolver that grows with the document, several descriptions in
 * one run, and URL inputs whose refusals say what came back.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleDocument, readDocumentText } from '@council-conform/openapi';
import { listSpecIds, specDir } from '@council-conform/specs';
import { BUDGET } from '@council-conform/test-budgets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lintDescription, lintDescriptions, lintText } from '../src/index.ts';
import { documentError } from './support/document-error.ts';
import { cleanDocument, withChange } from './support/documents.ts';

const realWorld = join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'real-world');

const refusal = documentError;

/** Lints the clean document, changed, as openapi.json in a new directory beside the other files given. */
async function lintBeside(files: Record<string, string>, change: Parameters<typeof withChange>[0]) {
  const dir = await mkdtemp(join(tmpdir(), 'conform-refs-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  await writeFile(join(dir, 'openapi.json'), JSON.stringify(withChange(change), null, 2));
  return lintDescription(join(dir, 'openapi.json'), { cwd: dir });
}

/** Nine anchors of nine aliases each: about 600 bytes that expand to 9^9 strings. */
const ALIAS_BOMB = [
  'openapi: 3.1.0',
  'info: {title: Bomb, version: 1.0.0}',
  'paths: {}',
  'x-a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].map((name, index) => {
    const previous = 'abcdefghi'[index] as string;
    return `x-${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`;
  }),
  '',
].join('\n');

describe('caps that hold before any parser runs', () => {
  it('refuses a YAML alias bomb, naming the alias cap', { timeout: BUDGET.unit }, async () => {
    expect(Buffer.byteLength(ALIAS_BOMB)).toBeLessThan(1024);
    const error = await refusal(() => lintText(ALIAS_BOMB, '/virtual/bomb.yaml'));
    expect(error.code).toBe('DOCUMENT_TOO_LARGE');
    expect(error.message).toMatch(
      /^\/virtual\/bomb\.yaml: its YAML aliases would add more than 1,000,000 nodes to it, over the alias cap; this looks like an alias bomb/,
    );
  });

  it('still reads YAML that uses a few anchors and aliases', async () => {
    const text = [
      'openapi: 3.1.0',
      'info: &info {title: Anchors, version: 1.0.0}',
      'paths: {}',
      'x-copy: *info',
      '',
    ].join('\n');
    const result = await lintText(text, '/virtual/anchors.yaml');
    expect(result.openapi).toBe('3.1.0');
  });

  it('refuses an alias inside the node it names', async () => {
    const error = await refusal(() =>
      lintText(
        'openapi: 3.1.0\ninfo: {title: x, version: 1.0.0}\npaths: {}\nx-loop: &loop [*loop]\n',
        '/v/loop.yaml',
      ),
    );
    expect(error.code).toMatch(/DOCUMENT_TOO_LARGE|DOCUMENT_SYNTAX/);
  });

  it.each([
    [
      'JSON',
      `{"openapi":"3.1.0","info":{"title":"x","version":"1"},"paths":{},"x-deep":${'['.repeat(5000)}${']'.repeat(5000)}}`,
    ],
    [
      'YAML',
      `openapi: 3.1.0\ninfo: {title: x, version: "1"}\npaths: {}\nx-deep: ${'['.repeat(5000)}${']'.repeat(5000)}\n`,
    ],
  ])('refuses %s nested past the nesting cap, saying where', async (_kind, text) => {
    const error = await refusal(() => lintText(text, '/virtual/deep'));
    expect(error.code).toBe('DOCUMENT_TOO_LARGE');
    expect(error.message).toMatch(
      /^\/virtual\/deep:\d+: nested more than 256 levels deep \(the nesting cap\)/,
    );
  });

  it('refuses a file over the size cap without reading it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'conform-cap-'));
    const path = join(dir, 'huge.yaml');
    // Sparse: 60 MB long, nothing written.
    const handle = await open(path, 'w');
    await handle.truncate(60 * 1024 * 1024);
    await handle.close();
    const error = await refusal(() => lintDescription(path));
    expect(error.code).toBe('DOCUMENT_TOO_LARGE');
    expect(error.message).toBe(
      `${path}: 60.0 MB, over the size cap of 50.0 MB for one description; nothing was parsed.`,
    );
  });
});

describe('Swagger 2.0, converted in memory', () => {
  const swagger = [
    'swagger: "2.0"',
    'info:',
    '  title: Old lettings API',
    '  version: 1.0.0',
    'host: api.example.gov.uk',
    'schemes: [https]',
    'securityDefinitions:',
    '  apiKey:',
    '    type: apiKey',
    '    name: api_key',
    '    in: query',
    'security:',
    '  - apiKey: []',
    'paths:',
    '  /lettings:',
    '    get:',
    '      operationId: listLettings',
    '      responses:',
    '        "200":',
    '          description: Lettings.',
    '          schema:',
    '            type: array',
    '            items: {$ref: "#/definitions/Letting"}',
    'definitions:',
    '  Letting:',
    '    type: object',
    '    properties:',
    '      id: {type: string}',
    '',
  ].join('\n');

  it('is linted, not refused, with a note that it should move to OpenAPI 3.1', async () => {
    const result = await lintText(swagger, '/virtual/swagger.yaml', { cwd: '/virtual' });
    expect(result.convertedFrom).toBe('Swagger 2.0');
    expect(result.openapi).toMatch(/^3\.1\./);
    const note = result.findings.find((f) => f.location.jsonPath === '$.swagger');
    expect(note).toMatchObject({ checkId: 'open-api-version', severity: 'warn', location: { line: 1 } });
    expect(note?.message).toMatch(
      /Swagger 2\.0 .*converted to OpenAPI 3\.1.*Move the description to OpenAPI 3\.1/,
    );
  });

  it('fires the credentials-in-query rule at the line of the original file', async () => {
    const result = await lintText(swagger, '/virtual/swagger.yaml', { cwd: '/virtual' });
    const finding = result.findings.find((f) => f.checkId === 'secure-no-credentials-in-query');
    expect(finding?.location).toMatchObject({ source: 'swagger.yaml' });
    // The scheme at securityDefinitions.apiKey (lines 8 to 11), not a line of the converted document.
    expect(finding?.location.jsonPath).toMatch(/^\$\.securityDefinitions\.apiKey/);
    expect(finding?.location.line).toBeGreaterThanOrEqual(8);
    expect(finding?.location.line).toBeLessThanOrEqual(11);
  });

  it('points findings in definitions and paths at their Swagger lines', async () => {
    const result = await lintText(swagger, '/virtual/swagger.yaml', { cwd: '/virtual' });
    for (const finding of result.findings) {
      expect(finding.location.jsonPath, finding.checkId).not.toMatch(/components|requestBody|content/);
    }
    const classified = result.findings.find((f) => f.checkId === 'personal-data-operation-classified');
    expect(classified?.location).toMatchObject({ jsonPath: "$.paths['/lettings'].get", line: 16 });
  });

  // The real description sits beside the repository, not in it (as in test/real-world.test.ts).
  it.skipIf(!existsSync(realWorld))(
    'reads Open311 GeoReport v2, a real Swagger 2.0 description, and finds its API key in the query',
    async () => {
      const path = join(realWorld, 'open311-georeport-v2.yaml');
      const result = await lintDescription(path);
      expect(result.convertedFrom).toBe('Swagger 2.0');
      const inQuery = result.findings.find((f) => f.checkId === 'secure-no-credentials-in-query');
      expect(inQuery?.location.jsonPath).toBe('$.securityDefinitions.api_key.in');
      expect(inQuery?.location.line).toBe(28);
    },
  );
});

describe('Swagger 2.0 split over several files', () => {
  /** The entry's operations; `produces` and `consumes` are the entry's, as the shared files have none. */
  const entry = (produces: string, consumes = 'application/json') =>
    [
      'swagger: "2.0"',
      'info: {title: Pets, version: 1.0.0}',
      'host: api.example.gov.uk',
      'schemes: [https]',
      `produces: [${produces}]`,
      `consumes: [${consumes}]`,
      'paths:',
      '  /pets:',
      '    $ref: "pets.yaml"',
      '  /pets/{id}:',
      '    put:',
      '      operationId: replacePet',
      '      parameters:',
      '        - $ref: "common.yaml#/parameters/id"',
      '        - $ref: "common.yaml#/parameters/PetBody"',
      '      responses:',
      '        "200": {description: The pet., schema: {$ref: "common.yaml#/definitions/Pet"}}',
      '        "404": {$ref: "common.yaml#/responses/NotFound"}',
      '',
    ].join('\n');
  const common = [
    'parameters:', // 1
    '  id: {name: id, in: path, required: true, type: string}',
    '  PetBody:',
    '    name: body',
    '    in: body',
    '    required: true',
    '    schema: {$ref: "#/definitions/Pet"}',
    'definitions:', // 8
    '  Pet:',
    '    type: object',
    '    properties:',
    '      id: {type: string}',
    '  Problem:',
    '    type: object',
    '    properties:',
    '      title: {type: string}',
    'responses:', // 17
    '  NotFound:',
    '    description: Not found.',
    '    schema: {$ref: "#/definitions/Problem"}',
    '',
  ].join('\n');
  const pets = [
    'get:',
    '  operationId: listPets',
    '  responses:',
    '    "200":',
    '      description: The pets.',
    '      schema: {type: array, items: {$ref: "common.yaml#/definitions/Pet"}}',
    '    "500": {$ref: "common.yaml#/responses/NotFound"}',
    '',
  ].join('\n');
  async function writeSplit(produces: string, consumes?: string, commonText = common) {
    const dir = await mkdtemp(join(tmpdir(), 'conform-swagger-'));
    await writeFile(join(dir, 'swagger.yaml'), entry(produces, consumes));
    await writeFile(join(dir, 'common.yaml'), commonText);
    await writeFile(join(dir, 'pets.yaml'), pets);
    return dir;
  }
  async function lintSplit(produces: string, consumes?: string, commonText = common) {
    const dir = await writeSplit(produces, consumes, commonText);
    return lintDescription(join(dir, 'swagger.yaml'), { cwd: dir });
  }

  it('finds what `conform bundle`’s one file of it finds', async () => {
    const dir = await writeSplit('application/json', 'application/xml');
    const split = await lintDescription(join(dir, 'swagger.yaml'), { cwd: dir });
    const { document } = await bundleDocument(join(dir, 'swagger.yaml'));
    expect(document.swagger).toBe('2.0');
    const bundled = await lintText(JSON.stringify(document), join(dir, 'bundle.json'), { cwd: dir });
    const judged = (result: typeof split) => result.findings.map((f) => `${f.checkId}: ${f.message}`).sort();
    expect(judged(split)).toEqual(judged(bundled));
    expect(judged(split)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^open-standards-problem-details: The 404 response is application\/json/),
        expect.stringMatching(/^open-standards-media-types: Media type application\/xml is XML/),
      ]),
    );
  });

  it('follows a shared file’s $ref back into the entry as it was written (#/definitions/…)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'conform-swagger-'));
    const back = [
      'swagger: "2.0"',
      'info: {title: Pets, version: 1.0.0}',
      'produces: [application/json]',
      'paths:',
      '  /pets:',
      '    get:',
      '      operationId: listPets',
      '      responses:',
      '        "200": {$ref: "common.yaml#/responses/Pets"}',
      'definitions:',
      '  Pet: {type: object, properties: {id: {type: string}}}',
      'parameters:',
      '  limit: {name: limit, in: query, type: integer}',
      '',
    ].join('\n');
    await writeFile(join(dir, 'swagger.yaml'), back);
    await writeFile(
      join(dir, 'common.yaml'),
      'responses:\n  Pets:\n    description: Pets.\n    schema: {type: array, items: {$ref: "swagger.yaml#/definitions/Pet"}}\n',
    );
    const result = await lintDescription(join(dir, 'swagger.yaml'), { cwd: dir });
    const about = (id: string) =>
      result.findings.filter((f) => f.checkId === id).map((f) => f.location.jsonPath);
    expect(about('invalid-ref')).toEqual([]);
    // Pet is used (through the shared file); limit is not, and is still reported.
    expect(about('oas3-unused-component')).toEqual(['$.parameters.limit']);
  });

  it('judges a shared response by the body its `schema` describes, not as a response with none', async () => {
    // Converted as the entry's own responses are, the shared 404 and 500 are problem details.
    const clean = await lintSplit('application/problem+json');
    expect(clean.findings.filter((f) => f.checkId === 'open-standards-problem-details')).toEqual([]);
    const json = await lintSplit('application/json');
    const errors = json.findings.filter((f) => f.checkId === 'open-standards-problem-details');
    expect(errors.map((f) => f.message)).toEqual([
      expect.stringMatching(/^The 500 response is application\/json:/),
      expect.stringMatching(/^The 404 response is application\/json:/),
    ]);
    for (const finding of errors)
      expect(finding.location).toMatchObject({
        source: 'common.yaml',
        line: 18,
        jsonPath: '$.responses.NotFound',
      });
  });

  it('reports a broken $ref inside a converted shared response at the line it is written on', async () => {
    const broken = common.replace(
      'schema: {$ref: "#/definitions/Problem"}',
      'schema: {$ref: "#/definitions/Gone"}',
    );
    const result = await lintSplit('application/problem+json', undefined, broken);
    const invalid = result.findings.filter((f) => f.checkId === 'invalid-ref');
    expect(invalid.map((f) => f.location)).toEqual([
      expect.objectContaining({
        source: 'common.yaml',
        line: 20,
        jsonPath: '$.responses.NotFound.schema.$ref',
      }),
    ]);
  });

  it('holds what the shared files hold to the OpenAPI schema, as converted, at their Swagger lines', async () => {
    const broken = common
      .replace(
        '  id: {name: id, in: path, required: true, type: string}',
        '  id: {name: id, in: paht, required: true, type: string}',
      )
      .replace('    description: Not found.', '    x-note: no description');
    const result = await lintSplit('application/problem+json', undefined, broken);
    const structure = result.findings.filter((f) => f.checkId === 'oas3-schema');
    expect(
      structure.map((f) => [f.location.source, f.location.line, f.location.jsonPath, f.message]),
    ).toEqual([
      [
        'common.yaml',
        2,
        '$.parameters.id.in',
        expect.stringMatching(/^"in" property must be equal to one of .*Did you mean "path"\?$/),
      ],
      [
        'common.yaml',
        18,
        '$.responses.NotFound',
        '"NotFound" property must have required property "description"',
      ],
    ]);
  });

  it('makes a body parameter written in a shared file the request body of the operation naming it', async () => {
    const result = await lintSplit('application/problem+json', 'application/xml');
    const xml = result.findings.filter((f) => f.checkId === 'open-standards-media-types');
    expect(xml.map((f) => f.message)).toEqual([expect.stringMatching(/application\/xml is XML/)]);
    // At the `$ref` that names it, the line the supplier wrote.
    expect(xml[0]?.location).toMatchObject({
      source: 'swagger.yaml',
      line: 15,
      jsonPath: "$.paths['/pets/{id}'].put.parameters[1]",
    });
  });

  it('converts a path item written in another file, and maps its findings back to the lines there', async () => {
    const result = await lintSplit('application/xml');
    const xml = result.findings.filter(
      (f) => f.checkId === 'open-standards-media-types' && f.location.source === 'pets.yaml',
    );
    // The 200's `schema` became `content` for each type the entry produces; as in the entry, a media type
    // the conversion made is reported at the response it was made for.
    expect(xml.map((f) => f.location)).toEqual([
      expect.objectContaining({ line: 4, jsonPath: "$.get.responses['200']" }),
    ]);
    for (const finding of result.findings)
      expect(finding.location.jsonPath, finding.checkId).not.toMatch(/components|requestBody|content/);
  });
});

describe('a description split over files is judged as the same description in one file', () => {
  /** Lints the entry as written, then `conform bundle`'s one file of it: the findings must be the same. */
  async function splitAndBundled(files: Record<string, string>, entry: string) {
    const dir = await mkdtemp(join(tmpdir(), 'conform-split-'));
    for (const [name, text] of Object.entries(files)) {
      await mkdir(join(dir, name, '..'), { recursive: true });
      await writeFile(join(dir, name), text);
    }
    const split = await lintDescription(join(dir, entry), { cwd: dir });
    const { document } = await bundleDocument(join(dir, entry));
    const bundled = await lintText(JSON.stringify(document, null, 2), join(dir, 'bundle.json'), { cwd: dir });
    const judged = (result: typeof split) => result.findings.map((f) => `${f.checkId}: ${f.message}`).sort();
    return { split: judged(split), bundled: judged(bundled), splitResult: split };
  }

  it('OpenAPI 3.1: schemas, parameters, responses and a path item in other files hide nothing', async () => {
    const { split, bundled, splitResult } = await splitAndBundled(
      {
        'openapi.yaml': [
          'openapi: 3.1.0',
          'info: {title: Split, version: 1.0.0}',
          'paths:',
          '  /things:',
          '    $ref: "paths/things.yaml"',
          '  /things/{id}:',
          '    get:',
          '      operationId: getThing',
          '      parameters: [{$ref: "shared.yaml#/components/parameters/Id"}]',
          '      responses:',
          '        "200":',
          '          description: The thing.',
          '          content: {application/json: {schema: {$ref: "shared.yaml#/components/schemas/Thing"}}}',
          '        "404": {$ref: "shared.yaml#/components/responses/NotFound"}',
          '',
        ].join('\n'),
        'paths/things.yaml': [
          'get:',
          '  operationId: listThings',
          '  responses:',
          '    "200":',
          '      description: Things.',
          '      content:',
          '        application/json:',
          '          schema: {type: array, items: {$ref: "../shared.yaml#/components/schemas/Thing"}}',
          '',
        ].join('\n'),
        'shared.yaml': [
          'components:',
          '  parameters:',
          '    Id: {name: id, in: path, required: true, schema: {type: string}}',
          '  schemas:',
          '    Thing:',
          '      type: object',
          '      properties:',
          '        id: {type: string}',
          '        uprn: {type: string}',
          '        created_date: {type: string}',
          '  responses:',
          '    NotFound: {description: Not found., content: {application/json: {schema: {type: object}}}}',
          '',
        ].join('\n'),
      },
      'openapi.yaml',
    );
    expect(split).toEqual(bundled);
    // The faults seeded in the shared file are found in the split description, not only in the bundle.
    for (const seeded of [
      'open-standards-identifiers',
      'open-standards-dates',
      'open-standards-problem-details',
    ])
      expect(
        split.some((finding) => finding.startsWith(`${seeded}: `)),
        seeded,
      ).toBe(true);
    // A schema rule's finding about a schema in another file lands where this file first takes it in:
    // the path item /things, whose own file refers to the schema.
    const uprn = splitResult.findings.find((f) => f.checkId === 'open-standards-identifiers');
    expect(uprn?.location).toMatchObject({ source: 'openapi.yaml', line: 4, jsonPath: "$.paths['/things']" });
  });
});

describe('the structure of what other files hold', () => {
  it('holds a parameter, a response and a path item in other files to the OpenAPI schema, at their lines', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'conform-structure-'));
    const files = {
      // /b takes in a response that lies inside /a's path item: it is judged once, with the path item.
      'openapi.yaml': [
        'openapi: 3.1.0',
        'info: {title: T, version: 1.0.0}',
        'paths:',
        '  /a:',
        '    $ref: "paths.yaml#/a"',
        '  /b:',
        '    get:',
        '      operationId: getB',
        '      responses:',
        '        "404": {$ref: "paths.yaml#/a/get/responses/404"}',
        '',
      ].join('\n'),
      'paths.yaml': [
        'a:',
        '  get:',
        '    operationId: getA',
        '    colour: blue',
        '    parameters: [{$ref: "shared.yaml#/components/parameters/Q"}]',
        '    responses:',
        '      "200": {$ref: "shared.yaml#/components/responses/Ok"}',
        '      "404": {content: {application/problem+json: {schema: {type: object}}}}',
        '',
      ].join('\n'),
      'shared.yaml': [
        'components:',
        '  parameters:',
        '    Q: {name: q, in: querystring, schema: {type: string}}',
        '  responses:',
        '    Ok:',
        '      content: {application/json: {schema: {type: object}}}',
        '',
      ].join('\n'),
    };
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
    const result = await lintDescription(join(dir, 'openapi.yaml'), { cwd: dir });
    const structure = result.findings.filter((f) => f.checkId === 'oas3-schema');
    expect(
      structure.map((f) => [f.location.source, f.location.line, f.location.jsonPath, f.message]),
    ).toEqual([
      ['paths.yaml', 2, '$.a.get', '"get" property must not have unevaluated properties'],
      [
        'paths.yaml',
        8,
        "$.a.get.responses['404']",
        '"404" property must have required property "description"',
      ],
      [
        'shared.yaml',
        3,
        '$.components.parameters.Q.in',
        expect.stringMatching(/^"in" property must be equal to one of/),
      ],
      [
        'shared.yaml',
        5,
        '$.components.responses.Ok',
        '"Ok" property must have required property "description"',
      ],
    ]);
  });
});

describe('every $ref followed', () => {
  it('follows references to non-standard places and reports a broken one there', async () => {
    const document = withChange((d) => {
      d.components.definitions = {
        Thing: { type: 'object', properties: { part: { $ref: '#/components/definitions/Missing' } } },
      };
      d.components.schemas.Record.properties.thing = { $ref: '#/components/definitions/Thing' };
    });
    const text = JSON.stringify(document, null, 2);
    const result = await lintText(text, '/virtual/openapi.json');
    const broken = result.findings.filter((f) => f.checkId === 'invalid-ref');
    expect(broken.map((f) => f.location.jsonPath)).toEqual([
      '$.components.definitions.Thing.properties.part.$ref',
    ]);
    expect(broken[0]?.message).toMatch(
      /points at nothing: \/components\/definitions\/Missing does not exist in this file/,
    );
    expect(broken[0]?.location.line).toBe(
      text.split('\n').findIndex((line) => line.includes('#/components/definitions/Missing')) + 1,
    );
  });

  it('follows a reference into the middle of another file, and names a file that cannot be read', async () => {
    const result = await lintBeside(
      { 'common.yaml': 'definitions:\n  Uprn: {type: string, pattern: "^\\\\d{1,12}$"}\n' },
      (d) => {
        d.components.schemas.Record.properties.uprn = { $ref: 'common.yaml#/definitions/Uprn' };
        d.components.schemas.Record.properties.usrn = { $ref: 'absent.yaml#/Usrn' };
      },
    );
    const broken = result.findings.filter((f) => f.checkId === 'invalid-ref');
    expect(broken).toHaveLength(1);
    expect(broken[0]?.message).toMatch(
      /\$ref "absent\.yaml#\/Usrn" cannot be followed: cannot read .*absent\.yaml: no such file/,
    );
  });

  it('reports a $ref cycle across files, with the files named', async () => {
    const result = await lintBeside(
      { 'other.yaml': 'Loop:\n  $ref: "openapi.json#/components/schemas/Back"\n' },
      (d) => {
        d.components.schemas.Back = { $ref: 'other.yaml#/Loop' };
        d.components.schemas.Record.properties.loop = { $ref: '#/components/schemas/Back' };
      },
    );
    const cycles = result.findings.filter((f) => f.checkId === 'open-api-no-ref-cycles');
    expect(cycles).toHaveLength(1);
    expect(cycles[0]?.message).toMatch(
      /^Circular \$ref across files: .*other\.yaml#\/Loop.*never reaches a schema/,
    );
    expect(cycles[0]?.severity).toBe('error');
  });

  it('keeps a recursive schema across files as it is: a tree is not a cycle', async () => {
    const result = await lintBeside(
      {
        'tree.yaml':
          'Node:\n  type: object\n  properties:\n    children:\n      type: array\n      items: {$ref: "openapi.json#/components/schemas/Tree"}\n',
      },
      (d) => {
        d.components.schemas.Tree = { $ref: 'tree.yaml#/Node' };
        d.components.schemas.Record.properties.tree = { $ref: '#/components/schemas/Tree' };
      },
    );
    expect(
      result.findings.filter((f) => f.checkId === 'open-api-no-ref-cycles' || f.checkId === 'invalid-ref'),
    ).toEqual([]);
  });
});

describe('several descriptions in one run', () => {
  it('lints the ten reference specs and adds up their findings', { timeout: BUDGET.heavy }, async () => {
    const paths = listSpecIds().map((id) => join(specDir(id), 'openapi.yaml'));
    expect(paths).toHaveLength(10);
    const report = await lintDescriptions(paths);
    expect(report.failures).toEqual([]);
    expect(report.results.map((result) => result.source)).toEqual(
      paths.map((path) => expect.stringContaining(path.split('/').slice(-2).join('/'))),
    );
    const sum = report.results.reduce((total, result) => total + result.counts.warn + result.counts.error, 0);
    expect(report.counts.warn + report.counts.error).toBe(sum);
  });

  it('goes on past a description it cannot judge, and says why', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'conform-several-'));
    await writeFile(join(dir, 'clean.json'), JSON.stringify(cleanDocument()));
    await writeFile(join(dir, 'bomb.yaml'), ALIAS_BOMB);
    const report = await lintDescriptions(['bomb.yaml', 'clean.json', 'absent.yaml'], { cwd: dir });
    expect(report.results.map((result) => result.source)).toEqual(['clean.json']);
    expect(report.failures.map((failure) => [failure.source, failure.code])).toEqual([
      ['bomb.yaml', 'DOCUMENT_TOO_LARGE'],
      ['absent.yaml', 'DOCUMENT_UNREADABLE'],
    ]);
  });
});

describe('URL inputs', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === '/missing')
        response.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not found</h1>');
      else if (request.url === '/page')
        response
          .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
          .end('<html><body>Docs</body></html>');
      else if (request.url === '/stalls')
        response.writeHead(200, { 'content-type': 'application/json' }).write('{"openapi":');
      // /silent never answers.
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('names the status and content type of a refusal', async () => {
    const error = await refusal(() => lintDescription(`${base}/missing`));
    expect(error.message).toBe(
      `${base}/missing: the server answered 404 Not Found (text/html), not a description.`,
    );
  });

  it('names the content type when what came back is not a description', async () => {
    const error = await refusal(() => lintDescription(`${base}/page`));
    expect(error.code).toBe('DOCUMENT_NOT_OPENAPI');
    expect(error.message).toMatch(
      /\(The server answered 200 with content type text\/html; charset=utf-8\.\)$/,
    );
  });

  it.each([
    ['/silent', 'waiting for the response headers'],
    ['/stalls', 'reading the response body'],
  ])('names the time limit that ran out for %s', { timeout: BUDGET.unit }, async (path, phase) => {
    const error = await refusal(() => readDocumentText(`${base}${path}`, { timeoutMs: 500 }));
    expect(error.message).toBe(
      `${base}${path}: the 0.5 s time limit for fetching a description ran out while ${phase}.`,
    );
  });
});

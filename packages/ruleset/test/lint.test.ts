import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasErrors, lintDescription, lintText } from '../src/index.ts';
import { documentError } from './support/document-error.ts';
import { cleanDocument, withChange } from './support/documents.ts';

describe('inputs that cannot be judged', () => {
  it('a YAML syntax error says where parsing stopped', async () => {
    const text =
      'openapi: 3.1.0\ninfo:\n  title: Broken\n  version: 1.0.0\npaths:\n  /a:\n    get: [unclosed\n  /b: {}\n';
    const error = await documentError(() => lintText(text, '/virtual/broken.yaml'));
    expect(error.code).toBe('DOCUMENT_SYNTAX');
    expect(error.location?.line).toBeGreaterThanOrEqual(7);
    expect(error.message).toMatch(/^\/virtual\/broken\.yaml:\d+:\d+: not valid YAML/);
    expect(error.message).not.toMatch(/\n\s+at /);
  });

  it('a JSON syntax error says where parsing stopped', async () => {
    const error = await documentError(() =>
      lintText('{"openapi": "3.1.0",, "info": {}}', '/virtual/broken.json'),
    );
    expect(error.code).toBe('DOCUMENT_SYNTAX');
    expect(error.location).toEqual({ line: 1, column: expect.any(Number) });
  });

  it('a Swagger version other than 2.0 is named, with what conform lint reads', async () => {
    const error = await documentError(() =>
      lintText('swagger: "1.2"\ninfo: {title: Old, version: "1"}\npaths: {}\n', '/virtual/swagger.yaml'),
    );
    expect(error.code).toBe('DOCUMENT_SWAGGER_2');
    expect(error.message).toMatch(
      /"swagger: 1\.2" is no Swagger version conform lint can read; it reads Swagger 2\.0/,
    );
  });

  it.each([
    ['a list', '[1, 2]', /found a list/],
    ['an empty file', '', /found nothing/],
    ['an AsyncAPI document', 'asyncapi: 2.6.0\ninfo: {title: x, version: "1"}\n', /has "asyncapi" instead/],
    [
      'an unquoted numeric version',
      'openapi: 3.1\ninfo: {title: x, version: "1"}\npaths: {}\n',
      /not an OpenAPI 3 version/,
    ],
    ['OpenAPI 4', 'openapi: 4.0.0\ninfo: {title: x, version: "1"}\npaths: {}\n', /not an OpenAPI 3 version/],
  ])('%s is not OpenAPI', async (_name, text, message) => {
    const error = await documentError(() => lintText(text, '/virtual/other.yaml'));
    expect(error.code).toBe('DOCUMENT_NOT_OPENAPI');
    expect(error.message).toMatch(message);
  });

  it('a file that is not there is unreadable', async () => {
    const error = await documentError(() => lintDescription('/virtual/nowhere/openapi.yaml'));
    expect(error.code).toBe('DOCUMENT_UNREADABLE');
    expect(error.message).toMatch(/no such file/);
  });
});

describe('references', () => {
  it('an unresolvable $ref is a finding at the $ref, not a crash', async () => {
    const document = withChange((d) => {
      d.paths['/records/{id}'].get.responses['200'].content['application/json'].schema = {
        $ref: '#/components/schemas/Missing',
      };
    });
    const result = await lintText(JSON.stringify(document, null, 2), '/virtual/openapi.json');
    const finding = result.findings.find((f) => f.checkId === 'invalid-ref');
    expect(finding?.location.jsonPath).toBe(
      "$.paths['/records/{id}'].get.responses['200'].content['application/json'].schema.$ref",
    );
    expect(finding?.location.line).toBeGreaterThan(1);
    expect(hasErrors(result)).toBe(true);
  });

  it('a circular $ref is a finding with the cycle spelled out', async () => {
    const text = [
      'openapi: 3.1.0',
      'info: {title: Loop, version: 1.0.0}',
      'paths: {}',
      'components:',
      '  schemas:',
      '    A: {$ref: "#/components/schemas/B"}',
      '    B: {$ref: "#/components/schemas/A"}',
      '',
    ].join('\n');
    const result = await lintText(text, '/virtual/loop.yaml');
    const cycle = result.findings.find((f) => f.checkId === 'open-api-no-ref-cycles');
    expect(cycle?.message).toMatch(
      /#\/components\/schemas\/A → #\/components\/schemas\/B → #\/components\/schemas\/A/,
    );
    expect(cycle?.location.line).toBe(6);
  });

  it('follows relative file references and reports findings in the file they are in', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'conform-lint-'));
    const shared = [
      'components:',
      '  responses:',
      '    Gone:',
      '      description: Not here.',
      '      content:',
      '        application/json:',
      '          schema: {type: object}',
      '',
    ].join('\n');
    await writeFile(join(dir, 'shared.yaml'), shared);
    const document = withChange((d) => {
      d.paths['/records/{id}'].get.responses['404'] = { $ref: 'shared.yaml#/components/responses/Gone' };
    });
    await writeFile(join(dir, 'openapi.json'), JSON.stringify(document, null, 2));
    const result = await lintDescription(join(dir, 'openapi.json'), { cwd: dir });
    expect(result.source).toBe('openapi.json');
    const finding = result.findings.find((f) => f.checkId === 'open-standards-problem-details');
    expect(finding?.location).toMatchObject({
      source: 'shared.yaml',
      line: 5,
      jsonPath: '$.components.responses.Gone.content',
    });
  });

  describe('over http', () => {
    let server: Server;
    let base: string;
    const requests: string[] = [];
    beforeAll(async () => {
      server = createServer((request, response) => {
        requests.push(request.url ?? '');
        if (request.url === '/openapi.json') {
          const document = withChange((d) => {
            d.components.schemas.Record.properties.uprn = { $ref: 'schemas.json#/Uprn' };
            d.components.schemas.Record.properties.usrn = { $ref: `${base}/more.json#/Usrn` };
          });
          response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(document));
        } else {
          response.writeHead(200, { 'content-type': 'application/json' }).end('{"Uprn": {"type": "string"}}');
        }
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('reads the description from a URL and reports its remote references without fetching them', async () => {
      const result = await lintDescription(`${base}/openapi.json`);
      expect(requests).toEqual(['/openapi.json']);
      const remote = result.findings.filter((f) => f.checkId === 'open-api-self-contained');
      expect(remote.map((f) => f.location.jsonPath).sort()).toEqual([
        '$.components.schemas.Record.properties.uprn.$ref',
        '$.components.schemas.Record.properties.usrn.$ref',
      ]);
      expect(result.findings.filter((f) => f.checkId === 'invalid-ref')).toEqual([]);
    });
  });
});

describe('the result', () => {
  it('a clean description has no findings and names every rule that ran', async () => {
    const result = await lintText(JSON.stringify(cleanDocument()), '/virtual/openapi.json');
    expect(result.findings).toEqual([]);
    expect(result.counts).toEqual({ error: 0, warn: 0, info: 0, hint: 0 });
    expect(result.openapi).toBe('3.1.0');
    const ids = result.rules.map((rule) => rule.id);
    expect(ids).toContain('oas3-schema');
    expect(ids).toContain('invalid-ref');
    expect(ids).not.toContain('oas2-schema');
    expect(ids).not.toContain('open-api-profile-operations');
    expect(result.rules.find((rule) => rule.id === 'personal-data-not-in-url')).toEqual({
      id: 'personal-data-not-in-url',
      clause: 'personal-data',
      severity: 'error',
      description: expect.stringMatching(/path or query parameter/),
      docs: expect.stringMatching(/ruleset\.md#personal-data-not-in-url$/),
    });
  });

  it('findings carry clause, severity, status, pointer, JSON path, line and docs link, in clause order', async () => {
    const document = withChange((d) => {
      d.info.version = 'v2';
      d.servers = [{ url: 'http://api.example.gov.uk' }];
      delete d.paths['/records'].get.summary;
    });
    const text = JSON.stringify(document, null, 2);
    const result = await lintText(text, '/virtual/openapi.json', { cwd: '/virtual' });
    const serverLine = text.split('\n').findIndex((line) => line.includes('"http://api.example.gov.uk"')) + 1;
    expect([...new Set(result.findings.map((finding) => finding.clause))]).toEqual([
      'open-api',
      'secure',
      'transparent',
    ]);
    const secure = result.findings.find((f) => f.checkId === 'secure-https-servers');
    expect(secure).toMatchObject({
      clause: 'secure',
      severity: 'error',
      status: 'fail',
      location: {
        source: 'openapi.json',
        pointer: '/servers/0/url',
        jsonPath: '$.servers[0].url',
        line: serverLine,
      },
      evidence: { ruleset: 'council' },
      docs: 'https://github.com/council-conform/council-conform/blob/main/docs/ruleset.md#secure-https-servers',
    });
    expect(result.counts.error).toBe(3);
  });

  it('with a profile, reports each required operation the description lacks', async () => {
    const result = await lintText(JSON.stringify(cleanDocument()), '/virtual/openapi.json', {
      profile: { id: 'housing-repairs', requiredOperations: ['listRecords', 'listRepairs', 'getRepair'] },
    });
    expect(result.profile).toBe('housing-repairs');
    expect(result.findings.map((f) => f.message)).toEqual([
      'Profile housing-repairs requires operation listRepairs, which this description lacks.',
      'Profile housing-repairs requires operation getRepair, which this description lacks.',
    ]);
  });
});

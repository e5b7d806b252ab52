import { cleanDocument, withChange } from '../support/documents.ts';
import { testRule } from '../support/rule-tester.ts';

const listRecords = ['paths', '/records', 'get'];

testRule('open-api-version', [
  { name: 'OpenAPI 3.1 passes', document: cleanDocument(), errors: [] },
  {
    name: 'OpenAPI 3.0 is accepted with a warning',
    document: withChange((d) => {
      d.openapi = '3.0.3';
    }),
    errors: [{ path: ['openapi'], message: /3\.0 is accepted/ }],
  },
]);

testRule('open-api-operation-summary', [
  { name: 'operations with summaries pass', document: cleanDocument(), errors: [] },
  {
    name: 'an operation without a summary fails',
    document: withChange((d) => {
      delete d.paths['/records'].get.summary;
    }),
    errors: [{ path: listRecords, message: /no summary/ }],
  },
]);

testRule('open-api-error-responses', [
  { name: '4xx and 5xx described passes', document: cleanDocument(), errors: [] },
  {
    name: 'ranges 4XX and 5XX count',
    document: withChange((d) => {
      const responses = d.paths['/records'].get.responses;
      responses['4XX'] = responses['400'];
      responses['5XX'] = responses['500'];
      delete responses['400'];
      delete responses['500'];
    }),
    errors: [],
  },
  {
    name: 'no 5xx response fails',
    document: withChange((d) => {
      delete d.paths['/records'].get.responses['500'];
    }),
    errors: [{ path: [...listRecords, 'responses'], message: /No 5xx response/ }],
  },
  {
    name: 'only a default response fails',
    document: withChange((d) => {
      const responses = d.paths['/records'].get.responses;
      d.paths['/records'].get.responses = { '200': responses['200'], default: responses['500'] };
    }),
    errors: [{ path: [...listRecords, 'responses'], message: /No 4xx or 5xx.*default/ }],
  },
]);

testRule('open-api-body-schemas', [
  { name: 'bodies with schemas pass', document: cleanDocument(), errors: [] },
  {
    name: 'a response media type without a schema fails',
    document: withChange((d) => {
      delete d.paths['/records'].get.responses['200'].content['text/csv; charset=utf-8'].schema;
    }),
    errors: [{ path: [...listRecords, 'responses', '200', 'content', 'text/csv; charset=utf-8'] }],
  },
  {
    name: 'a request body without a schema fails',
    document: withChange((d) => {
      d.paths['/exports'].post.requestBody.content['application/json'] = {};
    }),
    errors: [{ path: ['paths', '/exports', 'post', 'requestBody', 'content', 'application/json'] }],
  },
]);

testRule('open-api-self-contained', [
  { name: 'local references pass', document: cleanDocument(), errors: [] },
  {
    name: 'a reference to another server fails',
    document: withChange((d) => {
      d.components.schemas.Record.properties.uprn = { $ref: 'https://schemas.example.org/uprn.json' };
    }),
    errors: [
      { path: ['components', 'schemas', 'Record', 'properties', 'uprn', '$ref'], message: /not fetched/ },
    ],
  },
  {
    name: 'a relative file reference is remote when the description came from a URL',
    source: 'https://api.example.gov.uk/openapi.json',
    document: withChange((d) => {
      d.components.schemas.Record.properties.uprn = { $ref: 'schemas.json#/Uprn' };
    }),
    errors: [{ path: ['components', 'schemas', 'Record', 'properties', 'uprn', '$ref'] }],
  },
  {
    name: 'a "$ref" key inside an example is data, not a reference',
    document: withChange((d) => {
      d.components.schemas.Record.examples = [
        { id: 'r1', modified_at: '2026-01-01T00:00:00Z', $ref: 'https://x' },
      ];
    }),
    errors: [],
  },
]);

testRule('open-api-no-ref-cycles', [
  {
    name: 'a recursive schema (a tree of trees) passes',
    document: withChange((d) => {
      d.components.schemas.Record.properties.children = {
        type: 'array',
        items: { $ref: '#/components/schemas/Record' },
      };
    }),
    errors: [],
  },
  {
    name: 'a chain of references back to itself fails',
    document: withChange((d) => {
      d.components.schemas.Record.properties.uprn = { $ref: '#/components/schemas/Alias' };
      d.components.schemas.Alias = { $ref: '#/components/schemas/Other' };
      d.components.schemas.Other = { $ref: '#/components/schemas/Alias' };
    }),
    errors: [{ path: ['components', 'schemas', 'Alias', '$ref'], message: /Circular \$ref/ }],
  },
]);

testRule('open-api-path-templates', [
  { name: 'templated paths pass', document: cleanDocument(), errors: [] },
  {
    name: 'an Express-style /records/:id fails (MHCLG CORE’s /logs/:id)',
    document: withChange((d) => {
      d.paths['/records/:id'] = d.paths['/records/{id}'];
      delete d.paths['/records/{id}'];
    }),
    errors: [{ path: ['paths', '/records/:id'], message: /":id".*write "\/records\/\{id\}"/ }],
  },
  {
    name: 'a colon inside a segment (a custom method such as /records:search) passes',
    document: withChange((d) => {
      d.paths['/records:search'] = d.paths['/records'];
      delete d.paths['/records'];
    }),
    errors: [],
  },
]);

testRule('open-api-component-names', [
  {
    name: 'names of letters, digits, dots, dashes and underscores pass',
    document: cleanDocument(),
    errors: [],
  },
  {
    name: 'a security scheme named "API Key - 1" fails (MHCLG CORE)',
    document: withChange((d) => {
      d.components.securitySchemes['API Key - 1'] = d.components.securitySchemes.councilOAuth;
    }),
    errors: [{ path: ['components', 'securitySchemes', 'API Key - 1'], message: /for example "API_Key-1"/ }],
  },
  {
    // `\s*-\s*` tried from every space of these rescanned the run from each: 40 KB took 1 s.
    name: 'a schema named with a megabyte of spaces fails, its suggestion made without backtracking on them',
    document: withChange((d) => {
      d.components.schemas[`Street ${' '.repeat(1_000_000)}Report - 2`] = { type: 'object' };
    }),
    errors: [
      {
        path: ['components', 'schemas', `Street ${' '.repeat(1_000_000)}Report - 2`],
        message: /for example "Street_Report-2"/,
      },
    ],
  },
  {
    name: 'a schema named with angle brackets and a comma fails',
    document: withChange((d) => {
      d.components.schemas['Feature<Geometry,Properties>'] = { type: 'object' };
    }),
    errors: [{ path: ['components', 'schemas', 'Feature<Geometry,Properties>'] }],
  },
  {
    // Split over files (see rule-tester), it is named in the shared file and must fail there too.
    name: 'a schema named with angle brackets that a property takes in fails',
    document: withChange((d) => {
      d.components.schemas['Feature<Geometry>'] = { type: 'object' };
      d.components.schemas.Record.properties.area = { $ref: '#/components/schemas/Feature<Geometry>' };
    }),
    errors: [{ path: ['components', 'schemas', 'Feature<Geometry>'] }],
  },
  {
    name: 'a schema under the non-standard components.definitions named with a space fails',
    document: withChange((d) => {
      d.components.definitions = { 'Street Report': { type: 'object' }, StreetReport_v2: { type: 'object' } };
    }),
    errors: [
      {
        path: ['components', 'definitions', 'Street Report'],
        message: /\(components\.definitions\) is not allowed.*"Street_Report"/,
      },
    ],
  },
  {
    name: 'dotted and dashed names pass',
    document: withChange((d) => {
      d.components.schemas['uk.gov.Record-v2_1'] = { type: 'object' };
    }),
    errors: [],
  },
]);

testRule('open-api-profile-operations', [
  {
    name: 'every required operation present passes',
    profile: { id: 'example', requiredOperations: ['listRecords', 'getRecord', 'startExport'] },
    document: cleanDocument(),
    errors: [],
  },
  {
    name: 'a required operation missing fails',
    profile: { id: 'example', requiredOperations: ['listRecords', 'deleteRecord'] },
    document: cleanDocument(),
    errors: [{ path: ['paths'], message: /Profile example requires operation deleteRecord/ }],
  },
]);

testRule('operation-operationId', [
  {
    name: 'an operation without an operationId is an error',
    document: withChange((d) => {
      delete d.paths['/records'].get.operationId;
    }),
    errors: [{ path: listRecords }],
  },
]);

testRule('oas3-schema', [
  {
    name: 'a path item that is a $ref passes (OpenAPI 3.1)',
    document: withChange((d) => {
      d.components.pathItems = { Records: d.paths['/records'] };
      d.paths['/records'] = { $ref: '#/components/pathItems/Records' };
    }),
    errors: [],
  },
  {
    name: 'a path item with a $ref and an unknown field still fails',
    document: withChange((d) => {
      d.components.pathItems = { Records: d.paths['/records'] };
      d.paths['/records'] = { $ref: '#/components/pathItems/Records', colour: 'blue' };
    }),
    errors: [{ path: ['paths', '/records'] }],
  },
  {
    name: 'a structurally invalid document fails',
    document: withChange((d) => {
      delete d.info.title;
    }),
    errors: [{ path: ['info'], message: /title/ }],
  },
]);

testRule('array-items', [
  {
    name: 'OpenAPI 3.1: an array envelope without items passes',
    document: withChange((d) => {
      d.components.schemas.Page = { type: 'object', properties: { items: { type: 'array' } } };
      d.paths['/records'].get.responses['200'].content['application/json'].schema = {
        allOf: [{ $ref: '#/components/schemas/Page' }],
      };
    }),
    errors: [],
  },
  {
    name: 'OpenAPI 3.0: an array without items fails',
    document: withChange((d) => {
      d.openapi = '3.0.3';
      d.components.schemas.Record.properties.tags = { type: 'array' };
    }),
    errors: [{ path: ['components', 'schemas', 'Record', 'properties', 'tags'] }],
  },
]);

testRule('invalid-ref', [
  {
    name: 'a reference to nothing fails',
    document: withChange((d) => {
      d.components.schemas.Record.properties.uprn = { $ref: '#/components/schemas/Nowhere' };
    }),
    errors: [
      { path: ['components', 'schemas', 'Record', 'properties', 'uprn', '$ref'], message: /does not exist/ },
    ],
  },
  {
    name: 'a reference to a missing file fails and says which file',
    source: '/virtual/openapi.json',
    document: withChange((d) => {
      d.components.schemas.Record.properties.uprn = { $ref: 'shared.yaml#/Uprn' };
    }),
    errors: [
      {
        path: ['components', 'schemas', 'Record', 'properties', 'uprn', '$ref'],
        message: /cannot read .*shared\.yaml: no such file/,
      },
    ],
  },
]);

testRule('parser', [
  {
    name: 'a duplicated key is reported',
    document: `openapi: 3.1.0\ninfo:\n  title: Twice\n  title: Twice again\n  version: 1.0.0\npaths: {}\n`,
    errors: [{ path: ['info', 'title'], message: /Duplicate key/ }],
  },
]);

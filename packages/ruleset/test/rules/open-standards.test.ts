import { cleanDocument, withChange } from '../support/documents.ts';
import { testRule } from '../support/rule-tester.ts';

const record = ['components', 'schemas', 'Record', 'properties'];

testRule('open-standards-dates', [
  { name: 'RFC 3339 dates pass', document: cleanDocument(), errors: [] },
  {
    name: 'a local time with a pattern passes',
    document: withChange((d) => {
      d.components.schemas.Record.properties.opens_at = {
        type: 'string',
        pattern: '^[0-2][0-9]:[0-5][0-9]$',
      };
    }),
    errors: [],
  },
  {
    name: 'a date as free text fails',
    document: withChange((d) => {
      d.components.schemas.Record.properties.decision_date = { type: 'string' };
    }),
    errors: [{ path: [...record, 'decision_date'], message: /string with no format/ }],
  },
  {
    name: 'epoch seconds fail',
    document: withChange((d) => {
      d.components.schemas.Record.properties.updatedAt = { type: 'integer' };
    }),
    errors: [{ path: [...record, 'updatedAt'], message: /is a number/ }],
  },
  {
    name: 'a query parameter for a date without a format fails',
    document: withChange((d) => {
      d.paths['/records'].get.parameters[0].schema = { type: 'string' };
    }),
    errors: [{ path: ['paths', '/records', 'get', 'parameters', 0, 'schema'] }],
  },
]);

testRule('open-standards-identifiers', [
  { name: 'the shared Uprn schema passes', document: cleanDocument(), errors: [] },
  {
    name: 'the shared schema or an explicit empty value passes',
    document: withChange((d) => {
      d.components.schemas.Record.properties.uprn = {
        anyOf: [{ $ref: '#/components/schemas/Uprn' }, { const: '' }],
      };
    }),
    errors: [],
  },
  {
    name: 'a UPRN as a number fails',
    document: withChange((d) => {
      d.components.schemas.Record.properties.uprn = { type: 'integer' };
    }),
    errors: [{ path: [...record, 'uprn'], message: /UPRNs are strings/ }],
  },
  {
    name: 'a USRN with its own pattern fails',
    document: withChange((d) => {
      d.components.schemas.Record.properties.streetUsrn = { type: 'string', pattern: '^[0-9]+$' };
    }),
    errors: [{ path: [...record, 'streetUsrn'], message: /own pattern/ }],
  },
  {
    name: 'a list of GSS codes without the pattern fails at its items',
    document: withChange((d) => {
      d.components.schemas.Record.properties.ward_gss_codes = { type: 'array', items: { type: 'string' } };
    }),
    errors: [{ path: [...record, 'ward_gss_codes', 'items'], message: /GSS code/ }],
  },
  {
    name: 'a uprn query parameter without the pattern fails',
    document: withChange((d) => {
      d.paths['/records'].get.parameters.push({ name: 'uprn', in: 'query', schema: { type: 'string' } });
    }),
    errors: [{ path: ['paths', '/records', 'get', 'parameters', 1, 'schema'] }],
  },
]);

testRule('open-standards-problem-details', [
  { name: 'problem+json errors pass', document: cleanDocument(), errors: [] },
  {
    name: 'a shared error response as plain JSON fails once, where it is written',
    document: withChange((d) => {
      d.components.responses.NotFound.content = {
        'application/json': { schema: { $ref: '#/components/schemas/Problem' } },
      };
    }),
    errors: [
      {
        path: ['components', 'responses', 'NotFound', 'content'],
        message: /404 response is application\/json/,
      },
    ],
  },
  {
    name: 'an error response with no body fails',
    document: withChange((d) => {
      d.paths['/people/{id}'].get.responses['401'] = { description: 'No token.' };
    }),
    errors: [{ path: ['paths', '/people/{id}', 'get', 'responses', '401'], message: /describes no body/ }],
  },
]);

testRule('open-standards-media-types', [
  { name: 'UTF-8 JSON and CSV pass', document: cleanDocument(), errors: [] },
  {
    name: 'CSV without a charset fails',
    document: withChange((d) => {
      const content = d.paths['/records'].get.responses['200'].content;
      content['text/csv'] = content['text/csv; charset=utf-8'];
      delete content['text/csv; charset=utf-8'];
    }),
    errors: [
      {
        path: ['paths', '/records', 'get', 'responses', '200', 'content', 'text/csv'],
        message: /charset=utf-8/,
      },
    ],
  },
  {
    name: 'XML and another charset fail',
    document: withChange((d) => {
      const content = d.paths['/records'].get.responses['200'].content;
      content['application/xml'] = { schema: { type: 'string' } };
      content['application/json; charset=iso-8859-1'] = { schema: { type: 'object' } };
    }),
    errors: [
      {
        path: ['paths', '/records', 'get', 'responses', '200', 'content', 'application/xml'],
        message: /is XML/,
      },
      {
        path: [
          'paths',
          '/records',
          'get',
          'responses',
          '200',
          'content',
          'application/json; charset=iso-8859-1',
        ],
        message: /charset=iso-8859-1/,
      },
    ],
  },
  {
    name: 'a wildcard fails',
    document: withChange((d) => {
      d.paths['/records'].get.responses['200'].content['*/*'] = { schema: { type: 'string' } };
    }),
    errors: [{ path: ['paths', '/records', 'get', 'responses', '200', 'content', '*/*'] }],
  },
]);

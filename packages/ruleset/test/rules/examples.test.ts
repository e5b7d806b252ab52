import { withChange } from '../support/documents.ts';
import { testRule } from '../support/rule-tester.ts';

// Spectral's example rules run through our validExample, which compiles each schema once per description
// (keyed by its text without annotations): these hold that it still finds what Spectral's own finds.

const listMedia = ['paths', '/records', 'get', 'responses', '200', 'content', 'application/json'];
const getMedia = ['paths', '/records/{id}', 'get', 'responses', '200', 'content', 'application/json'];
const record = (uprn: string) => ({ id: 'r1', uprn, modified_at: '2026-01-01T09:30:00Z' });

testRule('oas3-valid-media-example', [
  {
    name: 'an example that fits its schema passes',
    document: withChange((d) => {
      d.paths['/records'].get.responses['200'].content['application/json'].example = {
        items: [record('100023336956')],
        next: null,
      };
    }),
    errors: [],
  },
  {
    name: 'an example that breaks its schema fails, at the value that breaks it',
    document: withChange((d) => {
      d.paths['/records'].get.responses['200'].content['application/json'].example = {
        items: [record('0123 456')],
        next: null,
      };
    }),
    errors: [{ path: [...listMedia, 'example', 'items', '0', 'uprn'], message: /must match pattern/ }],
  },
  {
    name: 'two schemas that differ only in descriptions share a validator, and each example is still judged',
    document: withChange((d) => {
      const schema = (description: string) => ({
        type: 'object',
        description,
        required: ['id'],
        properties: { id: { type: 'string', description: `${description}: id` } },
      });
      const list = d.paths['/records'].get.responses['200'].content['application/json'];
      list.schema = schema('A page');
      list.example = { id: 'a' };
      const one = d.paths['/records/{id}'].get.responses['200'].content['application/json'];
      one.schema = schema('A record');
      one.example = { id: 7 };
    }),
    errors: [{ path: [...getMedia, 'example', 'id'], message: /must be string/ }],
  },
  {
    name: 'a property called "description" is a property, not an annotation: schemas that differ there differ',
    document: withChange((d) => {
      const list = d.paths['/records'].get.responses['200'].content['application/json'];
      list.schema = { type: 'object', properties: { description: { type: 'string' } } };
      list.example = { description: 'words' };
      const one = d.paths['/records/{id}'].get.responses['200'].content['application/json'];
      one.schema = { type: 'object', properties: { description: { type: 'integer' } } };
      one.example = { description: 'words' };
    }),
    errors: [{ path: [...getMedia, 'example', 'description'], message: /must be integer/ }],
  },
  {
    name: 'named examples are judged by value; an external one is not read',
    document: withChange((d) => {
      const one = d.paths['/records/{id}'].get.responses['200'].content['application/json'];
      one.examples = {
        good: { value: record('100023336956') },
        bad: { value: record('x') },
        elsewhere: { externalValue: 'https://example.gov.uk/record.json' },
      };
    }),
    errors: [{ path: [...getMedia, 'examples', 'bad', 'value', 'uprn'] }],
  },
  {
    name: 'a response example may leave out a writeOnly property its schema requires',
    document: withChange((d) => {
      const one = d.paths['/records/{id}'].get.responses['200'].content['application/json'];
      one.schema = {
        type: 'object',
        required: ['id', 'secret'],
        properties: { id: { type: 'string' }, secret: { type: 'string', writeOnly: true } },
      };
      one.example = { id: 'r1' };
    }),
    errors: [],
  },
]);

testRule('oas3-valid-schema-example', [
  {
    name: 'a schema example that fits passes',
    document: withChange((d) => {
      d.components.schemas.Record.example = record('100023336956');
    }),
    errors: [],
  },
  {
    name: 'a schema example that breaks it fails',
    document: withChange((d) => {
      d.components.schemas.Record.example = record('not a uprn');
    }),
    errors: [{ path: ['components', 'schemas', 'Record', 'example', 'uprn'], message: /must match pattern/ }],
  },
  {
    name: 'every value of an example that breaks a pattern is named, an array item by its index',
    document: withChange((d) => {
      d.components.schemas.Codes = {
        type: 'array',
        items: { type: 'string', pattern: '^[A-Z]{2}$' },
        example: ['AB', 'abc', 'CD', '12'],
      };
    }),
    errors: [
      {
        path: ['components', 'schemas', 'Codes', 'example', '1'],
        message: /"1" property must match pattern/,
      },
      {
        path: ['components', 'schemas', 'Codes', 'example', '3'],
        message: /"3" property must match pattern/,
      },
    ],
  },
  {
    // JavaScript's engine takes minutes on forty characters of this; the lint reads fifty thousand at once.
    name: 'a pattern that backtracks without bound is matched in linear time, and the example still judged',
    document: withChange((d) => {
      d.components.schemas.Reference = {
        type: 'string',
        pattern: '^(a+)+$',
        example: `${'a'.repeat(50_000)}!`,
      };
    }),
    errors: [
      {
        path: ['components', 'schemas', 'Reference', 'example'],
        message: /must match pattern "\^\(a\+\)\+\$"/,
      },
    ],
  },
  {
    name: 'a pattern that cannot be matched safely is named',
    document: withChange((d) => {
      d.components.schemas.Reference = { type: 'string', pattern: '^(?=a)(a+)+$', example: 'aaa' };
    }),
    errors: [
      { path: ['components', 'schemas', 'Reference', 'example'], message: /cannot be matched safely/ },
    ],
  },
]);

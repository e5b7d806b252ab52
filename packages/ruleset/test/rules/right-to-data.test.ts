import { cleanDocument, withChange } from '../support/documents.ts';
import { testRule } from '../support/rule-tester.ts';

const startExport = ['paths', '/exports', 'post'];
const downloadFile = ['paths', '/exports/{exportId}/files/{fileName}', 'get'];

testRule('right-to-data-bulk-export', [
  { name: 'the three export operations pass', document: cleanDocument(), errors: [] },
  {
    name: 'no way to start an export fails',
    document: withChange((d) => {
      delete d.paths['/exports'];
    }),
    errors: [{ path: ['paths'], message: /No POST \/exports/ }],
  },
  {
    name: 'no export at all fails once per missing operation',
    document: withChange((d) => {
      for (const path of Object.keys(d.paths)) if (path.startsWith('/exports')) delete d.paths[path];
    }),
    errors: [
      { path: ['paths'], message: /No POST \/exports / },
      { path: ['paths'], message: /No GET \/exports\/\{exportId\} / },
      { path: ['paths'], message: /No GET \/exports\/\{exportId\}\/files/ },
    ],
  },
]);

testRule('right-to-data-export-free', [
  { name: 'free exports pass', document: cleanDocument(), errors: [] },
  {
    name: 'an export that can answer 402 Payment Required fails',
    document: withChange((d) => {
      d.paths['/exports'].post.responses['402'] = {
        ...d.components.responses.BadRequest,
        description: 'Pay first.',
      };
    }),
    errors: [{ path: [...startExport, 'responses', '402'], message: /402 Payment Required/ }],
  },
  {
    name: 'an export request that takes a payment reference fails',
    document: withChange((d) => {
      d.paths['/exports'].post.requestBody.content['application/json'].schema.properties.payment_reference = {
        type: 'string',
      };
    }),
    errors: [
      {
        path: [
          ...startExport,
          'requestBody',
          'content',
          'application/json',
          'schema',
          'properties',
          'payment_reference',
        ],
      },
    ],
  },
  {
    name: 'a price parameter on an export fails',
    document: withChange((d) => {
      d.paths['/exports'].post.parameters = [{ name: 'priceBand', in: 'query', schema: { type: 'string' } }];
    }),
    errors: [{ path: [...startExport, 'parameters', 0] }],
  },
]);

testRule('right-to-data-all-datasets', [
  { name: 'an export listing every dataset passes', document: cleanDocument(), errors: [] },
  {
    name: 'an export that names no datasets (so covers all) passes',
    document: withChange((d) => {
      d.paths['/exports'].post.requestBody.content['application/json'].schema.properties.datasets.items = {
        type: 'string',
      };
    }),
    errors: [],
  },
  {
    name: 'an export that leaves a dataset out fails',
    document: withChange((d) => {
      d.paths['/exports'].post.requestBody.content['application/json'].schema.properties.datasets.items.enum =
        ['records'];
    }),
    errors: [
      {
        path: [
          ...startExport,
          'requestBody',
          'content',
          'application/json',
          'schema',
          'properties',
          'datasets',
          'items',
          'enum',
        ],
        message: /leaves out people/,
      },
    ],
  },
]);

testRule('easy-exit-open-formats', [
  { name: 'NDJSON and CSV files pass', document: cleanDocument(), errors: [] },
  {
    name: 'a download that only redirects to a pre-signed URL passes (baseline 1.1 §11)',
    document: withChange((d) => {
      const responses = d.paths['/exports/{exportId}/files/{fileName}'].get.responses;
      delete responses['200'];
      responses['302'] = {
        description: 'The file is at a short-lived URL that needs no credentials.',
        headers: { Location: { schema: { type: 'string', format: 'uri' } } },
      };
    }),
    errors: [],
  },
  {
    name: 'a spreadsheet instead of CSV fails twice: the format, and CSV missing',
    document: withChange((d) => {
      const content = d.paths['/exports/{exportId}/files/{fileName}'].get.responses['200'].content;
      delete content['text/csv; charset=utf-8; header=present'];
      content['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'] = {
        schema: { type: 'string', contentEncoding: 'base64' },
      };
    }),
    errors: [
      {
        path: [
          ...downloadFile,
          'responses',
          '200',
          'content',
          'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        ],
        message: /open formats/,
      },
      { path: [...downloadFile, 'responses', '200'], message: /does not offer CSV/ },
    ],
  },
]);

/**
 * A description of any size that lints clean: the small clean document plus as many generated datasets
 * (a list and a get operation, a record schema with thirty fields and an example each) as it takes to
 * reach the size asked for. Used by the large-input test and the benchmark.
 */
import { cleanDocument } from './documents.ts';

// biome-ignore lint/suspicious/noExplicitAny: generated test data, built and edited as plain JSON.
type Json = Record<string, any>;

function dataset(index: number): { paths: Json; schema: Json; scope: string } {
  const name = `Dataset${index}Record`;
  const properties: Json = {
    id: { type: 'string', description: 'Stable identifier of the record.' },
    uprn: { $ref: '#/components/schemas/Uprn' },
    modified_at: { type: 'string', format: 'date-time' },
  };
  const example: Json = { id: `d${index}-r1`, uprn: '100023336956', modified_at: '2026-01-01T09:30:00Z' };
  for (let field = 0; field < 30; field++) {
    properties[`field_${field}`] = {
      type: 'string',
      maxLength: 200,
      description: `Field ${field} of dataset ${index}: free text a council officer reads and writes.`,
    };
    example[`field_${field}`] = `Value ${field} of record 1`;
  }
  const schema = {
    type: 'object',
    'x-data-classification': 'public',
    required: ['id', 'modified_at'],
    properties,
    examples: [example],
  };
  const errors = {
    '404': { $ref: '#/components/responses/NotFound' },
    '500': { $ref: '#/components/responses/ServerError' },
  };
  const common = { tags: ['Records'], security: [], 'x-data-classification': 'public' };
  const paths = {
    [`/datasets-${index}`]: {
      get: {
        operationId: `listDataset${index}`,
        summary: `Page through dataset ${index}`,
        ...common,
        responses: {
          '200': {
            description: 'One page of records.',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['items', 'next'],
                  properties: {
                    items: { type: 'array', items: { $ref: `#/components/schemas/${name}` } },
                    next: { type: ['string', 'null'] },
                  },
                },
                example: { items: [example], next: null },
              },
            },
          },
          ...errors,
        },
      },
    },
    [`/datasets-${index}/{id}`]: {
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      get: {
        operationId: `getDataset${index}`,
        summary: `A record of dataset ${index}`,
        ...common,
        responses: {
          '200': {
            description: 'The record.',
            content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } },
          },
          ...errors,
        },
      },
    },
  };
  return { paths, schema: { [name]: schema }, scope: `dataset_${index}:read` };
}

/** JSON text of a clean description of at least `targetBytes`. */
export function generateLargeDescription(targetBytes: number): string {
  const document = cleanDocument() as Json;
  const sample = dataset(0);
  const perDataset = JSON.stringify(sample, null, 2).length;
  const count = Math.max(1, Math.ceil(targetBytes / perDataset));
  // The export takes any dataset name, so it covers every generated dataset.
  document.paths['/exports'].post.requestBody.content['application/json'].schema.properties.datasets.items = {
    type: 'string',
  };
  for (let index = 0; index < count; index++) {
    const { paths, schema, scope } = dataset(index);
    Object.assign(document.paths, paths);
    Object.assign(document.components.schemas, schema);
    document.components.securitySchemes.councilOAuth.flows.clientCredentials.scopes[scope] =
      `Read dataset ${index}.`;
  }
  return JSON.stringify(document, null, 2);
}

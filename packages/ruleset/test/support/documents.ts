/**
 * A small description that lints clean under the whole ruleset, and a way to break one thing in a copy
 * of it. Every rule test starts from `cleanDocument()` so a failing case fails for one reason only.
 */
type Json = Record<string, unknown>;

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

export function cleanDocument(): Json {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Example council records API',
      version: '1.2.0',
      description: 'A small API that follows the Council API Baseline, for rule tests.',
      contact: { name: 'Example Council digital team', email: 'api@example.gov.uk' },
      license: {
        name: 'Open Government Licence v3.0',
        url: 'https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/',
      },
      'x-changelog': 'https://example.gov.uk/api/changelog',
    },
    servers: [{ url: 'https://api.example.gov.uk/records' }],
    tags: [
      { name: 'Records', description: 'Public records.' },
      { name: 'People', description: 'Personal records.' },
      { name: 'Right to data', description: 'Bulk export.' },
    ],
    paths: {
      '/records': {
        get: {
          operationId: 'listRecords',
          summary: 'Page through public records',
          tags: ['Records'],
          security: [],
          'x-data-classification': 'public',
          parameters: [
            {
              name: 'modified_after',
              in: 'query',
              required: false,
              schema: { type: 'string', format: 'date-time' },
            },
          ],
          responses: {
            '200': {
              description: 'One page of records.',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    required: ['items', 'next'],
                    properties: {
                      items: { type: 'array', items: { $ref: '#/components/schemas/Record' } },
                      next: { type: ['string', 'null'] },
                    },
                  },
                },
                'text/csv; charset=utf-8': { schema: { type: 'string' } },
              },
            },
            '400': { $ref: '#/components/responses/BadRequest' },
            '500': { $ref: '#/components/responses/ServerError' },
          },
        },
      },
      '/records/{id}': {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        get: {
          operationId: 'getRecord',
          summary: 'A public record',
          tags: ['Records'],
          security: [],
          'x-data-classification': 'public',
          responses: {
            '200': {
              description: 'The record.',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Record' } } },
            },
            '404': { $ref: '#/components/responses/NotFound' },
            '500': { $ref: '#/components/responses/ServerError' },
          },
        },
      },
      '/people/{id}': {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        get: {
          operationId: 'getPerson',
          summary: 'A resident’s record',
          tags: ['People'],
          security: [{ councilOAuth: ['people:read'] }],
          'x-data-classification': 'personal',
          responses: {
            '200': {
              description: 'The person.',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Person' } } },
            },
            '401': problem('No valid token.'),
            '404': { $ref: '#/components/responses/NotFound' },
            '500': { $ref: '#/components/responses/ServerError' },
          },
        },
      },
      '/exports': {
        post: {
          operationId: 'startExport',
          summary: 'Start a bulk export of every dataset',
          tags: ['Right to data'],
          security: [{ councilOAuth: ['exports:run'] }],
          'x-data-classification': 'personal',
          requestBody: {
            required: false,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: {
                    datasets: { type: 'array', items: { type: 'string', enum: ['records', 'people'] } },
                  },
                },
              },
            },
          },
          responses: {
            '202': {
              description: 'Accepted.',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/ExportJob' } } },
            },
            '400': { $ref: '#/components/responses/BadRequest' },
            '500': { $ref: '#/components/responses/ServerError' },
          },
        },
      },
      '/exports/{exportId}': {
        parameters: [{ name: 'exportId', in: 'path', required: true, schema: { type: 'string' } }],
        get: {
          operationId: 'getExport',
          summary: 'Progress of an export',
          tags: ['Right to data'],
          security: [{ councilOAuth: ['exports:run'] }],
          'x-data-classification': 'personal',
          responses: {
            '200': {
              description: 'The job.',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/ExportJob' } } },
            },
            '404': { $ref: '#/components/responses/NotFound' },
            '500': { $ref: '#/components/responses/ServerError' },
          },
        },
      },
      '/exports/{exportId}/files/{fileName}': {
        parameters: [
          { name: 'exportId', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'fileName', in: 'path', required: true, schema: { type: 'string' } },
        ],
        get: {
          operationId: 'getExportFile',
          summary: 'Download one file of an export',
          tags: ['Right to data'],
          security: [{ councilOAuth: ['exports:run'] }],
          'x-data-classification': 'personal',
          responses: {
            '200': {
              description: 'The file.',
              content: {
                'application/x-ndjson; charset=utf-8': { schema: { type: 'string' } },
                'text/csv; charset=utf-8; header=present': { schema: { type: 'string' } },
              },
            },
            '404': { $ref: '#/components/responses/NotFound' },
            '500': { $ref: '#/components/responses/ServerError' },
          },
        },
      },
    },
    components: {
      securitySchemes: {
        councilOAuth: {
          type: 'oauth2',
          flows: {
            clientCredentials: {
              tokenUrl: 'https://api.example.gov.uk/oauth/token',
              scopes: {
                'records:read': 'Read records.',
                'people:read': 'Read people.',
                'exports:run': 'Run exports.',
              },
            },
          },
        },
      },
      responses: {
        BadRequest: problem('The request failed validation.'),
        NotFound: problem('No such record.'),
        ServerError: problem('The service failed.'),
      },
      schemas: {
        Uprn: { type: 'string', pattern: '^[1-9][0-9]{0,11}$' },
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status'],
          properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' } },
        },
        Record: {
          type: 'object',
          'x-data-classification': 'public',
          required: ['id', 'modified_at'],
          properties: {
            id: { type: 'string' },
            uprn: { $ref: '#/components/schemas/Uprn' },
            opened_on: { type: 'string', format: 'date' },
            modified_at: { type: 'string', format: 'date-time' },
            enquiries_email: { type: 'string', format: 'email', 'x-data-classification': 'public' },
          },
        },
        Person: {
          type: 'object',
          'x-data-classification': 'personal',
          required: ['id'],
          properties: {
            id: { type: 'string' },
            email: { type: 'string', format: 'email', 'x-data-classification': 'personal' },
            date_of_birth: { type: 'string', format: 'date', 'x-data-classification': 'personal' },
          },
        },
        ExportJob: {
          type: 'object',
          required: ['id', 'status'],
          properties: {
            id: { type: 'string' },
            status: { type: 'string', enum: ['queued', 'running', 'complete', 'failed'] },
          },
        },
      },
    },
  };
}

// biome-ignore lint/suspicious/noExplicitAny: a test edits any part of a document by path, as plain JSON.
type Draft = Record<string, any>;

/** A copy of the clean document with one thing changed. */
export function withChange(change: (document: Draft) => void): Json {
  const copy = cleanDocument();
  change(copy as Draft);
  return copy;
}

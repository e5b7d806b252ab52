import type { Reference } from '../../src/index.ts';

/**
 * The smallest reference a run needs: a public dataset the hostile supplier serves (items), and a personal
 * one (people) whose fields the redaction property test fills with values that must never reach a report.
 */
export const HOSTILE_REFERENCE: Reference = {
  profile: {
    id: 'hostile',
    version: '1.0.0',
    datasets: [
      {
        id: 'items',
        title: 'Items',
        schema: 'Item',
        classification: 'public',
        idField: 'id',
        list: 'listItems',
        get: 'getItem',
      },
      {
        id: 'people',
        title: 'People',
        schema: 'Person',
        classification: 'personal',
        idField: 'id',
        list: 'listPeople',
        get: 'getPerson',
      },
    ],
    operations: { required: ['listItems', 'getItem', 'listPeople', 'getPerson'], optional: ['startExport'] },
  },
  document: {
    openapi: '3.1.0',
    info: { title: 'Hostile', version: '1.0.0' },
    paths: {
      '/items': { get: { operationId: 'listItems', responses: { '200': { description: 'a page' } } } },
      '/items/{id}': { get: { operationId: 'getItem', responses: { '200': { description: 'an item' } } } },
      '/people': { get: { operationId: 'listPeople', responses: { '200': { description: 'a page' } } } },
      '/people/{id}': {
        get: { operationId: 'getPerson', responses: { '200': { description: 'a person' } } },
      },
      '/exports': { post: { operationId: 'startExport', responses: { '202': { description: 'started' } } } },
    },
    components: {
      schemas: {
        Item: { type: 'object', required: ['id', 'name'] },
        Person: { type: 'object', required: ['id'] },
      },
    },
  },
  sha256: '0'.repeat(64),
};

/** The personal fields of the people dataset: their values are redacted from all evidence. */
export const PERSONAL_FIELDS: ReadonlySet<string> = new Set(['full_name', 'email', 'date_of_birth', 'phone']);

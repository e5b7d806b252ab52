import { cleanDocument, withChange } from '../support/documents.ts';
import { testRule } from '../support/rule-tester.ts';

const listRecords = ['paths', '/records', 'get'];
const getPerson = ['paths', '/people/{id}', 'get'];

testRule('personal-data-operation-classified', [
  { name: 'classified operations pass', document: cleanDocument(), errors: [] },
  {
    name: 'an operation without a classification fails',
    document: withChange((d) => {
      delete d.paths['/records'].get['x-data-classification'];
    }),
    errors: [{ path: listRecords, message: /does not classify/ }],
  },
  {
    name: 'an unknown classification fails',
    document: withChange((d) => {
      d.paths['/records'].get['x-data-classification'] = 'private';
    }),
    errors: [{ path: [...listRecords, 'x-data-classification'], message: /"private" is not one of/ }],
  },
]);

testRule('personal-data-behind-security', [
  { name: 'a personal operation behind OAuth passes', document: cleanDocument(), errors: [] },
  {
    name: 'a personal operation anyone can call fails',
    document: withChange((d) => {
      d.paths['/people/{id}'].get.security = [];
    }),
    errors: [{ path: [...getPerson, 'security'] }],
  },
  {
    name: 'special-category data with an anonymous alternative fails',
    document: withChange((d) => {
      d.paths['/people/{id}'].get['x-data-classification'] = 'special-category';
      d.paths['/people/{id}'].get.security = [{ councilOAuth: ['people:read'] }, {}];
    }),
    errors: [{ path: [...getPerson, 'security'], message: /special-category/ }],
  },
]);

testRule('personal-data-not-in-url', [
  { name: 'no personal parameters passes', document: cleanDocument(), errors: [] },
  {
    name: 'an e-mail address in the query string fails',
    document: withChange((d) => {
      d.paths['/records'].get.parameters.push({ name: 'email', in: 'query', schema: { type: 'string' } });
    }),
    errors: [{ path: [...listRecords, 'parameters', 1], message: /Query parameter "email"/ }],
  },
  {
    name: 'a shared parameter whose schema is classified personal fails where it is written',
    document: withChange((d) => {
      d.components.parameters = {
        Resident: {
          name: 'resident',
          in: 'query',
          schema: { type: 'string', 'x-data-classification': 'personal' },
        },
      };
      d.paths['/records'].get.parameters.push({ $ref: '#/components/parameters/Resident' });
    }),
    errors: [{ path: ['components', 'parameters', 'Resident'], message: /carries personal data/ }],
  },
  {
    name: 'a path parameter classified personal fails',
    document: withChange((d) => {
      d.paths['/people/{id}'].parameters[0]['x-data-classification'] = 'personal';
    }),
    errors: [{ path: ['paths', '/people/{id}', 'parameters', 0], message: /Path parameter "id"/ }],
  },
  {
    name: 'a boolean flag named for an e-mail, and business contact data classified public, pass',
    document: withChange((d) => {
      d.paths['/records'].get.parameters.push(
        { name: 'send_email', in: 'query', schema: { type: 'boolean' } },
        {
          name: 'enquiries_email',
          in: 'query',
          schema: { type: 'string' },
          'x-data-classification': 'public',
        },
      );
    }),
    errors: [],
  },
]);

testRule('personal-data-not-in-public-response', [
  { name: 'personal fields only in protected responses pass', document: cleanDocument(), errors: [] },
  {
    name: 'a personal field in a public record fails, where the field is written',
    document: withChange((d) => {
      d.components.schemas.Record.properties.resident_email = {
        type: 'string',
        'x-data-classification': 'personal',
      };
    }),
    errors: [
      {
        path: ['components', 'schemas', 'Record', 'properties', 'resident_email'],
        message: /"resident_email" is classified personal but is returned by the public operation/,
      },
    ],
  },
  {
    name: 'a classification written beside a $ref counts',
    document: withChange((d) => {
      d.components.schemas.Email = { type: 'string', format: 'email' };
      d.components.schemas.Record.properties.owner_email = {
        $ref: '#/components/schemas/Email',
        'x-data-classification': 'personal',
      };
    }),
    errors: [{ path: ['components', 'schemas', 'Record', 'properties', 'owner_email'] }],
  },
  {
    name: 'a nested personal schema reached through an array fails',
    document: withChange((d) => {
      d.components.schemas.Record.properties.owners = {
        type: 'array',
        items: { $ref: '#/components/schemas/Person' },
      };
    }),
    errors: [{ path: ['components', 'schemas', 'Person'], message: /GET \/records, GET \/records\/\{id\}/ }],
  },
]);

testRule('personal-data-fields-classified', [
  { name: 'classified personal fields pass', document: cleanDocument(), errors: [] },
  {
    name: 'an unclassified e-mail address fails',
    document: withChange((d) => {
      delete d.components.schemas.Person.properties.email['x-data-classification'];
    }),
    errors: [{ path: ['components', 'schemas', 'Person', 'properties', 'email'] }],
  },
  {
    name: 'camelCase names are recognised',
    document: withChange((d) => {
      d.components.schemas.Person.properties.dateOfBirth = { type: 'string', format: 'date' };
    }),
    errors: [{ path: ['components', 'schemas', 'Person', 'properties', 'dateOfBirth'] }],
  },
  {
    name: 'a boolean about a person’s data is not itself personal data',
    document: withChange((d) => {
      d.components.schemas.Person.properties.has_email = { type: 'boolean' };
      d.components.schemas.Person.properties.send_email = { type: 'boolean' };
    }),
    errors: [],
  },
]);

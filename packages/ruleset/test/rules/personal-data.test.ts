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
    name: 'a special-category query parameter fails, naming what it looks like',
    document: withChange((d) => {
      d.paths['/records'].get.parameters.push({ name: 'ethnicity', in: 'query', schema: { type: 'string' } });
    }),
    errors: [
      {
        path: [...listRecords, 'parameters', 1],
        message: /looks like special-category data \(ethnicity\) in the URL/,
      },
    ],
  },
  {
    name: "a flag written as the strings 'true' and 'false', with no type, is not personal data (BOPS send_email)",
    document: withChange((d) => {
      d.paths['/records'].get.parameters.push(
        { name: 'send_email', in: 'query', schema: { enum: ['true', 'false'], default: 'true' } },
        { name: 'notify_email', in: 'query', schema: {}, example: 'false' },
        { name: 'copy_email', in: 'query', description: 'true or false', schema: { type: 'string' } },
      );
    }),
    errors: [],
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
    name: 'numbered special-category fields are recognised and asked to be classified special-category',
    document: withChange((d) => {
      d.components.schemas.Person.properties.sex1 = { type: 'string' };
    }),
    errors: [
      {
        path: ['components', 'schemas', 'Person', 'properties', 'sex1'],
        message: /special-category data \(sex or gender\).*x-data-classification: special-category/,
      },
    ],
  },
  {
    name: 'schemas under the non-standard components.definitions are judged too',
    document: withChange((d) => {
      d.components.definitions = {
        Applicant: { type: 'object', properties: { applicant_email: { type: 'string' } } },
      };
    }),
    errors: [{ path: ['components', 'definitions', 'Applicant', 'properties', 'applicant_email'] }],
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

/** A lettings log as the MHCLG CORE API describes one: household members numbered, nothing classified. */
const lettingsLog = {
  type: 'object',
  properties: {
    tenant_code: { type: 'string' },
    age1: { type: 'number', description: 'The age of the lead tenant' },
    sex1: { type: 'string', enum: ['F', 'M', 'X', 'R'] },
    ethnic: { type: 'integer' },
    national: { type: 'integer' },
    illness_type_1: { type: 'integer' },
    preg_occ: { type: 'integer' },
    postcode_full: { type: 'string' },
    beds: { type: 'number' },
  },
};

const lettingsOperation = (security?: unknown[]) => ({
  operationId: 'getLettingsLog',
  summary: 'A lettings log',
  tags: ['People'],
  ...(security ? { security } : {}),
  responses: {
    '200': {
      description: 'The log.',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/LettingsLog' } } },
    },
    '404': { $ref: '#/components/responses/NotFound' },
    '500': { $ref: '#/components/responses/ServerError' },
  },
});

const getLettingsLog = ['paths', '/lettings-logs/{id}', 'get'];

testRule('personal-data-fields-behind-security', [
  {
    name: 'public fields in public responses, personal ones behind OAuth, pass',
    document: cleanDocument(),
    errors: [],
  },
  {
    name: 'unlabelled special-category data behind no security fails, naming the fields',
    document: withChange((d) => {
      d.components.schemas.LettingsLog = lettingsLog;
      d.paths['/lettings-logs/{id}'] = { get: lettingsOperation() };
    }),
    errors: [
      {
        path: getLettingsLog,
        message:
          /GET \/lettings-logs\/\{id\} can be called without credentials, yet its response carries fields that look like special-category data \(sex1, ethnic, national, illness_type_1, preg_occ\) and personal data \(age1, postcode_full\)/,
      },
    ],
  },
  {
    // Listing fields as a series (`sex1 to sex8`), `^(.*?)\d+$` backtracked on every digit of this name:
    // 40 KB took 1.4 s, a megabyte many minutes.
    name: 'a field named with a megabyte of digits fails, listed without backtracking on them',
    document: withChange((d) => {
      d.components.schemas.LettingsLog = {
        type: 'object',
        properties: { [`illness_${'1'.repeat(1_000_000)}x`]: { type: 'integer' } },
      };
      d.paths['/lettings-logs/{id}'] = { get: lettingsOperation() };
    }),
    errors: [{ path: getLettingsLog, message: /special-category data \(illness_1+x\)/ }],
  },
  {
    name: 'the same log behind OAuth passes',
    document: withChange((d) => {
      d.components.schemas.LettingsLog = lettingsLog;
      d.paths['/lettings-logs/{id}'] = { get: lettingsOperation([{ councilOAuth: ['people:read'] }]) };
    }),
    errors: [],
  },
  {
    name: 'an operation classified public does not make an unlabelled e-mail address public',
    document: withChange((d) => {
      d.components.schemas.Record.properties.owner_email = { type: 'string', format: 'email' };
    }),
    errors: [
      { path: [...listRecords, 'security'], message: /personal data \(owner_email\)/ },
      { path: ['paths', '/records/{id}', 'get', 'security'], message: /personal data \(owner_email\)/ },
    ],
  },
  {
    name: 'the Swagger 2.0 style schema written on a response is read (Hackney SMPA)',
    document: withChange((d) => {
      d.paths['/lettings-logs/{id}'] = { get: lettingsOperation() };
      d.paths['/lettings-logs/{id}'].get.responses['200'] = {
        description: 'The log.',
        schema: { type: 'object', properties: { gender: { type: 'string' } } },
      };
    }),
    errors: [{ path: getLettingsLog, message: /special-category data \(gender\)/ }],
  },
  {
    name: 'fields under a schema classified personal are left to personal-data-not-in-public-response',
    document: withChange((d) => {
      d.components.schemas.Record.properties.owner = { $ref: '#/components/schemas/Person' };
      d.components.schemas.Person.properties.sex = { type: 'string' };
    }),
    errors: [],
  },
  {
    name: 'an operation classified personal is left to personal-data-behind-security',
    document: withChange((d) => {
      d.components.schemas.LettingsLog = lettingsLog;
      d.paths['/lettings-logs/{id}'] = {
        get: { ...lettingsOperation([]), 'x-data-classification': 'special-category' },
      };
    }),
    errors: [],
  },
  {
    name: "flags about contact details are not contact details, booleans or 'true'/'false' strings",
    document: withChange((d) => {
      d.components.schemas.Record.properties.send_email = { enum: ['true', 'false'] };
      d.components.schemas.Record.properties.has_phone = { type: 'boolean' };
    }),
    errors: [],
  },
]);

testRule('personal-data-no-secrets-in-responses', [
  { name: 'no secret in any response passes', document: cleanDocument(), errors: [] },
  {
    name: 'a password returned behind OAuth still fails, where the field is written',
    document: withChange((d) => {
      d.components.schemas.Person.properties.password = { type: 'string' };
    }),
    errors: [
      {
        path: ['components', 'schemas', 'Person', 'properties', 'password'],
        message: /"password" looks like a password and is returned by GET \/people\/\{id\}/,
      },
    ],
  },
  {
    name: 'a password hash and a PIN in a public response fail',
    document: withChange((d) => {
      d.components.schemas.Record.properties.password_hash = { type: 'string' };
      d.components.schemas.Record.properties.pin = { type: 'string' };
    }),
    errors: [
      { path: ['components', 'schemas', 'Record', 'properties', 'password_hash'] },
      { path: ['components', 'schemas', 'Record', 'properties', 'pin'], message: /looks like a PIN/ },
    ],
  },
  {
    name: 'a writeOnly password in a shared schema passes, and so do a login request and the token it returns',
    document: withChange((d) => {
      d.components.schemas.Person.properties.password = { type: 'string', writeOnly: true };
      d.paths['/sessions'] = {
        post: {
          operationId: 'logIn',
          summary: 'Log in',
          tags: ['People'],
          security: [],
          'x-data-classification': 'public',
          requestBody: {
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: { email: { type: 'string' }, password: { type: 'string' } },
                },
              },
            },
          },
          responses: {
            '200': {
              description: 'A token.',
              content: {
                'application/json': {
                  schema: { type: 'object', properties: { access_token: { type: 'string' } } },
                },
              },
            },
            '400': { $ref: '#/components/responses/BadRequest' },
            '500': { $ref: '#/components/responses/ServerError' },
          },
        },
      };
    }),
    errors: [],
  },
]);

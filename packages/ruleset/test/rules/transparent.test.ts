import { cleanDocument, withChange } from '../support/documents.ts';
import { testRule } from '../support/rule-tester.ts';

testRule('transparent-semantic-version', [
  { name: 'a semantic version passes', document: cleanDocument(), errors: [] },
  {
    name: 'a pre-release semantic version passes',
    document: withChange((d) => {
      d.info.version = '2.0.0-beta.1';
    }),
    errors: [],
  },
  {
    name: 'a date as the version fails',
    document: withChange((d) => {
      d.info.version = '2026-04';
    }),
    errors: [{ path: ['info', 'version'], message: /"2026-04" is not a semantic version/ }],
  },
]);

testRule('transparent-contact', [
  { name: 'a contact e-mail passes', document: cleanDocument(), errors: [] },
  {
    name: 'a contact with only a name fails',
    document: withChange((d) => {
      d.info.contact = { name: 'The team' };
    }),
    errors: [{ path: ['info', 'contact'], message: /neither a url nor an email/ }],
  },
  {
    name: 'no contact fails',
    document: withChange((d) => {
      delete d.info.contact;
    }),
    errors: [{ path: ['info'] }],
  },
]);

testRule('transparent-changelog', [
  { name: 'info.x-changelog passes', document: cleanDocument(), errors: [] },
  {
    name: 'release notes in externalDocs pass',
    document: withChange((d) => {
      delete d.info['x-changelog'];
      d.externalDocs = { url: 'https://example.gov.uk/api/releases', description: 'Release notes' };
    }),
    errors: [],
  },
  {
    name: 'no changelog fails',
    document: withChange((d) => {
      delete d.info['x-changelog'];
    }),
    errors: [{ path: ['info'], message: /No changelog linked/ }],
  },
  {
    name: 'a changelog that is not a link fails',
    document: withChange((d) => {
      d.info['x-changelog'] = 'see the wiki';
    }),
    errors: [{ path: ['info', 'x-changelog'] }],
  },
]);

testRule('transparent-sunset', [
  { name: 'no deprecated operations pass', document: cleanDocument(), errors: [] },
  {
    name: 'a deprecated operation with a Sunset header passes',
    document: withChange((d) => {
      d.paths['/records'].get.deprecated = true;
      d.paths['/records'].get.responses['200'].headers = {
        Sunset: { description: 'When it goes.', schema: { type: 'string' } },
      };
    }),
    errors: [],
  },
  {
    name: 'a deprecated operation with x-sunset passes',
    document: withChange((d) => {
      d.paths['/records'].get.deprecated = true;
      d.paths['/records'].get['x-sunset'] = '2027-03-31';
    }),
    errors: [],
  },
  {
    name: 'a deprecated operation that does not say when it goes fails',
    document: withChange((d) => {
      d.paths['/records'].get.deprecated = true;
    }),
    errors: [{ path: ['paths', '/records', 'get', 'deprecated'], message: /does not say when it goes/ }],
  },
]);

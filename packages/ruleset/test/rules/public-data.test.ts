import { cleanDocument, withChange } from '../support/documents.ts';
import { testRule } from '../support/rule-tester.ts';

const listRecords = ['paths', '/records', 'get'];

testRule('public-data-no-credentials', [
  { name: 'public operations with security: [] pass', document: cleanDocument(), errors: [] },
  {
    name: 'a public operation that requires a token fails',
    document: withChange((d) => {
      d.paths['/records'].get.security = [{ councilOAuth: ['records:read'] }];
    }),
    errors: [{ path: [...listRecords, 'security'], message: /serves public data but requires credentials/ }],
  },
  {
    name: 'a public operation that inherits a document-wide requirement fails',
    document: withChange((d) => {
      d.security = [{ councilOAuth: ['records:read'] }];
      delete d.paths['/records'].get.security;
    }),
    errors: [{ path: listRecords, message: /inherits/ }],
  },
  {
    name: 'an optional token ({} alternative) still counts as open',
    document: withChange((d) => {
      d.paths['/records'].get.security = [{}, { councilOAuth: ['records:read'] }];
    }),
    errors: [],
  },
]);

testRule('public-data-security-declared', [
  { name: 'every operation saying its security passes', document: cleanDocument(), errors: [] },
  {
    name: 'a document-wide security: [] passes',
    document: withChange((d) => {
      d.security = [];
      delete d.paths['/records'].get.security;
    }),
    errors: [],
  },
  {
    name: 'a public operation that says nothing about security, with no default, fails',
    document: withChange((d) => {
      delete d.paths['/records'].get.security;
    }),
    errors: [{ path: listRecords, message: /classified public but declares no security/ }],
  },
  {
    name: 'an operation not classified public is left to secure-operations-need-credentials',
    document: withChange((d) => {
      delete d.paths['/records'].get.security;
      delete d.paths['/records'].get['x-data-classification'];
    }),
    errors: [],
  },
]);

testRule('public-data-open-licence', [
  { name: 'the Open Government Licence passes', document: cleanDocument(), errors: [] },
  {
    name: 'an SPDX identifier for CC BY 4.0 passes',
    document: withChange((d) => {
      d.info.license = { name: 'CC BY 4.0', identifier: 'CC-BY-4.0' };
    }),
    errors: [],
  },
  {
    name: 'no licence with public operations fails',
    document: withChange((d) => {
      delete d.info.license;
    }),
    errors: [{ path: ['info'], message: /no licence is declared/ }],
  },
  {
    name: 'a non-commercial licence fails',
    document: withChange((d) => {
      d.info.license = { name: 'CC BY-NC 4.0', url: 'https://creativecommons.org/licenses/by-nc/4.0/' };
    }),
    errors: [{ path: ['info', 'license'], message: /non-commercial/ }],
  },
  {
    name: 'a proprietary licence fails',
    document: withChange((d) => {
      d.info.license = { name: 'Supplier licence, all rights reserved' };
    }),
    errors: [{ path: ['info', 'license'] }],
  },
  {
    name: 'operations that merely lack security are not public data: no licence asked (MHCLG lettings logs, BOPS)',
    document: withChange((d) => {
      delete d.info.license;
      for (const path of ['/records', '/records/{id}']) {
        delete d.paths[path].get.security;
        delete d.paths[path].get['x-data-classification'];
      }
    }),
    errors: [],
  },
  {
    name: 'an operation classified public behind a token still serves public data',
    document: withChange((d) => {
      delete d.info.license;
      d.paths['/records'].get.security = [{ councilOAuth: ['records:read'] }];
    }),
    errors: [{ path: ['info'], message: /no licence is declared/ }],
  },
  {
    name: 'an operation serving a dataset the profile calls public needs a licence, classified or not',
    document: withChange((d) => {
      delete d.info.license;
      for (const path of ['/records', '/records/{id}']) delete d.paths[path].get['x-data-classification'];
    }),
    profile: { id: 'example', requiredOperations: [], publicOperations: ['listRecords', 'getRecord'] },
    errors: [{ path: ['info'], message: /no licence is declared/ }],
  },
  {
    name: 'a profile that calls nothing here public asks for no licence',
    document: withChange((d) => {
      delete d.info.license;
      for (const path of ['/records', '/records/{id}']) delete d.paths[path].get['x-data-classification'];
    }),
    profile: { id: 'example', requiredOperations: [], publicOperations: ['listPlanningApplications'] },
    errors: [],
  },
  {
    name: 'no licence is needed when nothing is public',
    document: withChange((d) => {
      delete d.info.license;
      for (const path of ['/records', '/records/{id}']) {
        d.paths[path].get.security = [{ councilOAuth: ['records:read'] }];
        d.paths[path].get['x-data-classification'] = 'personal';
      }
    }),
    errors: [],
  },
]);

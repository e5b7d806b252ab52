import { cleanDocument, withChange } from '../support/documents.ts';
import { testRule } from '../support/rule-tester.ts';

testRule('secure-https-servers', [
  { name: 'https servers pass', document: cleanDocument(), errors: [] },
  {
    name: 'a relative server URL passes',
    document: withChange((d) => {
      d.servers = [{ url: '/records' }];
    }),
    errors: [],
  },
  {
    name: 'a plain-HTTP server fails',
    document: withChange((d) => {
      d.servers.push({ url: 'http://api.example.gov.uk/records' });
    }),
    errors: [{ path: ['servers', 1, 'url'], message: /not https/ }],
  },
  {
    name: 'a server variable that allows http fails',
    document: withChange((d) => {
      d.servers = [
        {
          url: '{scheme}://api.example.gov.uk',
          variables: { scheme: { default: 'https', enum: ['https', 'http'] } },
        },
      ];
    }),
    errors: [{ path: ['servers', 0, 'url'] }],
  },
  {
    name: 'an operation-level http server fails',
    document: withChange((d) => {
      d.paths['/records'].get.servers = [{ url: 'http://legacy.example.gov.uk' }];
    }),
    errors: [{ path: ['paths', '/records', 'get', 'servers', 0, 'url'] }],
  },
]);

testRule('secure-oauth-schemes', [
  { name: 'OAuth 2.0 client credentials passes', document: cleanDocument(), errors: [] },
  {
    name: 'OpenID Connect passes',
    document: withChange((d) => {
      d.components.securitySchemes.oidc = {
        type: 'openIdConnect',
        openIdConnectUrl: 'https://id.example.gov.uk/.well-known/openid-configuration',
      };
    }),
    errors: [],
  },
  {
    name: 'an API key in a header fails',
    document: withChange((d) => {
      d.components.securitySchemes.key = { type: 'apiKey', in: 'header', name: 'X-Api-Key' };
    }),
    errors: [{ path: ['components', 'securitySchemes', 'key', 'type'], message: /API key in a header/ }],
  },
  {
    name: 'the implicit flow fails',
    document: withChange((d) => {
      d.components.securitySchemes.councilOAuth.flows.implicit = {
        authorizationUrl: 'https://id.example.gov.uk/authorize',
        scopes: {},
      };
    }),
    errors: [
      { path: ['components', 'securitySchemes', 'councilOAuth', 'flows', 'implicit'], message: /RFC 9700/ },
    ],
  },
]);

testRule('secure-no-credentials-in-query', [
  { name: 'tokens in headers pass', document: cleanDocument(), errors: [] },
  {
    name: 'an API key scheme in the query string fails',
    document: withChange((d) => {
      d.components.securitySchemes.key = { type: 'apiKey', in: 'query', name: 'api_key' };
    }),
    errors: [{ path: ['components', 'securitySchemes', 'key', 'in'] }],
  },
  {
    name: 'an access_token query parameter fails',
    document: withChange((d) => {
      d.paths['/records'].get.parameters.push({
        name: 'access_token',
        in: 'query',
        schema: { type: 'string' },
      });
    }),
    errors: [{ path: ['paths', '/records', 'get', 'parameters', 1], message: /looks like a credential/ }],
  },
]);

testRule('secure-no-basic-auth', [
  { name: 'no HTTP Basic passes', document: cleanDocument(), errors: [] },
  {
    name: 'an HTTP Basic scheme fails',
    document: withChange((d) => {
      d.components.securitySchemes.basic = { type: 'http', scheme: 'basic' };
    }),
    errors: [{ path: ['components', 'securitySchemes', 'basic', 'scheme'], message: /HTTP basic/ }],
  },
  {
    name: 'a bearer scheme is not Basic (secure-oauth-schemes judges it)',
    document: withChange((d) => {
      d.components.securitySchemes.bearer = { type: 'http', scheme: 'bearer' };
    }),
    errors: [],
  },
]);

const listRecords = ['paths', '/records', 'get'];

testRule('secure-operations-need-credentials', [
  { name: 'public operations open, the rest behind OAuth, passes', document: cleanDocument(), errors: [] },
  {
    name: 'an unclassified operation with no security anywhere fails',
    document: withChange((d) => {
      delete d.paths['/records'].get.security;
      delete d.paths['/records'].get['x-data-classification'];
    }),
    errors: [
      { path: listRecords, message: /can be called without credentials but is not classified public/ },
    ],
  },
  {
    name: 'an unclassified operation saying security: [] fails',
    document: withChange((d) => {
      delete d.paths['/records'].get['x-data-classification'];
    }),
    errors: [{ path: [...listRecords, 'security'] }],
  },
  {
    name: 'an unclassified operation with an anonymous alternative fails',
    document: withChange((d) => {
      delete d.paths['/records'].get['x-data-classification'];
      d.paths['/records'].get.security = [{}, { councilOAuth: ['records:read'] }];
    }),
    errors: [{ path: [...listRecords, 'security'] }],
  },
  {
    name: 'an unclassified operation under a document-wide OAuth default passes',
    document: withChange((d) => {
      d.security = [{ councilOAuth: ['records:read'] }];
      delete d.paths['/records'].get.security;
      delete d.paths['/records'].get['x-data-classification'];
    }),
    errors: [],
  },
  {
    name: 'an operation classified personal without security is left to personal-data-behind-security',
    document: withChange((d) => {
      d.paths['/people/{id}'].get.security = [];
    }),
    errors: [],
  },
]);

testRule('secure-schemes-applied', [
  { name: 'every scheme applied passes', document: cleanDocument(), errors: [] },
  {
    name: 'a scheme defined and never applied warns (MHCLG CORE’s API keys)',
    document: withChange((d) => {
      d.components.securitySchemes.legacyKey = { type: 'apiKey', in: 'header', name: 'X-Api-Key' };
    }),
    errors: [{ path: ['components', 'securitySchemes', 'legacyKey'], message: /defined but no operation/ }],
  },
  {
    name: 'a scheme applied only by the document default passes',
    document: withChange((d) => {
      d.components.securitySchemes.legacyKey = { type: 'apiKey', in: 'header', name: 'X-Api-Key' };
      d.security = [{ legacyKey: [] }];
    }),
    errors: [],
  },
  {
    name: 'a requirement written only in an example does not apply a scheme',
    document: withChange((d) => {
      d.components.securitySchemes.legacyKey = { type: 'apiKey', in: 'header', name: 'X-Api-Key' };
      d.components.schemas.Record.example = { id: 'r1', security: [{ legacyKey: [] }] };
    }),
    errors: [{ path: ['components', 'securitySchemes', 'legacyKey'] }],
  },
]);

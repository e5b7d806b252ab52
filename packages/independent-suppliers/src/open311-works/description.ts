import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

type Json = Record<string, unknown>;

const BASELINE_REF = '../baseline/openapi.yaml#';

/** Rewrites every `../baseline/openapi.yaml#/…` reference to the local `#/…` one, and inlines path items. */
function localise(node: unknown, baselinePathItems: Json): unknown {
  if (Array.isArray(node)) return node.map((item) => localise(item, baselinePathItems));
  if (node === null || typeof node !== 'object') return node;
  const object = node as Json;
  const ref = object.$ref;
  if (typeof ref === 'string' && ref.startsWith(`${BASELINE_REF}/components/pathItems/`)) {
    const name = ref.slice(`${BASELINE_REF}/components/pathItems/`.length);
    return localise(structuredClone(baselinePathItems[name]), baselinePathItems);
  }
  const out: Json = {};
  for (const [key, value] of Object.entries(object)) {
    out[key] =
      key === '$ref' && typeof value === 'string' && value.startsWith(BASELINE_REF)
        ? `#${value.slice(BASELINE_REF.length)}`
        : localise(value, baselinePathItems);
  }
  return out;
}

const TOKEN_ONLY_BASIC =
  'Client authentication is `client_secret_basic` only (HTTP Basic with the form-encoded client id and secret, RFC 6749 section 2.3.1). A client id and secret in the form body (`client_secret_post`) are refused with 401 and `WWW-Authenticate: Basic`.';

/**
 * The description Open311 Works publishes: the street-reports reference, hoisted into one self-contained
 * document, then changed to say what this product does (basic-only token endpoint, export files that always
 * redirect to the object store, no import, no batch tokens, the 90-day default window, the deprecated
 * GeoReport discovery document).
 */
export function open311WorksDescription(specsDir: string, baseUrl: string): Json {
  const spec = parse(readFileSync(join(specsDir, 'street-reports', 'openapi.yaml'), 'utf8')) as Json;
  const baseline = parse(readFileSync(join(specsDir, 'baseline', 'openapi.yaml'), 'utf8')) as Json;
  const baselineComponents = baseline.components as Record<string, Json>;
  const doc = localise(spec, baselineComponents.pathItems as Json) as Json;
  const components = doc.components as Record<string, Json>;
  for (const [kind, entries] of Object.entries(baselineComponents)) {
    if (kind === 'pathItems') continue;
    components[kind] = { ...(localise(entries, {}) as Json), ...(components[kind] ?? {}) };
  }
  doc.info = {
    title: 'Open311 Works: street reports',
    version: '3.2.0',
    summary: 'Hosted Open311 GeoReport v2 endpoint (FixMyStreet extensions) for council street-scene teams.',
    description: [
      'Open311 Works hosts the Open311 GeoReport v2 endpoint of several London councils on the Council API Baseline 1.1.0 and the street-reports reference spec 1.1.0.',
      '',
      '- `/requests.json` and `/servicerequestupdates.json` answer the last 90 days when no `start_date`, `end_date`, `modified_after` or `service_request_id` is given (GeoReport allows it); `modified_after=1970-01-01T00:00:00Z` reaches every record.',
      '- `/services.json` leaves each service’s `attributes` out (`x-omittable-in-lists`); `/services/{service_code}.json` and the export carry them.',
      '- Next pages are linked with relative URLs (`<?page=2&page_size=50>; rel="next"`, `?cursor=…`), resolved against the response that carried them.',
      '- Export files are served from our object store: `GET /exports/{exportId}/files/{fileName}` always answers 302 to a pre-signed URL on the store’s origin, valid for five minutes, that needs no token.',
      '- Connections are kept alive for a few requests, then closed (`Connection: close`); clients reconnect.',
    ].join('\n'),
    contact: {
      name: 'Open311 Works support',
      email: 'support@open311.works',
      url: 'https://open311.works/support',
    },
    license: {
      name: 'Open Government Licence v3.0',
      url: 'https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/',
    },
    'x-changelog': 'https://open311.works/changelog',
  };
  doc.servers = [{ url: baseUrl, description: 'This deployment' }];
  const paths = doc.paths as Record<string, Json>;
  delete paths['/imports'];
  delete paths['/imports/{importId}'];
  delete paths['/tokens/{token}.json'];
  for (const name of ['ImportRequest', 'ImportJob', 'TokenLookup', 'DataClassification']) {
    delete components.schemas?.[name];
  }
  delete components.parameters?.ImportId;
  delete components.responses?.NotImplemented;

  const token = paths['/oauth/token']?.post as Json;
  token.description = TOKEN_ONLY_BASIC;

  const file = paths['/exports/{exportId}/files/{fileName}']?.get as Json;
  const fileResponses = file.responses as Json;
  delete fileResponses['200'];
  (fileResponses['302'] as Json).description =
    'Always: the file is on our object store. `Location` is a pre-signed https URL on the store’s origin, valid for five minutes, that needs no credentials; follow it without the access token.';
  fileResponses['409'] = {
    description: 'The export has not completed yet.',
    content: {
      'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
    },
  };

  const window =
    ' Without `start_date`, `end_date`, `modified_after` or `service_request_id` this server answers the last 90 days only; `modified_after=1970-01-01T00:00:00Z` reaches every record.';
  const listRequests = paths['/requests.json']?.get as Json;
  listRequests.description = `${String(listRequests.description)}${window}`;
  const listUpdates = paths['/servicerequestupdates.json']?.get as Json;
  listUpdates.description = `${String(listUpdates.description)}${window}`;

  paths['/discovery.json'] = {
    get: {
      operationId: 'getGeoReportDiscovery',
      summary: 'GeoReport discovery document (deprecated: read /openapi.json instead)',
      description:
        'GeoReport v2 service discovery, kept for clients configured before 2026. Deprecated on 2026-06-01 and withdrawn after 30 June 2027; `/openapi.json` describes everything it did.',
      deprecated: true,
      tags: ['GeoReport'],
      security: [],
      'x-data-classification': 'public',
      responses: {
        '200': {
          description: 'Where the GeoReport endpoint is and what it speaks.',
          headers: {
            Deprecation: { $ref: '#/components/headers/Deprecation' },
            Sunset: { $ref: '#/components/headers/Sunset' },
            'Access-Control-Allow-Origin': { $ref: '#/components/headers/AccessControlAllowOrigin' },
          },
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['changeset', 'endpoints'],
                properties: {
                  changeset: { $ref: '#/components/schemas/DateTime' },
                  contact: { type: 'string' },
                  key_service: { type: 'string' },
                  endpoints: {
                    type: 'array',
                    items: {
                      type: 'object',
                      required: ['specification', 'url', 'type', 'formats'],
                      properties: {
                        specification: { type: 'string', format: 'uri' },
                        url: { type: 'string', format: 'uri' },
                        changeset: { $ref: '#/components/schemas/DateTime' },
                        type: { type: 'string', enum: ['production', 'test'] },
                        formats: { type: 'array', items: { type: 'string' } },
                      },
                    },
                  },
                },
              },
            },
          },
        },
        '429': { $ref: '#/components/responses/TooManyRequests' },
        '500': { $ref: '#/components/responses/ServerError' },
      },
    },
  };
  return doc;
}

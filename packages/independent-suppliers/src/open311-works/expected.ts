import type { ExpectedVerdict } from '../supplier.ts';

/**
 * Written from the specs before the harness was first run against Open311 Works. Everything this supplier
 * does is either a MUST of the baseline or the street-reports spec, or something they explicitly allow.
 */
export const OPEN311_WORKS_EXPECTED: ExpectedVerdict = {
  clauses: {
    'open-api': {
      status: 'pass',
      why: 'Publishes a valid, self-contained OpenAPI 3.1 description at /openapi.json covering every required operation; undeclared optional ones (getServiceRequestIdFromToken, startImport, getImport) answer 501 problem+json; list records match the reference once attributes is allowed to be absent from /services.json (x-omittable-in-lists).',
    },
    'public-data': {
      status: 'pass',
      why: 'Services, reports and updates answer without credentials, with Access-Control-Allow-Origin: * and Link rel="license" to the OGL named in info.license.',
    },
    'personal-data': {
      status: 'pass',
      why: 'Reporters need a token with reporters:read and are scoped to the tenant (Waltham Forest’s 2026-9001xx ids answer 404 to Hackney); the only contact details in public notes are the council’s switchboard 020 8356 3000 and its streetscene@ role mailbox, which the baseline says are not personal data; personal data is attested.',
    },
    'no-advertising': {
      status: 'pass',
      why: 'No scripts, pixels or tracker hosts anywhere; data use is attested.',
    },
    'right-to-data': {
      status: 'pass',
      why: 'POST /exports answers 202 with Location; the job completes in a few polls; every dataset comes in NDJSON and CSV (UTF-8) with a manifest whose SHA-256, bytes and record counts match the files, which are reached through a 302 to a pre-signed URL on another origin (baseline §11 allows it); the export holds every record the API reaches with allRecordsQuery (modified_after=1970-01-01T00:00:00Z), past the 90-day default window Open311 allows, and its values equal the API’s in both formats (attributes included, as the spec requires of exports).',
    },
    'easy-exit': {
      status: 'pass',
      why: 'Export files are strict UTF-8 RFC 4180 CSV and NDJSON; no value is a dd/mm/yyyy date (the prose “Repair booked for 14/12/2026” is free text, not a date field); the NDJSON export imports into the reference server and reads back intact; exit terms attested.',
    },
    secure: {
      status: 'pass',
      why: 'TLS 1.2+ only (plain http on the port meets a TLS socket and is refused), HSTS on every response, tokens refused in the query string, problem+json errors without internals, writes refused without a token (401), 429 with Retry-After past 200 requests a second; the token endpoint accepts client_secret_basic, the one method the baseline makes a MUST; certifications attested.',
    },
    seamless: {
      status: 'pass',
      why: 'Every error is application/problem+json with type, title, status, detail and instance; GeoReport lists are bare arrays with Link rel="next" (relative, which baseline §7 allows) and /reporters is a cursor page {items, next} with a relative next and the same Link.',
    },
    transparent: {
      status: 'pass',
      why: 'info.version 3.2.0 (semver), x-changelog, API-Version header; the deprecated /discovery.json sends Deprecation: @1780272000 (RFC 9745) and an HTTP-date Sunset (RFC 8594); notice periods attested.',
    },
    'open-standards': {
      status: 'pass',
      why: 'Every date field is RFC 3339; UPRNs, USRNs and postcodes are the fixtures’ canonical ones; errors are RFC 9457; JSON is UTF-8; lists reach their end by relative next links without loops.',
    },
  },
  level: 'gold',
  certifiable: true,
  failingChecks: {},
};

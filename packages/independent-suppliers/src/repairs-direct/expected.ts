import type { ExpectedVerdict } from '../supplier.ts';

/**
 * What Council Conform must say of repairs-direct, written from the specs before the supplier was first
 * run. It is an honest housing-repairs implementation: every automated clause passes, it reaches gold with
 * the run's attestation, and the sandbox run is certifiable.
 */
export const expected: ExpectedVerdict = {
  clauses: {
    'open-api': {
      status: 'pass',
      why: 'serves an OpenAPI 3.1 description at /openapi.json (and by Link rel="service-desc") that lints clean, covers every required operation, declares listAppointmentSlots, and whose schemas are the reference schemas every record is assembled to',
    },
    'public-data': {
      status: 'pass',
      why: 'properties answer without credentials, with Access-Control-Allow-Origin: * and Link rel="license" to OGL v3.0 declared in info.license',
    },
    'personal-data': {
      status: 'pass',
      why: 'personal and special-category datasets answer 401 without or with a bad token, a record of the other tenant answers 404 whatever its id shape or list position, properties carry no resident data, and no operation takes personal data in its URL',
    },
    'no-advertising': {
      status: 'pass',
      why: 'records and the description carry no scripts, pixels or tracker hosts',
    },
    'right-to-data': {
      status: 'pass',
      why: 'POST /exports answers 202 with Location, completes after one or two polls, and lists every dataset in NDJSON and CSV whose SHA-256, bytes and record counts match the files, each holding exactly the tenant’s records with the API’s values',
    },
    'easy-exit': {
      status: 'pass',
      why: 'export files are strict UTF-8, CSV is RFC 4180 with a header row and quoted cells, no dd/mm/yyyy anywhere, and the NDJSON is the reference record format so the reference server imports every line unchanged',
    },
    secure: {
      status: 'pass',
      why: 'https only (TLS 1.2+, plain http on the port is dropped), HSTS on every answer, tokens only from the Authorization header, writes refused with 401 before anything else, problem documents without internals, and a burst is answered 429 with Retry-After',
    },
    seamless: {
      status: 'pass',
      why: 'every error is application/problem+json {type, title, status}; every list is a baseline cursor page {items, next} with Link rel="next" while records follow',
    },
    transparent: {
      status: 'pass',
      why: 'info.version is semantic (MAJOR.MINOR.PATCH), info.x-changelog is linked and answers carry API-Version; no operation is deprecated',
    },
    'open-standards': {
      status: 'pass',
      why: 'RFC 3339 dates, canonical UPRN/USRN/postcodes and GSS codes in every record (fixtures as seed), RFC 9457 errors, UTF-8 JSON, and opaque keyset cursors that reach the end of every list without repeating a record',
    },
  },
  level: 'gold',
  certifiable: true,
  failingChecks: {},
};

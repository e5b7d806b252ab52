import type { ExpectedVerdict } from '../supplier.ts';

/**
 * Written from the specs before the harness was first run against DirectoryHub: it meets every MUST of
 * the baseline and the service-directory spec, so every automated clause passes.
 */
export const DIRECTORY_HUB_EXPECTED: ExpectedVerdict = {
  clauses: {
    'open-api': {
      status: 'pass',
      why: 'A valid, self-contained OpenAPI 3.1 description at /openapi.json covers every required operation; the optional import is refused with 501 problem+json; records are the reference records, rebuilt exactly from the internal rows.',
    },
    'public-data': {
      status: 'pass',
      why: 'Every directory read answers without credentials, with Access-Control-Allow-Origin: * and Link rel="license" to the OGL named in info.license.',
    },
    'personal-data': {
      status: 'pass',
      why: 'No personal dataset: the checks that need one do not apply; public records carry only organisations’ and services’ business contacts, which the spec classifies public (README: “marked x-data-classification: public on purpose”); no personal data in URLs; attested.',
    },
    'no-advertising': { status: 'pass', why: 'No scripts, pixels or tracker hosts; attested.' },
    'right-to-data': {
      status: 'pass',
      why: 'POST /exports answers 202 with Location; the job is queued, then running with Retry-After, and complete on the fourth poll; all five datasets in NDJSON and CSV (UTF-8), manifest SHA-256, bytes and counts matching; exactly the records the API lists, with the API’s values.',
    },
    'easy-exit': {
      status: 'pass',
      why: 'Strict UTF-8 NDJSON and RFC 4180 CSV with no day-first dates; the NDJSON export imports into the reference server and reads back intact; attested.',
    },
    secure: {
      status: 'pass',
      why: 'TLS 1.2+ only (plain http on the port is refused), HSTS (two years) on every response, tokens refused in the query string, problem+json errors without internals, writes (POST /exports) refused without a token, 429 with Retry-After past 30 anonymous requests in 2 s; attested.',
    },
    seamless: {
      status: 'pass',
      why: 'Every error is application/problem+json {type, title, status, detail}; every list is an ORUK page envelope as the profile declares.',
    },
    transparent: {
      status: 'pass',
      why: 'info.version 2.8.1 (semver), x-changelog and X-API-Version; no operation is deprecated; attested.',
    },
    'open-standards': {
      status: 'pass',
      why: 'Dates and date-times are RFC 3339, UPRNs and postcodes canonical, GSS codes well formed, errors RFC 9457, JSON UTF-8, pages reach their end without loops.',
    },
  },
  level: 'gold',
  certifiable: true,
  failingChecks: {},
};

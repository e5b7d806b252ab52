import type { ExpectedVerdict } from '../supplier.ts';

/**
 * Written from the specs before the harness was first run against Highways Classic. Five faults, each
 * a MUST of the baseline or the street-reports spec; everything else about it is as the spec asks.
 *
 * 1. expected_datetime as dd/MM/yyyy HH:mm (API and exports alike).
 * 2. CSV export files in Windows-1252 (the fixtures’ ’ becomes byte 0x92).
 * 3. 400s (bad query parameter, malformed body) as Tomcat HTML pages with a Java stack trace, a JDBC URL and
 *    X-Powered-By; every other error is problem+json {type, title, status}.
 * 4. No Access-Control-Allow-Origin on public responses.
 * 5. /v1/requests.json (deprecated) sends `Deprecation: true` and `Sunset: 2027-03-31`.
 */
export const HIGHWAYS_CLASSIC_EXPECTED: ExpectedVerdict = {
  clauses: {
    'open-api': {
      status: 'fail',
      why: 'Live reports do not match the reference schema nor the supplier’s own description: expected_datetime is declared date-time (baseline DateTime) but served as dd/MM/yyyy HH:mm (fault 1).',
    },
    'public-data': {
      status: 'fail',
      why: 'Public responses carry no Access-Control-Allow-Origin: * (baseline §10, fault 4); they are open and licensed otherwise.',
    },
    'personal-data': {
      status: 'pass',
      why: 'Reporters need a token, refuse invalid ones, are kept per authority (HC-B-0000xx answer 404 to tenant A), never appear in public responses or URLs; attested.',
    },
    'no-advertising': { status: 'pass', why: 'No advertising or tracking anywhere; attested.' },
    'right-to-data': {
      status: 'fail',
      why: 'The export starts free, completes on the second poll, lists NDJSON and CSV for every dataset with a manifest matching the bytes and holds every record; but exported reports are not valid against the reference schema (expected_datetime, fault 1) and the CSV values are not the API’s values once read as the UTF-8 the baseline requires (fault 2).',
    },
    'easy-exit': {
      status: 'fail',
      why: 'CSV files are not strict UTF-8 (fault 2) and values are dd/mm/yyyy dates (fault 1); reports whose expected_datetime is not RFC 3339 cannot be imported into a conforming implementation and read back intact.',
    },
    secure: {
      status: 'fail',
      why: 'The provoked 400s reveal a Java stack trace, class and file names, a JDBC connection string and X-Powered-By (baseline §2, fault 3); TLS, HSTS, tokens and rate limits are as required.',
    },
    seamless: {
      status: 'fail',
      why: 'Errors come in two shapes: text/html for 400s, application/problem+json for the rest (fault 3).',
    },
    transparent: {
      status: 'fail',
      why: 'The deprecated /v1/requests.json sends Deprecation: true (not an RFC 9745 @-date) and Sunset: 2027-03-31 (not an RFC 8594 HTTP-date) (fault 5).',
    },
    'open-standards': {
      status: 'fail',
      why: 'expected_datetime, a date-time field, holds day-first dates (fault 1); the provoked 400 is not RFC 9457 problem+json (fault 3).',
    },
  },
  level: 'none',
  certifiable: false,
  failingChecks: {
    'responses-match-reference':
      'expected_datetime “14/07/2026 05:53” is not a date-time (baseline DateTime, RFC 3339).',
    'responses-match-description':
      'its own description declares expected_datetime as the baseline DateTime (format date-time); the live value is dd/MM/yyyy HH:mm.',
    'public-data-cors': 'no Access-Control-Allow-Origin: * on public responses (baseline §10).',
    'right-to-data-records-valid':
      'exported reports carry expected_datetime as dd/MM/yyyy HH:mm, invalid against ServiceRequest.',
    'right-to-data-export-fidelity':
      'CSV files are Windows-1252: read as the UTF-8 the baseline fixes (§5, §11), a ’ in a report’s description is not the API’s ’.',
    'easy-exit-open-encodings':
      'CSV files are not strict UTF-8 (byte 0x92), and values are dd/mm/yyyy dates.',
    'easy-exit-round-trip':
      'reports whose expected_datetime is not RFC 3339 are invalid records; a conforming implementation cannot import them and read them back intact.',
    'secure-no-internals-in-errors':
      'the provoked 400s are Tomcat pages with a Java stack trace, class and file names, a jdbc:oracle URL and X-Powered-By (baseline §2).',
    'seamless-error-shape': '400s are text/html while 401, 404 and 405 are application/problem+json.',
    'transparent-deprecation-announced':
      'Deprecation: true is not an RFC 9745 structured date (@<seconds>); Sunset: 2027-03-31 is not an HTTP-date (RFC 8594).',
    'open-standards-rfc3339-dates': 'expected_datetime values are day-first dates such as 14/07/2026 05:53.',
    'open-standards-problem-json':
      'the provoked 400 (/reporters?limit=0) is text/html, not application/problem+json.',
  },
};

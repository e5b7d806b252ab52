import type { ExpectedVerdict } from '../supplier.ts';

/**
 * What Council Conform must say of licensing-gateway, written from the specs before the supplier was first
 * run. A legacy premises-licences product: 600 licences, a public register whose list dies half way, old
 * paths deprecated with headers in the wrong syntax, and a register read by id that still shows individuals.
 * (After the first run the by-id leak moved from a whole licence record to free text in a valid entry, so that
 * which record the harness happens to read by id cannot change the verdict; the expected verdict is unchanged.)
 */
export const expected: ExpectedVerdict = {
  clauses: {
    'open-api': {
      status: 'pass',
      why: 'the description (the reference with two deprecated legacy paths added) lints clean and covers the profile; the listed records match the reference and the description',
    },
    'public-data': {
      status: 'pass',
      why: 'the register answers without credentials with CORS * and the OGL licence link',
    },
    'personal-data': {
      status: 'fail',
      why: 'GET /register/{id}, a public operation, answers an entry held by individuals with the licensee’s name, mobile number and e-mail in its hours_note, although the register list withholds individuals',
    },
    'no-advertising': {
      status: 'pass',
      why: 'nothing of advertising or tracking in records or description',
    },
    'right-to-data': {
      status: 'pass',
      why: 'the export completes with NDJSON and CSV of both datasets, all 600 licences each, manifest counts and checksums right, values equal to the API’s (the register’s unreachable tail is the pagination check’s failure, not the export’s)',
    },
    'easy-exit': {
      status: 'pass',
      why: 'UTF-8, RFC 4180 CSV, RFC 3339 dates, and NDJSON in the reference format that the reference server imports unchanged',
    },
    secure: {
      status: 'pass',
      why: 'https only with HSTS, tokens only in the Authorization header, no writes to refuse, 429 with Retry-After under a burst, no internals in errors',
    },
    seamless: {
      status: 'pass',
      why: 'one problem+json error shape; the first pages of every list are cursor pages with Link rel="next"',
    },
    transparent: {
      status: 'fail',
      why: 'the deprecated GET /licences and GET /public-register answer Deprecation: yes (RFC 9745 wants a structured date, @<seconds>) and Sunset: 2027-06-30 (RFC 8594 wants an HTTP-date)',
    },
    'open-standards': {
      status: 'fail',
      why: 'the public register cannot be listed to its end: the page at record 501 of 600 answers 500, so 100 licences can never be listed',
    },
  },
  level: 'none',
  certifiable: false,
  failingChecks: {
    'personal-data-not-in-public':
      'baseline §3 and the spec: an individual holder is shown in the public register only as {"type": "individual", "withheld": true}; GET /register/{id} answers their name, phone and e-mail to anyone, in the entry’s hours_note',
    'transparent-deprecation-announced':
      'baseline §9: a deprecated operation answers Deprecation (RFC 9745, @<unix seconds>) and Sunset (RFC 8594, an HTTP-date); this one sends "yes" and an ISO date',
    'open-standards-pagination':
      'baseline §7: a cursor reaches the last page (next: null); the register’s sixth page of 100 answers 500 every time, so its list never reaches its end',
  },
};

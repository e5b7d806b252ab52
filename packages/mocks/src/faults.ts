import type { ClauseId } from '@council-conform/clauses';
import { EXPLORE_FAULT_CATALOGUE } from './explore-faults.ts';

/**
 * The fault catalogue: each fault changes one behaviour of a conformant mock supplier the way real
 * suppliers get it wrong. The fault matrix runs every check against every fault, so each entry names the
 * clause it breaks and tells its story in one line a procurement officer would recognise.
 */
export interface Fault {
  readonly id: FaultId;
  readonly clause: ClauseId;
  readonly story: string;
}

const CATALOGUE = [
  {
    id: 'export-payment-required',
    clause: 'right-to-data',
    story: 'The export answers 402 Payment Required: the council must pay to reach its own data.',
  },
  {
    id: 'export-contact-sales',
    clause: 'right-to-data',
    story: 'The export answers 403 with a "contact your account manager" problem type instead of starting.',
  },
  {
    id: 'export-omits-records',
    clause: 'right-to-data',
    story:
      'The export silently leaves out records the API lists (manifest counts agree with the short files).',
  },
  {
    id: 'export-extra-records',
    clause: 'right-to-data',
    story: 'The export holds records the API does not know, such as other councils’ data.',
  },
  {
    id: 'export-csv-omits-records',
    clause: 'right-to-data',
    story:
      'The CSV export silently drops one record in ten and carries last week’s values, while the NDJSON file and the manifest are honest.',
  },
  {
    id: 'export-manifest-count-lies',
    clause: 'right-to-data',
    story: 'The manifest claims more records than the files hold.',
  },
  {
    id: 'export-manifest-checksum-lies',
    clause: 'right-to-data',
    story: 'The manifest’s SHA-256 checksums do not match the files.',
  },
  {
    id: 'export-proprietary-format-only',
    clause: 'right-to-data',
    story: 'The export only comes as a spreadsheet in a vendor format, not NDJSON or CSV.',
  },
  {
    id: 'export-stale-snapshot',
    clause: 'right-to-data',
    story: 'The export is an old snapshot: its records carry last week’s values, not what the API serves.',
  },
  { id: 'export-never-finishes', clause: 'right-to-data', story: 'The export job stays "running" forever.' },
  {
    id: 'export-truncated-file',
    clause: 'right-to-data',
    story: 'An export file stops half way through a record.',
  },
  {
    id: 'export-invalid-utf8',
    clause: 'easy-exit',
    story: 'Export files are encoded in Windows-1252 while claiming UTF-8.',
  },
  {
    id: 'export-csv-broken-quoting',
    clause: 'easy-exit',
    story: 'CSV cells holding commas, quotes or newlines are not quoted (RFC 4180 broken).',
  },
  { id: 'export-ddmmyyyy-dates', clause: 'easy-exit', story: 'Dates in the export files are dd/mm/yyyy.' },
  {
    id: 'public-endpoint-requires-token',
    clause: 'public-data',
    story: 'Data the council publishes anyway is locked behind a token.',
  },
  {
    id: 'public-no-cors',
    clause: 'public-data',
    story: 'Public operations send no CORS header, so no web page can use them.',
  },
  {
    id: 'no-licence',
    clause: 'public-data',
    story: 'Public data carries no licence, in the description or the response.',
  },
  {
    id: 'personal-endpoint-open',
    clause: 'personal-data',
    story: 'Personal data answers without any token.',
  },
  {
    id: 'personal-bad-token-accepted',
    clause: 'personal-data',
    story: 'Any bearer token is accepted, valid or not.',
  },
  {
    id: 'cross-tenant-readable',
    clause: 'personal-data',
    story: 'One council’s token can read another council’s residents’ records.',
  },
  {
    id: 'cross-tenant-deep-records',
    clause: 'personal-data',
    story:
      'Another council’s records further down its list (migrated ones) can be read with this council’s token; its first records are safe.',
  },
  {
    id: 'personal-data-in-public-response',
    clause: 'personal-data',
    story: 'Public records leak an e-mail, phone number, NI number and date of birth.',
  },
  {
    id: 'personal-query-parameter',
    clause: 'personal-data',
    story:
      'A list is filtered by the resident’s e-mail address in the query string, so it lands in every log.',
  },
  {
    id: 'advert-markup',
    clause: 'no-advertising',
    story: 'Responses carry an advertising tracker script and pixel.',
  },
  {
    id: 'http-without-tls-redirect',
    clause: 'secure',
    story: 'The API answers over plain http instead of redirecting to https.',
  },
  { id: 'no-hsts', clause: 'secure', story: 'No Strict-Transport-Security header on https responses.' },
  {
    id: 'tls-legacy-versions',
    clause: 'secure',
    story: 'The https side still accepts TLS 1.0 and 1.1 handshakes, long deprecated (RFC 8996).',
  },
  {
    id: 'credentials-in-query-accepted',
    clause: 'secure',
    story: 'An access token in the query string (?access_token=…) is accepted.',
  },
  {
    id: 'html-errors-with-stack-trace',
    clause: 'secure',
    story: 'Errors come back as an HTML page with a stack trace and file paths.',
  },
  {
    id: 'write-without-token',
    clause: 'secure',
    story: 'Write operations accept requests without any token.',
  },
  {
    id: 'no-rate-limit',
    clause: 'secure',
    story: 'A burst of requests is never limited: no 429, no Retry-After.',
  },
  {
    id: 'inconsistent-error-shape',
    clause: 'seamless',
    story: 'Not-found errors on reads use a home-made JSON shape, unlike the other errors.',
  },
  {
    id: 'inconsistent-pagination',
    clause: 'seamless',
    story: 'One list returns a bare array with no paging while the others page by cursor.',
  },
  {
    id: 'non-semantic-version',
    clause: 'transparent',
    story: 'The description’s version is "2024 release" and it links no changelog.',
  },
  {
    id: 'no-changelog',
    clause: 'transparent',
    story: 'No changelog is linked and no response says which API version answered.',
  },
  {
    id: 'deprecated-without-sunset',
    clause: 'transparent',
    story: 'An operation is marked deprecated with no Deprecation or Sunset header saying when it goes.',
  },
  {
    id: 'deprecation-not-dated',
    clause: 'transparent',
    story:
      'A deprecated operation sends `Deprecation: true` and an ISO 8601 `Sunset`, which no client can read as the dates RFC 9745 and RFC 8594 ask for.',
  },
  { id: 'dates-ddmmyyyy', clause: 'open-standards', story: 'Dates are dd/mm/yyyy instead of RFC 3339.' },
  {
    id: 'uprn-with-spaces',
    clause: 'open-standards',
    story: 'UPRNs are formatted as text with spaces ("1000 2333 6956").',
  },
  {
    id: 'invalid-gss-code',
    clause: 'open-standards',
    story: 'Area codes are local abbreviations, not ONS GSS codes.',
  },
  {
    id: 'errors-not-problem-json',
    clause: 'open-standards',
    story: 'Errors are plain JSON {"message": …} without RFC 9457 fields.',
  },
  {
    id: 'non-utf8-json',
    clause: 'open-standards',
    story: 'JSON bodies are Windows-1252 while the header claims UTF-8.',
  },
  {
    id: 'pagination-loops',
    clause: 'open-standards',
    story: 'The last page’s next link points back to the first page.',
  },
  {
    id: 'pagination-breaks-midway',
    clause: 'open-standards',
    story:
      'A paged list answers 500 from its second page on, so every record after the first page cannot be listed.',
  },
  {
    id: 'description-missing',
    clause: 'open-api',
    story: 'No OpenAPI description at /openapi.json or anywhere linked.',
  },
  {
    id: 'description-not-openapi',
    clause: 'open-api',
    story: '/openapi.json serves an HTML developer-portal page.',
  },
  {
    id: 'description-lies-about-shape',
    clause: 'open-api',
    story: 'The published description promises a field the live API never sends.',
  },
  {
    id: 'nonstandard-field-names',
    clause: 'open-api',
    story:
      'Records use the supplier’s own field names (lastModified) instead of the standard’s, and document them so.',
  },
  {
    id: 'description-missing-operations',
    clause: 'open-api',
    story: 'The published description leaves out operations the API really has.',
  },
  {
    id: 'description-undocumented-errors',
    clause: 'open-api',
    story: 'The published description documents only successes: no 4xx or 5xx response anywhere.',
  },
  {
    id: 'optional-operation-pretends',
    clause: 'open-api',
    story: 'An optional operation the supplier does not offer answers 200 with nothing, not 501.',
  },
  {
    id: 'write-create-drops-field',
    clause: 'open-api',
    story: 'A create answers success but silently drops one of the fields it was sent.',
  },
  {
    id: 'write-update-not-exported',
    clause: 'right-to-data',
    story:
      'An update is accepted and can be read back, but the council’s export leaves it out (where the profile has no update, a new record).',
  },
  {
    id: 'write-readable-by-other-tenant',
    clause: 'personal-data',
    story: 'A record one council has just created can be read with another council’s token.',
  },
  ...EXPLORE_FAULT_CATALOGUE,
] as const satisfies readonly { id: string; clause: ClauseId; story: string }[];

export type FaultId = (typeof CATALOGUE)[number]['id'];

export const FAULTS: readonly Fault[] = CATALOGUE;

export const FAULT_IDS: readonly FaultId[] = FAULTS.map((fault) => fault.id);

export function isFaultId(id: string): id is FaultId {
  return (FAULT_IDS as readonly string[]).includes(id);
}

export function getFault(id: string): Fault {
  const fault = FAULTS.find((candidate) => candidate.id === id);
  if (!fault) {
    throw new RangeError(`"${id}" is not a fault in the catalogue; see \`conform mock --list-faults\``);
  }
  return fault;
}

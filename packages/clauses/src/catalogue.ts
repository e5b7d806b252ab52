import type { Clause, ClauseId, ProcurementAsk } from './types.ts';
import { CLAUSE_IDS } from './types.ts';

// The statements are Council Conform's own plain-English reading of each clause, written for suppliers'
// engineers and councils' procurement officers alike. Ids are stable: reports, the CLI and the dashboard
// all key on them, so an id is never renamed, only a title or text reworded.
export const CLAUSES: readonly Clause[] = [
  {
    id: 'open-api',
    number: 1,
    title: 'Open, documented API',
    requirement:
      'Everything the council can do or see in the product can also be done or read through a documented API. The API is described by a published OpenAPI description that is accurate: every operation listed, every request and response shape stated, and the live API answering as described.',
    assessment: 'automated',
    evidence: {
      automated:
        'The OpenAPI description is discoverable and valid, lints clean against the Council API ruleset, covers every operation the profile requires, and live responses validate against both the reference schemas and the supplier’s own description.',
    },
  },
  {
    id: 'public-data',
    number: 2,
    title: 'Public data is open',
    requirement:
      'Data the council publishes anyway (service directories, planning applications, spending, licences) is available through the API without credentials, under an open licence, and callable from any web page.',
    assessment: 'automated',
    evidence: {
      automated:
        'Public operations answer without credentials, send CORS headers and declare an open licence (the Open Government Licence or equivalent) in the description and the response.',
    },
  },
  {
    id: 'personal-data',
    number: 3,
    title: 'Personal data is protected',
    requirement:
      'Personal and special-category data is only released to an authenticated client entitled to it: never to an anonymous caller, never to another tenant, never in a URL and never mixed into a public response.',
    assessment: 'both',
    evidence: {
      automated:
        'Personal operations refuse a missing or invalid token; another tenant’s record cannot be read; no personal field appears in public responses, URLs or query strings.',
      attested:
        'The supplier attests to its UK GDPR processor obligations: data processing agreement, retention, breach notification and sub-processors.',
    },
  },
  {
    id: 'no-advertising',
    number: 4,
    title: 'No advertising or tracking',
    requirement:
      'The product and its API carry no advertising and no third-party tracking, and council or resident data is never used to target advertising.',
    assessment: 'both',
    evidence: {
      automated: 'No advertising markup, tracking pixels or third-party tracker scripts in any response.',
      attested: 'The supplier attests that no council or resident data is used for advertising or sold on.',
    },
  },
  {
    id: 'right-to-data',
    number: 5,
    title: 'Right to the council’s data',
    requirement:
      'The council can take all of its data, whenever it wants, in full, in open formats and at no extra cost: a self-serve bulk export of every dataset, with a manifest that proves the export is complete.',
    assessment: 'automated',
    evidence: {
      automated:
        'A bulk export can be started and completes within the profile’s time budget without any charge; every dataset is present in NDJSON and CSV; manifest counts and checksums match the files; every record validates and matches what the API returns.',
    },
  },
  {
    id: 'easy-exit',
    number: 6,
    title: 'Easy exit',
    requirement:
      'Leaving the supplier is cheap and safe: the exported data can be loaded into another system without loss, with no proprietary encodings, and the contract carries no exit charges.',
    assessment: 'both',
    evidence: {
      automated:
        'The export round-trips: imported into the reference server, the same records come back through its API; no proprietary encodings survive in the files.',
      attested: 'The supplier attests to no exit fees and to handover assistance at contract end.',
    },
  },
  {
    id: 'inclusion',
    number: 7,
    title: 'Inclusive by design',
    requirement:
      'Every resident- and staff-facing part of the product meets WCAG 2.2 AA and the public sector accessibility regulations, and works for people with low digital skills or assistive technology.',
    assessment: 'attested',
    evidence: {
      attested:
        'A current accessibility statement and an independent WCAG 2.2 AA audit no older than twelve months, attested by the supplier.',
    },
  },
  {
    id: 'secure',
    number: 8,
    title: 'Secure by default',
    requirement:
      'The API is only reachable over modern TLS, uses standard OAuth 2.0 for access, never accepts credentials in URLs, reveals no internals in errors, resists abuse with rate limits and follows the NCSC’s guidance for services it runs.',
    assessment: 'both',
    evidence: {
      automated:
        'Plain HTTP refused or redirected; TLS 1.2 or newer; HSTS; no credentials in query strings; no stack traces in errors; writes need a token; bursts get 429 with Retry-After.',
      attested:
        'The supplier attests to Cyber Essentials Plus (or ISO/IEC 27001), penetration testing at least yearly and a vulnerability disclosure policy.',
    },
  },
  {
    id: 'seamless',
    number: 9,
    title: 'Seamless integration',
    requirement:
      'The API behaves consistently, so one integration pattern works everywhere: the same error format, the same pagination, the same identifiers across every operation and dataset.',
    assessment: 'automated',
    evidence: {
      automated:
        'Every operation uses the same error shape and the same pagination shape, and identifiers are consistent across datasets.',
    },
  },
  {
    id: 'transparent',
    number: 10,
    title: 'Transparent about change',
    requirement:
      'The supplier versions its API, publishes a changelog, and gives notice before anything is withdrawn, so the council’s own integrations never break by surprise.',
    assessment: 'both',
    evidence: {
      automated:
        'A semantic version in the description, a changelog link or version header, and Deprecation and Sunset headers on deprecated operations.',
      attested:
        'The supplier attests to its notice period for breaking changes and publishes its roadmap to the council.',
    },
  },
  {
    id: 'no-discrimination',
    number: 11,
    title: 'No discrimination',
    requirement:
      'Automated decisions and any AI in the product are explainable, tested for bias against protected characteristics, and open to challenge by the residents they affect.',
    assessment: 'attested',
    evidence: {
      attested:
        'An equality impact assessment and, where algorithms affect residents, an Algorithmic Transparency Recording Standard record, attested by the supplier.',
    },
  },
  {
    id: 'open-standards',
    number: 12,
    title: 'Open standards',
    requirement:
      'Data is held and exchanged in open standards: the UK standard for the domain where one exists, UPRN and USRN for places, GSS codes for areas, RFC 3339 dates, UTF-8, RFC 9457 errors.',
    assessment: 'automated',
    evidence: {
      automated:
        'Dates are RFC 3339; UPRN, USRN and GSS codes are valid; provoked errors are RFC 9457 problem details; text is UTF-8; cursor pagination reaches the end without loops.',
    },
  },
  {
    id: 'no-lock-in',
    number: 13,
    title: 'No lock-in',
    requirement:
      'The council is never tied to the supplier by proprietary formats, undocumented dependencies, long auto-renewals or licences that stop it using its own data with another product.',
    assessment: 'attested',
    evidence: {
      attested:
        'The supplier attests to contract terms: no auto-renewal beyond twelve months, no licence restriction on the council’s use of its data, all dependencies documented.',
    },
  },
  {
    id: 'no-bundling',
    number: 14,
    title: 'No bundling',
    requirement:
      'Each module can be bought, priced and replaced on its own; the council is not forced to buy one product to keep another working.',
    assessment: 'attested',
    evidence: {
      attested:
        'The supplier attests that each module is separately priced and that its APIs work with other suppliers’ modules.',
    },
  },
];

export const PROCUREMENT_ASKS: readonly ProcurementAsk[] = [
  {
    id: 'no-exit-costs',
    title: 'No exit costs',
    description: 'No fee of any kind for extracting data or for handover at the end of the contract.',
    strengthens: 'easy-exit',
  },
  {
    id: 'ownership-of-all-data',
    title: 'Ownership of all data, including derived AI models',
    description:
      'The council owns every record it or its residents create, and anything derived from them: reports, indexes and models trained on its data.',
    strengthens: 'right-to-data',
  },
  {
    id: 'full-developer-documentation',
    title: 'Full developer documentation',
    description:
      'Complete, public developer documentation and a sandbox, not documentation behind a paid partner programme.',
    strengthens: 'open-api',
  },
  {
    id: 'freedom-to-repair',
    title: 'Freedom to repair',
    description:
      'The council or a third party it chooses may integrate with, extend or fix around the product without voiding support.',
    strengthens: 'no-lock-in',
  },
  {
    id: 'open-source-by-preference',
    title: 'Open source by preference',
    description: 'Where two products are otherwise equal, the one whose code is open source is preferred.',
    strengthens: 'open-standards',
  },
  {
    id: 'secure-service-management',
    title: 'Secure service management',
    description:
      'The supplier runs the service to the NCSC cloud security principles and reports incidents promptly.',
    strengthens: 'secure',
  },
  {
    id: 'saas-means-saas',
    title: 'SaaS means SaaS',
    description:
      'A product sold as software as a service is genuinely multi-tenant and continuously updated: no charged upgrade projects, no bespoke forks per council.',
    strengthens: 'no-bundling',
  },
];

export function getClause(id: string): Clause {
  const clause = CLAUSES.find((candidate) => candidate.id === id);
  if (!clause) {
    throw new RangeError(`"${id}" is not a checklist clause id; known ids: ${CLAUSE_IDS.join(', ')}`);
  }
  return clause;
}

export function isClauseId(id: string): id is ClauseId {
  return (CLAUSE_IDS as readonly string[]).includes(id);
}

/**
 * The Council API ruleset as one typed table: every rule with the checklist clause it serves, its
 * severity, what it requires and why. The Spectral ruleset, `docs/ruleset.md` and the clause of every
 * finding are all generated from this table and from Spectral's own `oas` rules; nothing else lists rules.
 */
import type { ClauseId } from '@council-conform/clauses';
import { bodySchemas } from './functions/bodySchemas.ts';
import { bulkExport } from './functions/bulkExport.ts';
import { changelogLinked } from './functions/changelogLinked.ts';
import { componentNames } from './functions/componentNames.ts';
import { contactPublished } from './functions/contactPublished.ts';
import { credentialsInQuery } from './functions/credentialsInQuery.ts';
import { deprecationSunset } from './functions/deprecationSunset.ts';
import { errorResponses } from './functions/errorResponses.ts';
import { exportCoversDatasets } from './functions/exportCoversDatasets.ts';
import { exportFree } from './functions/exportFree.ts';
import { exportOpenFormats } from './functions/exportOpenFormats.ts';
import { httpsServers } from './functions/httpsServers.ts';
import { mediaTypes } from './functions/mediaTypes.ts';
import { oasStructure } from './functions/oasStructure.ts';
import { oauthSchemes } from './functions/oauthSchemes.ts';
import { openApiVersion } from './functions/openApiVersion.ts';
import { openLicence } from './functions/openLicence.ts';
import { operationClassified } from './functions/operationClassified.ts';
import { operationsNeedCredentials } from './functions/operationsNeedCredentials.ts';
import { pathTemplates } from './functions/pathTemplates.ts';
import { personalBehindSecurity } from './functions/personalBehindSecurity.ts';
import { personalFieldsBehindSecurity } from './functions/personalFieldsBehindSecurity.ts';
import { personalFieldsClassified } from './functions/personalFieldsClassified.ts';
import { personalNotInPublicResponse } from './functions/personalNotInPublicResponse.ts';
import { personalNotInUrl } from './functions/personalNotInUrl.ts';
import { problemDetails } from './functions/problemDetails.ts';
import { profileOperations } from './functions/profileOperations.ts';
import { publicWithoutCredentials } from './functions/publicWithoutCredentials.ts';
import { refCycles } from './functions/refCycles.ts';
import { secretsNotInResponses } from './functions/secretsNotInResponses.ts';
import { securityDeclared } from './functions/securityDeclared.ts';
import { securitySchemesApplied } from './functions/securitySchemesApplied.ts';
import { selfContained } from './functions/selfContained.ts';
import { sharedIdentifiers } from './functions/sharedIdentifiers.ts';
import { temporalFormats } from './functions/temporalFormats.ts';
import { validExample } from './functions/validExample.ts';
import { oas3_0, pattern, type RuleDefinition, truthy } from './spectral.ts';

export type Severity = 'error' | 'warn' | 'info' | 'hint';

export interface CouncilRule {
  readonly clause: ClauseId;
  readonly severity: Severity;
  /** What the rule requires, in one sentence. */
  readonly description: string;
  /** Why a council cares, for the docs. */
  readonly why: string;
  readonly given: RuleDefinition['given'];
  /** false: judged on the description as written; true: with every `$ref` resolved. */
  readonly resolved: boolean;
  readonly then: RuleDefinition['then'];
  readonly message?: string;
  /** Only part of the ruleset when a profile is linted against (its options come from the profile). */
  readonly needsProfile?: true;
  /** Always part of the ruleset; given the profile's public operations when a profile is linted against. */
  readonly readsProfile?: true;
}

const OPERATIONS = '$.paths[*][get,put,post,delete,options,head,patch,trace]';
const SEMVER =
  '^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$';

export const COUNCIL_RULES = {
  // open-api: an open, documented API.
  'open-api-version': {
    clause: 'open-api',
    severity: 'warn',
    description: 'The description is OpenAPI 3.1; OpenAPI 3.0 is accepted with this warning.',
    why: 'The Council API Baseline and every reference spec are OpenAPI 3.1 (full JSON Schema 2020-12). A 3.0 description is still linted, so a supplier sees every other finding before it migrates.',
    given: '$',
    resolved: false,
    then: { function: openApiVersion },
  },
  'open-api-operation-summary': {
    clause: 'open-api',
    severity: 'error',
    description: 'Every operation has a summary.',
    why: 'A documented API says what each operation does; the summary is what every generated reference and client shows.',
    given: OPERATIONS,
    resolved: true,
    then: { field: 'summary', function: truthy },
    message: 'Operation has no summary: say in a line what it does.',
  },
  'open-api-error-responses': {
    clause: 'open-api',
    severity: 'error',
    description: 'Every operation describes at least one 4xx and one 5xx response.',
    why: 'An accurate description states how an operation fails as well as how it succeeds; clients cannot handle errors nobody documented.',
    given: `${OPERATIONS}.responses`,
    resolved: true,
    then: { function: errorResponses },
  },
  'open-api-body-schemas': {
    clause: 'open-api',
    severity: 'error',
    description: 'Every request and response body has a schema.',
    why: 'A body without a schema states nothing about the data; the checklist asks for every request and response shape.',
    given: '$',
    resolved: true,
    then: { function: bodySchemas },
  },
  'open-api-self-contained': {
    clause: 'open-api',
    severity: 'error',
    description: 'No `$ref` points at another server; the published description is self-contained.',
    why: 'Council Conform never fetches remote references (a linter that follows links can be pointed anywhere), so anything behind one goes unjudged, and the description breaks when that server moves.',
    given: '$',
    resolved: true,
    then: { function: selfContained },
  },
  'open-api-no-ref-cycles': {
    clause: 'open-api',
    severity: 'error',
    description: 'No chain of `$ref`s loops back on itself without reaching a definition.',
    why: '`A: {$ref: B}`, `B: {$ref: A}` describes nothing and sends code generators and validators into a loop. Recursive schemas (a tree of trees) are fine.',
    given: '$',
    resolved: false,
    then: { function: refCycles },
  },
  'open-api-path-templates': {
    clause: 'open-api',
    severity: 'error',
    description: 'Path parameters are templated as `{name}`, not written in the Express style `/logs/:id`.',
    why: 'OpenAPI reads `/logs/:id` as literal text: clients would call `/logs/:id` itself, the parameter is never declared, and no tool can tell an id goes there.',
    given: '$',
    resolved: false,
    then: { function: pathTemplates },
  },
  'open-api-component-names': {
    clause: 'open-api',
    severity: 'error',
    description: 'Every component name matches `^[a-zA-Z0-9.\\-_]+$`, as OpenAPI requires.',
    why: 'Component names become `$ref` pointers, identifiers in generated code and keys in security requirements; a name such as "API Key - 1" breaks generators and is easily mistyped. Schemas under the non-standard `components.definitions` are held to the same names, since they are referenced as schemas are.',
    given: '$',
    resolved: false,
    then: { function: componentNames },
  },
  'open-api-profile-operations': {
    clause: 'open-api',
    severity: 'error',
    description: 'With `--profile`, every operation the profile requires is present (by operationId).',
    why: 'A profile is what a council names in a contract; an operation it requires and the description lacks is functionality the council cannot reach.',
    given: '$',
    resolved: true,
    then: { function: profileOperations },
    needsProfile: true,
  },

  // public-data: public data is open.
  'public-data-no-credentials': {
    clause: 'public-data',
    severity: 'error',
    description: 'An operation classified `public` declares `security: []`: it needs no credentials.',
    why: 'Data the council publishes anyway must be callable by anyone, from any web page, without signing up.',
    given: '$',
    resolved: true,
    then: { function: publicWithoutCredentials },
  },
  'public-data-security-declared': {
    clause: 'public-data',
    severity: 'warn',
    description:
      'Every operation classified `public` states its security (`security: []`), itself or through a document default.',
    why: 'Open must be a statement, not an accident. Any other operation without security is an error of its own (`secure-operations-need-credentials`, `personal-data-behind-security`).',
    given: '$',
    resolved: false,
    then: { function: securityDeclared },
  },
  'public-data-open-licence': {
    clause: 'public-data',
    severity: 'error',
    description:
      'A description that serves public data (an operation classified `public`, or one serving a dataset the `--profile` calls public) declares an open licence (OGL v3.0 or equivalent) in `info.license`.',
    why: 'Public data is only open if people may reuse it; the Open Government Licence (or CC BY, CC0, ODbL) says they may. An operation that merely lacks security is not public data: a lettings log anyone can call is a security gap, not open data.',
    given: '$',
    resolved: true,
    then: { function: openLicence },
    readsProfile: true,
  },

  // personal-data: personal data is protected.
  'personal-data-operation-classified': {
    clause: 'personal-data',
    severity: 'error',
    description: 'Every operation carries `x-data-classification: public | personal | special-category`.',
    why: 'The classification is how a council, and this ruleset, tell what must be open from what must be protected.',
    given: '$',
    resolved: true,
    then: { function: operationClassified },
  },
  'personal-data-behind-security': {
    clause: 'personal-data',
    severity: 'error',
    description: 'An operation classified personal or special-category cannot be called without credentials.',
    why: 'Personal data is only released to an authenticated client entitled to it, never to an anonymous caller.',
    given: '$',
    resolved: true,
    then: { function: personalBehindSecurity },
  },
  'personal-data-fields-behind-security': {
    clause: 'personal-data',
    severity: 'error',
    description:
      'An operation that can be called without credentials returns no unclassified field that looks personal or special-category (ethnicity, health, sex, age, name, e-mail, full postcode…); the finding names the fields.',
    why: 'Suppliers seldom label their fields, so a clean result must mean nothing is exposed, not that nothing was classified. Judged by field names (numbered and abbreviated ones too, such as `sex1`, `ethnic`, `postcode_full`); a field classified `public` on purpose is left alone.',
    given: '$',
    resolved: false,
    then: { function: personalFieldsBehindSecurity },
  },
  'personal-data-no-secrets-in-responses': {
    clause: 'personal-data',
    severity: 'error',
    description:
      'No response returns a password, a PIN or a hash of one, whatever its security (a `writeOnly` field is fine).',
    why: 'A server checks a secret and never needs to hand it back; a response is logged, cached and shown in ways a request is not.',
    given: '$',
    resolved: false,
    then: { function: secretsNotInResponses },
  },
  'personal-data-not-in-url': {
    clause: 'personal-data',
    severity: 'error',
    description: 'No path or query parameter carries personal data (classified so, or named for a person).',
    why: 'URLs are written to server logs, proxies, browser history and Referer headers; personal data never goes in one.',
    given: '$',
    resolved: false,
    then: { function: personalNotInUrl },
  },
  'personal-data-not-in-public-response': {
    clause: 'personal-data',
    severity: 'error',
    description:
      'No field classified personal or special-category is reachable from a public operation’s successful response.',
    why: 'Personal data is never mixed into a public response, however it is nested.',
    given: '$',
    resolved: false,
    then: { function: personalNotInPublicResponse },
  },
  'personal-data-fields-classified': {
    clause: 'personal-data',
    severity: 'warn',
    description:
      'A property named for a person (email, phone, date of birth, NI number, ethnicity, health, sex…) carries `x-data-classification`.',
    why: 'The other personal-data rules can only protect what is classified. Judged by name (numbered, abbreviated and any-case names too), so it warns: mark business contact data `public` on purpose.',
    given: '$',
    resolved: false,
    then: { function: personalFieldsClassified },
  },

  // right-to-data and easy-exit: the council can take all of its data, and leave.
  'right-to-data-bulk-export': {
    clause: 'right-to-data',
    severity: 'error',
    description:
      'The baseline bulk export is described: `POST /exports`, `GET /exports/{exportId}`, `GET /exports/{exportId}/files/{fileName}`.',
    why: 'The council can take all of its data, whenever it wants, without asking the supplier.',
    given: '$',
    resolved: true,
    then: { function: bulkExport },
  },
  'right-to-data-export-free': {
    clause: 'right-to-data',
    severity: 'error',
    description: 'Export operations have no payment step: no 402 response, no price, fee or payment field.',
    why: 'The council’s own data comes back at no extra cost; an export that can answer 402 is not a right.',
    given: '$',
    resolved: true,
    then: { function: exportFree },
  },
  'right-to-data-all-datasets': {
    clause: 'right-to-data',
    severity: 'error',
    description:
      'Where the export lists the datasets it covers, it covers every dataset the description exposes (one `<dataset>:read` scope each).',
    why: 'An export that leaves a dataset out is not all of the council’s data.',
    given: '$',
    resolved: true,
    then: { function: exportCoversDatasets },
  },
  'easy-exit-open-formats': {
    clause: 'easy-exit',
    severity: 'error',
    description: 'Export files are offered as NDJSON and CSV, and in no proprietary or opaque format.',
    why: 'Exported data must load into another system without loss and without the supplier’s software.',
    given: '$',
    resolved: true,
    then: { function: exportOpenFormats },
  },

  // secure: secure by default.
  'secure-https-servers': {
    clause: 'secure',
    severity: 'error',
    description: 'Every absolute server URL is https.',
    why: 'The API is only reachable over TLS; a plain-HTTP server in the description invites clients to send tokens in the clear.',
    given: '$',
    resolved: false,
    then: { function: httpsServers },
  },
  'secure-operations-need-credentials': {
    clause: 'secure',
    severity: 'error',
    description:
      'An operation not classified `public` cannot be called without credentials (operations classified personal are judged by `personal-data-behind-security`).',
    why: 'Secure by default: an operation is only open to anyone when the description says it serves public data. Anything else without security is open by accident, and writes most of all.',
    given: '$',
    resolved: true,
    then: { function: operationsNeedCredentials },
  },
  'secure-schemes-applied': {
    clause: 'secure',
    severity: 'warn',
    description: 'Every security scheme defined is applied by a `security` requirement somewhere.',
    why: 'A scheme nothing requires describes protection the API does not declare: readers and generated clients take the operations for open and the scheme for decoration.',
    given: '$',
    resolved: false,
    then: { function: securitySchemesApplied },
  },
  'secure-oauth-schemes': {
    clause: 'secure',
    severity: 'error',
    description:
      'Security schemes are OAuth 2.0 or OpenID Connect, without the retired implicit and password flows.',
    why: 'Standard OAuth 2.0 lets any council system obtain and rotate tokens the same way; API keys and bespoke schemes do not.',
    given: '$.components.securitySchemes',
    resolved: true,
    then: { function: oauthSchemes },
  },
  'secure-no-credentials-in-query': {
    clause: 'secure',
    severity: 'error',
    description:
      'No API key scheme `in: query` and no query parameter that is a token, key, secret or password.',
    why: 'Credentials in URLs end up in logs and histories; the checklist forbids accepting them there.',
    given: '$',
    resolved: true,
    then: { function: credentialsInQuery },
  },
  'secure-no-basic-auth': {
    clause: 'secure',
    severity: 'error',
    description: 'No HTTP Basic (or Digest) authentication scheme.',
    why: 'Basic authentication sends a long-lived password with every request; access is by OAuth 2.0 tokens.',
    given: "$.components.securitySchemes[?(@ && @.type == 'http')]",
    resolved: true,
    then: { field: 'scheme', function: pattern, functionOptions: { notMatch: '/^(basic|digest)$/i' } },
    message: 'Security scheme uses HTTP {{value}} authentication: use OAuth 2.0 bearer tokens instead.',
  },

  // open-standards: open standards for data.
  'open-standards-dates': {
    clause: 'open-standards',
    severity: 'warn',
    description: 'A field named for a date or time is an RFC 3339 string (`format: date-time` or `date`).',
    why: 'RFC 3339 dates mean the same thing in every system; epoch numbers and free text do not. Judged by name, so it warns.',
    given: '$',
    resolved: false,
    then: { function: temporalFormats },
  },
  'open-standards-identifiers': {
    clause: 'open-standards',
    severity: 'error',
    description:
      'A field carrying a UPRN, USRN or GSS code uses the baseline’s shared schema (its exact pattern, as a string).',
    why: 'UPRN, USRN and GSS codes join council data to everyone else’s; one shared definition means every system agrees what a valid one is.',
    given: '$',
    resolved: false,
    then: { function: sharedIdentifiers },
  },
  'open-standards-problem-details': {
    clause: 'open-standards',
    severity: 'error',
    description: 'Every error response (4xx, 5xx, `default`) is `application/problem+json` (RFC 9457).',
    why: 'One error format across every operation and supplier means one piece of error handling in every council integration.',
    given: '$',
    resolved: true,
    then: { function: problemDetails },
  },
  'open-standards-media-types': {
    clause: 'open-standards',
    severity: 'error',
    description:
      'Bodies are UTF-8 JSON or CSV: no other charset, no XML or spreadsheet formats, no wildcards, text types say `charset=utf-8`.',
    why: 'UTF-8 JSON and CSV are the open formats every council tool reads; anything else needs conversion and loses data.',
    given: '$',
    resolved: true,
    then: { function: mediaTypes },
  },

  // transparent: transparent about change.
  'transparent-semantic-version': {
    clause: 'transparent',
    severity: 'error',
    description: '`info.version` is a semantic version (MAJOR.MINOR.PATCH).',
    why: 'A semantic version tells a council at a glance whether a change can break its integrations.',
    given: '$.info',
    resolved: false,
    then: { field: 'version', function: pattern, functionOptions: { match: SEMVER } },
    message: 'info.version "{{value}}" is not a semantic version (MAJOR.MINOR.PATCH, e.g. 1.4.0).',
  },
  'transparent-contact': {
    clause: 'transparent',
    severity: 'error',
    description: '`info.contact` gives a url or an email.',
    why: 'Councils need somewhere to report problems and to hear about changes before they happen.',
    given: '$.info',
    resolved: false,
    then: { function: contactPublished },
  },
  'transparent-changelog': {
    clause: 'transparent',
    severity: 'error',
    description: 'A changelog is linked: `info.x-changelog`, or `externalDocs` pointing at release notes.',
    why: 'A published changelog is how a council learns what changed and when, without reverse-engineering the API.',
    given: '$',
    resolved: false,
    then: { function: changelogLinked },
  },
  'transparent-sunset': {
    clause: 'transparent',
    severity: 'error',
    description:
      'A deprecated operation says when it goes: a `Sunset` header on its responses, or `x-sunset`.',
    why: 'Notice before anything is withdrawn means council integrations never break by surprise.',
    given: '$',
    resolved: true,
    then: { function: deprecationSunset },
  },
} as const satisfies Record<string, CouncilRule>;

export type CouncilRuleId = keyof typeof COUNCIL_RULES;

/** How the ruleset changes Spectral's own `oas` rules: a severity, or a definition of ours in their place. */
export interface SpectralOverride {
  readonly clause: ClauseId;
  readonly severity: Severity | 'off';
  readonly why: string;
  readonly replaceFunction?: RuleDefinition['then'];
  /** Narrows the OpenAPI versions the rule applies to. */
  readonly formats?: RuleDefinition['formats'];
  /**
   * Judges the description with every `$ref` resolved: a rule that reads it as written never sees what
   * lives in another file, so a description split over files would pass what its bundle fails.
   */
  readonly resolved?: true;
}

export const SPECTRAL_OVERRIDES: Readonly<Record<string, SpectralOverride>> = {
  'oas3-schema': {
    clause: 'open-api',
    severity: 'error',
    why: 'Spectral’s structural validation, except that a path item which is a `$ref` is accepted, as OpenAPI 3.1 allows (Spectral reports it wrongly: stoplightio/spectral#2655). The responses, parameters, headers, request bodies and path items that `$ref`s reach in other files are held to the same schema, each as what its `$ref` stands for, and reported at their own lines.',
    replaceFunction: { function: oasStructure },
  },
  'oas3-valid-media-example': {
    clause: 'open-api',
    severity: 'error',
    why: 'Spectral’s check, unchanged in what it finds, with each schema compiled once per description: Spectral compiles it again for every example it validates, a third of the time a large description takes.',
    replaceFunction: {
      function: validExample,
      functionOptions: { schemaField: 'schema', oasVersion: 3, type: 'media' },
    },
  },
  'oas3-valid-schema-example': {
    clause: 'open-api',
    severity: 'error',
    why: 'Spectral’s check, unchanged in what it finds, with each schema compiled once per description (see `oas3-valid-media-example`).',
    replaceFunction: {
      function: validExample,
      functionOptions: { schemaField: '$', oasVersion: 3, type: 'schema' },
    },
  },
  'array-items': {
    clause: 'open-api',
    severity: 'error',
    why: 'Applied to OpenAPI 3.0 only, where the specification requires `items` beside `type: array`. In OpenAPI 3.1 (JSON Schema 2020-12) an array without `items` is valid (any item), for one an envelope whose items the schemas composing it narrow, so it is not an error here. The Spectral CLI asks for `items` under 3.1 too, so the reference specs give it on every array (the baseline’s `PageLinks.items` takes any item) and read clean there as well. Arrays in files the description refers to are judged too.',
    formats: [oas3_0],
    resolved: true,
  },
  'operation-operationId': {
    clause: 'open-api',
    severity: 'error',
    why: 'Raised from a warning: profiles, checks and generated clients all name operations by operationId.',
  },
  'operation-description': {
    clause: 'open-api',
    severity: 'off',
    why: 'Off: the baseline asks for a summary (`open-api-operation-summary`); a description is welcome but optional.',
  },
  'info-contact': {
    clause: 'transparent',
    severity: 'off',
    why: 'Off: replaced by `transparent-contact`, which also requires the contact to give a url or an email.',
  },
};

/** Findings that come from Spectral's engine rather than a rule. */
export const ENGINE_CODES: Readonly<
  Record<string, { clause: ClauseId; severity: Severity; description: string; why: string }>
> = {
  'invalid-ref': {
    clause: 'open-api',
    severity: 'error',
    description: 'Every `$ref` resolves: the target exists, in this file or a file beside it.',
    why: 'A reference to nothing leaves part of the API undescribed.',
  },
  parser: {
    clause: 'open-api',
    severity: 'error',
    description: 'The YAML or JSON parses cleanly (no duplicate keys or values of the wrong kind).',
    why: 'A document tools read differently is not one description.',
  },
};

import { CLAUSE_IDS } from '@council-conform/clauses';
import { ATTESTATION_JSON_SCHEMA, LEVEL_RULES, LIMIT_KEYS, REPORT_VERSION } from '@council-conform/runner';

/**
 * The published JSON Schemas, written to `docs/` by `pnpm --filter @council-conform/reporters docs`; a test
 * fails when the files there are stale. The report schema's major version follows `reportVersion`: a new
 * major means a consumer must change, a minor only adds optional fields.
 */
const REPO_RAW = 'https://raw.githubusercontent.com/council-conform/council-conform/main/docs';
export const REPORT_SCHEMA_ID = `${REPO_RAW}/report-schema.json`;
export const ATTESTATION_SCHEMA_ID = `${REPO_RAW}/attestation-schema.json`;

const major = REPORT_VERSION.split('.')[0] ?? '1';
const OUTCOME_STATUSES = ['pass', 'fail', 'warn', 'not-applicable', 'not-judged', 'error'] as const;
const CLAUSE_STATUSES = [
  'pass',
  'fail',
  'partial',
  'incomplete',
  'not-judged',
  'attested',
  'not-attested',
  'not-assessed',
] as const;
const HARNESS_ERROR_CODES = [
  'TIMEOUT',
  'BODY_TOO_LARGE',
  'NETWORK',
  'TLS',
  'BUDGET_EXHAUSTED',
  'OTHER_ORIGIN',
  'INVALID_JSON',
  'INVALID_LINK',
  'AUTH',
] as const;

const text = (description: string) => ({ type: 'string', description }) as const;
const count = (description: string) => ({ type: 'integer', minimum: 0, description }) as const;
const stringList = (description: string) =>
  ({ type: 'array', items: { type: 'string' }, description }) as const;
const headers = (description: string) =>
  ({ type: 'object', additionalProperties: { type: 'string' }, description }) as const;
const clauseId = {
  enum: [...CLAUSE_IDS],
  description: 'A clause of the Local Gov Digital Procurement Checklist, by id.',
} as const;

const levelRule = LEVEL_RULES.map(
  (rule) =>
    `${rule.level}: ${rule.clauses.join(', ')} pass by test${rule.attestedAll ? ', and every clause judged wholly or partly by attestation is attested' : ''}`,
).join('; ');

export const REPORT_JSON_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: REPORT_SCHEMA_ID,
  title: `Council Conform run report, version ${major}`,
  description:
    'What `conform run` found when it judged a supplier API against a reference spec profile: every check with its status and evidence, every checklist clause with its status and how it was judged, the level reached and whether a certifier may sign the run. Secrets and personal field values are redacted before anything is written.',
  type: 'object',
  additionalProperties: false,
  required: [
    'reportVersion',
    'runner',
    'profile',
    'target',
    'startedAt',
    'finishedAt',
    'durationMs',
    'requests',
    'preflight',
    'checks',
    'clauses',
    'level',
    'levelProvisional',
    'certifiable',
    'certifiableReasons',
    'notJudged',
    'sampling',
    'attestation',
    'exchanges',
  ],
  properties: {
    reportVersion: {
      type: 'string',
      pattern: `^${major}\\.\\d+\\.\\d+$`,
      description: `Semantic version of this report format (${REPORT_VERSION} when this schema was published). Minor versions only add optional fields. 2.0.0 added the check status \`not-judged\`, the clause status \`not-judged\`, \`levelProvisional\`, \`notJudged\`, \`sampling\`, and a check's \`judged\` and \`toJudge\`. 2.1.0 added \`settings\`, \`partial\`, a check's \`rerunCommand\` and \`expectedFailure\`, and an exchange's \`credential\` and \`curl\`. 2.2.0 added \`dataQuality\`.`,
    },
    runner: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'version'],
      description: 'The program that produced the report.',
      properties: {
        name: text('Name of the runner, `council-conform`.'),
        version: text('Version of the runner.'),
      },
    },
    profile: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'version', 'sha256'],
      description: 'The reference spec profile the supplier was judged against.',
      properties: {
        id: text('Id of the reference spec, for example `street-reports`.'),
        version: text('Version of the reference spec.'),
        sha256: {
          type: 'string',
          pattern: '^[0-9a-f]{64}$',
          description:
            'SHA-256 (hex) of the reference spec’s bundled OpenAPI document as canonical JSON (keys sorted), so a report names exactly what it was judged against.',
        },
      },
    },
    target: {
      type: 'object',
      additionalProperties: false,
      required: ['url', 'mode', 'features'],
      description: 'The supplier API that was judged.',
      properties: {
        url: { type: 'string', format: 'uri', description: 'Base URL of the supplier API.' },
        mode: {
          enum: ['readonly', 'sandbox'],
          description:
            '`readonly`: only safe methods, for production systems. `sandbox`: writes, bursts and full exports are tested too; certification needs a sandbox run.',
        },
        features: stringList(
          'Optional operations of the profile the supplier declared it implements; undeclared optional operations are tested for answering 404, 405 or 501 with a problem document.',
        ),
        container: {
          type: 'object',
          additionalProperties: false,
          required: ['image', 'containerId', 'logs'],
          description:
            'Present when the target was a supplier image started by `conform run --image` (docs/containers.md). Since report format 1.1.0.',
          properties: {
            image: text('The image run, as named to `--image`.'),
            containerId: text('The container the run talked to; it was removed afterwards.'),
            logs: text(
              'The container’s output during the run (capped), with every credential the harness gave it redacted.',
            ),
          },
        },
      },
    },
    startedAt: { type: 'string', format: 'date-time', description: 'When the run started (RFC 3339).' },
    finishedAt: { type: 'string', format: 'date-time', description: 'When the run finished (RFC 3339).' },
    durationMs: count('Wall-clock length of the run in milliseconds.'),
    requests: count('HTTP requests made to the target, pre-flight included.'),
    preflight: {
      type: 'array',
      description:
        'The pre-flight steps run before any check: configuration, reachability, TLS, description, credentials, declared features. A step that is not ok (and not a warning) stops the run as a configuration error.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['step', 'ok'],
        properties: {
          step: text('What was verified.'),
          ok: { type: 'boolean', description: 'Whether it held.' },
          message: text('What was found, and when not ok what to fix.'),
          warning: { type: 'boolean', description: 'True when the problem does not stop the run.' },
        },
      },
    },
    checks: {
      type: 'array',
      description: 'Every check of the catalogue, in the order run.',
      items: { $ref: '#/$defs/checkResult' },
    },
    clauses: {
      type: 'array',
      description:
        'Every clause of the checklist, in checklist order, with its status and how it was judged.',
      items: { $ref: '#/$defs/clauseResult' },
    },
    level: {
      enum: ['gold', 'silver', 'bronze', 'none'],
      description: `The level reached: each level needs every clause of the levels below it. ${levelRule}.`,
    },
    levelProvisional: {
      type: 'boolean',
      description:
        'True when the level counts clauses whose must checks were not all judged by this run (listed in `notJudged`); a certifiable run is never provisional.',
    },
    certifiable: {
      type: 'boolean',
      description:
        'Whether a certifier may sign this run: no must check failed, every check could run, every must check was judged, and the run was in sandbox mode.',
    },
    certifiableReasons: stringList('Why the run is not certifiable; empty when it is.'),
    notJudged: {
      type: 'array',
      description:
        'Every check this run did not judge (a plain-http target for the TLS checks, no second tenant, no round-trip target, a readonly run), with what to give the run so that it can.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['check', 'clause', 'severity', 'reason', 'toJudge'],
        properties: {
          check: text('Id of the check.'),
          clause: clauseId,
          severity: { enum: ['must', 'should'], description: 'A must check not judged stops certification.' },
          reason: text('Why it was not judged.'),
          toJudge: text('What to give the run (a flag, a target, a mode) so that it is judged.'),
        },
      },
    },
    sampling: {
      type: 'object',
      additionalProperties: false,
      required: ['seed'],
      description:
        'How the checks chose the pages and records they sampled (docs/checks.md says, per check).',
      properties: {
        seed: text(
          'Seed of every sample the checks drew; `conform run --seed` with it replays the same choices.',
        ),
      },
    },
    settings: {
      type: 'object',
      additionalProperties: false,
      required: [...LIMIT_KEYS, 'tokenUrl'],
      description:
        'The run’s other settings, none of them secret, so that `conform run --rerun-failed` repeats the run as it was. Since report format 2.1.0.',
      properties: {
        requestsPerSecond: { type: 'number', exclusiveMinimum: 0, description: 'Request rate.' },
        requestTimeoutMs: count('Per-request timeout, in milliseconds.'),
        runBudgetMs: count('The run’s time budget, in milliseconds.'),
        maxResponseBytes: count('Largest response body read, in bytes.'),
        maxRetryAfterMs: count('Longest Retry-After waited out, in milliseconds.'),
        exportBudgetMs: count('How long a bulk export may take, in milliseconds.'),
        tokenUrl: text('The OAuth 2.0 token endpoint, redacted as evidence URLs are.'),
        roundTrip: {
          type: 'object',
          additionalProperties: false,
          required: ['target', 'tokenUrl'],
          description: 'The round-trip target, when the run had one; its credentials are never recorded.',
          properties: {
            target: text('Base URL of the implementation the export was imported into.'),
            tokenUrl: text('Its token endpoint.'),
          },
        },
      },
    },
    partial: {
      type: 'object',
      additionalProperties: false,
      required: ['only', 'skip', 'leftOut'],
      description:
        'Present when the run ran only some checks (`--only`, `--skip`, `--rerun-failed`). Each check left out is in `checks` as `not-judged`, and the run is never certifiable. Since report format 2.1.0.',
      properties: {
        only: stringList(
          'Check or clause ids given to `--only` (for `--rerun-failed`, the checks repeated).',
        ),
        skip: stringList('Check or clause ids given to `--skip`.'),
        rerunOf: {
          type: 'object',
          additionalProperties: false,
          required: ['startedAt', 'checks'],
          description: 'Present for `--rerun-failed`: the run repeated.',
          properties: {
            startedAt: { type: 'string', format: 'date-time', description: 'When the repeated run started.' },
            checks: stringList('The checks that failed or errored in it.'),
          },
        },
        leftOut: stringList('Ids of the checks this run left out.'),
      },
    },
    dataQuality: {
      type: 'object',
      additionalProperties: false,
      required: ['datasets'],
      description:
        'What the records the run read hold, per dataset of the profile (docs/checks.md, “Data quality”): counts the council can turn into shares. Information beside the verdict: it changes no check and no level. Absent from a dry run and a run whose pre-flight failed. Since report format 2.2.0.',
      properties: {
        datasets: {
          type: 'array',
          description: 'One entry per dataset the run read records of, through its list or by id.',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['dataset', 'title', 'recordsRead', 'identifiers', 'dates', 'filled'],
            properties: {
              dataset: text('The profile’s dataset id.'),
              title: text('The profile’s dataset title.'),
              recordsRead: count('Records of the dataset the run read, each id once.'),
              identifiers: {
                type: 'array',
                description:
                  'One entry per field the reference types as a UPRN, USRN or GSS code (by `$ref` to the baseline schema or by its pattern), wherever it sits in a record.',
                items: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['kind', 'field', 'present', 'valid'],
                  properties: {
                    kind: { enum: ['uprn', 'usrn', 'gss'], description: 'Which identifier.' },
                    field: text('The property name.'),
                    present: count('Records carrying a value in it (not null, not an empty string).'),
                    valid: count(
                      'Of those, records whose every value in it is a string matching the identifier’s pattern, as open-standards-address-identifiers and open-standards-gss-codes judge it.',
                    ),
                  },
                },
              },
              dates: {
                type: 'object',
                additionalProperties: false,
                required: ['values', 'parsed'],
                description:
                  'Date values: those of fields the reference declares `date` or `date-time`, and any other whole value written as a day-first date, as open-standards-rfc3339-dates judges them.',
                properties: {
                  values: count('Date values in the records read.'),
                  parsed: count('Of those, values that parse strictly as RFC 3339.'),
                },
              },
              filled: {
                type: 'object',
                additionalProperties: false,
                required: ['values', 'filled'],
                description:
                  'The schema’s top-level properties (less those marked `x-omittable-in-lists`) across the records read.',
                properties: {
                  values: count('Properties × records read.'),
                  filled: count(
                    'Of those, properties present and holding a value: not null, not an empty or blank string, not an empty list or object.',
                  ),
                },
              },
            },
          },
        },
      },
    },
    attestation: {
      description: 'The supplier’s signed attestation the run read, or null when none was given.',
      oneOf: [{ type: 'null' }, { $ref: '#/$defs/attestation' }],
    },
    exchanges: {
      type: 'array',
      description:
        'Every HTTP exchange with the target, as evidence. Checks and violations refer to these by id. Secrets (Authorization, cookies, tokens, client secrets) and personal field values are redacted.',
      items: { $ref: '#/$defs/exchange' },
    },
  },
  $defs: {
    checkResult: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'clause', 'severity', 'title', 'status', 'message', 'durationMs'],
      description: 'The outcome of one check.',
      properties: {
        id: text('Stable kebab-case id of the check; see docs/checks.md.'),
        clause: clauseId,
        severity: {
          enum: ['must', 'should'],
          description: 'A failed `must` check fails its clause; a failed `should` check is advice.',
        },
        title: text('What the check verifies, in one line.'),
        status: {
          enum: [...OUTCOME_STATUSES],
          description:
            '`pass`: it judged something (see `judged`) and found it right; `fail`: the supplier’s API is wrong; `warn`: worth fixing, not failing; `not-applicable`: does not apply to this profile or supplier, with the reason; `not-judged`: applies, but this run did not give what it needs (see `toJudge`); `error`: the check could not run (network, harness), never counted against the supplier.',
        },
        message: text('What was seen, and what to change. Never carries a secret or a personal value.'),
        judged: {
          type: 'object',
          additionalProperties: false,
          required: ['count', 'of'],
          description: 'What the outcome rests on; a pass always judged at least one thing.',
          properties: {
            count: count('How many were judged.'),
            of: text('Of what: records, export files, pages, responses, handshakes.'),
          },
        },
        toJudge: text('For `not-judged`: what to give the run so that the check is judged.'),
        durationMs: count('How long the check took, in milliseconds.'),
        exchangeIds: stringList('Ids of the exchanges that are evidence for the outcome.'),
        violations: {
          type: 'array',
          description:
            'Repeated defects grouped by kind, each with its count and the first examples, so a report stays readable.',
          items: { $ref: '#/$defs/violationGroup' },
        },
        data: {
          type: 'object',
          description: 'Small facts worth keeping: counts, sample sizes, seeds.',
        },
        rerunCommand: text(
          'For a check that failed or errored: the `conform run … --only <id>` command that runs it alone again with the run’s settings. It never carries a secret: credentials come from the CONFORM_* environment variables. Since report format 2.1.0.',
        ),
        expectedFailure: {
          type: 'object',
          additionalProperties: false,
          required: ['reason', 'status'],
          description:
            'Present when the check is listed in the run’s expected failures (`--expected-failures`). Since report format 2.1.0.',
          properties: {
            reason: text('Why the supplier expects it to fail, as the list says.'),
            status: {
              enum: ['expected', 'stale', 'unconfirmed'],
              description:
                '`expected`: it failed, as listed, and does not fail CI; `stale`: it passed, so the list is out of date, and the run exits 1 until it is taken off; `unconfirmed`: it neither failed nor passed this run.',
            },
          },
        },
      },
    },
    violationGroup: {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'count', 'examples'],
      properties: {
        kind: text('The kind of defect.'),
        count: count('How many times it was seen.'),
        examples: {
          type: 'array',
          description: 'The first few occurrences.',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['message'],
            properties: {
              message: text('What is wrong at this place.'),
              location: text('JSON pointer, or `dataset/id#/pointer`, locating the defect.'),
              exchangeId: text('The exchange the defect was seen in.'),
            },
          },
        },
      },
    },
    clauseResult: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'number', 'title', 'assessment', 'status'],
      description: 'The verdict on one checklist clause.',
      properties: {
        id: clauseId,
        number: { type: 'integer', minimum: 1, description: 'Position of the clause in the checklist.' },
        title: text('Title of the clause.'),
        assessment: {
          enum: ['automated', 'attested', 'both'],
          description:
            'How the clause is judged: `automated` by checks alone, `attested` by the supplier’s signed attestation alone, `both` by checks and an attestation for what a machine cannot judge.',
        },
        status: {
          enum: [...CLAUSE_STATUSES],
          description:
            '`pass`: every must check passed (and, for clauses judged by both, the rest is attested); `fail`: a must check failed; `partial`: the checks passed but the attested part is missing; `incomplete`: a must check could not run; `not-judged`: nothing failed, but a must check was not judged by this run; `attested`: judged only by attestation, never by test; `not-attested`: judged only by attestation and none was given; `not-assessed`: no must check applied to this target.',
        },
        automated: {
          type: 'object',
          additionalProperties: false,
          required: ['status', 'checks'],
          description: 'The part judged by test; absent for clauses judged only by attestation.',
          properties: {
            status: {
              enum: ['pass', 'fail', 'incomplete', 'not-judged', 'not-assessed'],
              description: 'Verdict of the clause’s must checks.',
            },
            checks: stringList('Ids of the clause’s checks.'),
          },
        },
        attested: {
          description:
            'The supplier’s statement for the clause, or null when none was given; absent for clauses judged only by test.',
          oneOf: [
            { type: 'null' },
            {
              type: 'object',
              additionalProperties: false,
              required: ['statement'],
              properties: {
                statement: text('What the supplier attests.'),
                evidence: stringList('Where the evidence behind the statement can be read.'),
              },
            },
          ],
        },
      },
    },
    attestation: {
      type: 'object',
      additionalProperties: false,
      required: ['supplier', 'product', 'signedBy', 'date', 'statements'],
      description: `The supplier attestation, as read; its file format is published at ${ATTESTATION_SCHEMA_ID}.`,
      properties: {
        supplier: text('The supplier’s legal name.'),
        product: text('The product and version attested.'),
        signedBy: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'role'],
          description: 'Who signed the attestation for the supplier.',
          properties: { name: text('Their name.'), role: text('Their role.') },
        },
        date: { type: 'string', format: 'date', description: 'When it was signed.' },
        statements: {
          type: 'array',
          description: 'One statement per attested clause.',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['clause', 'statement'],
            properties: {
              clause: clauseId,
              statement: text('What the supplier attests.'),
              evidence: stringList('Where the evidence behind the statement can be read.'),
            },
          },
        },
      },
    },
    exchange: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'startedAt', 'durationMs', 'request'],
      description:
        'One HTTP request to the target and its response, redacted; or one other observation (a TLS handshake).',
      properties: {
        id: text(
          'Id the checks refer to: `ex-0001` onwards for the target, `rt-0001` onwards for the round-trip target.',
        ),
        note: text('Why the request was made.'),
        credential: {
          enum: ['primary', 'secondary', 'check'],
          description:
            'Whose credential the harness put on the request: tenant one’s, tenant two’s, or one a check made up for the API to refuse. The value is never recorded. Since report format 2.1.0.',
        },
        curl: text(
          'For the evidence of a check that failed or errored: a `curl` command that sends the request again, the credential written as the environment variable that holds one (`$CONFORM_TOKEN`, `$CONFORM_SECOND_TOKEN`, `$CONFORM_CHECK_TOKEN`, `$CONFORM_ROUND_TRIP_TOKEN`), never its value. Since report format 2.1.0.',
        ),
        observation: text(
          'For evidence that is not an HTTP exchange (a TLS handshake): what was observed. Such an exchange has no response.',
        ),
        startedAt: { type: 'string', format: 'date-time', description: 'When the request was sent.' },
        durationMs: count('How long the exchange took, in milliseconds.'),
        request: {
          type: 'object',
          additionalProperties: false,
          required: ['method', 'url', 'headers'],
          properties: {
            method: text('HTTP method.'),
            url: text('Full URL, with secret query parameters redacted.'),
            headers: headers('Request headers by lower-case name; credentials redacted.'),
            bodyPreview: text('The start of the request body, redacted.'),
          },
        },
        response: {
          type: 'object',
          additionalProperties: false,
          required: ['status', 'headers', 'bytes', 'bodyPreview'],
          description: 'Absent when no response arrived (see error).',
          properties: {
            status: { type: 'integer', minimum: 100, maximum: 599, description: 'HTTP status code.' },
            headers: headers('Response headers by lower-case name; cookies redacted.'),
            bytes: count('Size of the response body in bytes.'),
            bodyPreview: text('The start of the response body, with secrets and personal values redacted.'),
          },
        },
        error: {
          type: 'object',
          additionalProperties: false,
          required: ['code', 'message'],
          description: 'Why no usable response arrived.',
          properties: {
            code: { enum: [...HARNESS_ERROR_CODES], description: 'Stable error code.' },
            message: text('What happened.'),
          },
        },
      },
    },
  },
} as const;

/** The supplier attestation file's schema, as published: the runner's validation schema with an `$id`. */
const { $schema: attestationDialect, ...attestationRest } = ATTESTATION_JSON_SCHEMA;
export const ATTESTATION_PUBLISHED_SCHEMA = {
  $schema: attestationDialect,
  $id: ATTESTATION_SCHEMA_ID,
  ...attestationRest,
} as const;

/** The files `docs` writes, by name under docs/. */
export function renderSchemaDocs(): Record<string, string> {
  return {
    'report-schema.json': `${JSON.stringify(REPORT_JSON_SCHEMA, null, 2)}\n`,
    'attestation-schema.json': `${JSON.stringify(ATTESTATION_PUBLISHED_SCHEMA, null, 2)}\n`,
  };
}

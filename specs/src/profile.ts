/**
 * A profile is what a council names in a contract ("must pass Council Conform profile housing-repairs"):
 * the operations and datasets a supplier of that kind of system must offer. It lives beside each spec as
 * `profile.yaml` and is the one place that ties operations, schemas and fixtures to datasets, so mocks and
 * checks are driven by data rather than written per endpoint.
 */

/** The data-access tiers a council can write into a tender, lowest to highest. */
export const DATA_ACCESS_TIERS = [
  'data-on-request',
  'scheduled-exports',
  'queued-self-serve-export',
  'immediate-self-serve-export',
] as const;
export type DataAccessTier = (typeof DATA_ACCESS_TIERS)[number];

export const DATA_CLASSIFICATIONS = ['public', 'personal', 'special-category'] as const;
export type DataClassification = (typeof DATA_CLASSIFICATIONS)[number];

/**
 * How a dataset's list operation pages. `cursor` is the baseline; the others exist because a domain
 * standard fixes them (Open Referral UK's page envelope, Open311 GeoReport's bare arrays).
 */
export const LIST_STYLES = ['cursor', 'oruk-page', 'array'] as const;
export type ListStyle = (typeof LIST_STYLES)[number];

export interface DatasetProfile {
  /** Dataset id as used in exports and scopes: lower case, `_` or `-` separated. */
  id: string;
  title: string;
  /** Name of the record schema under `components/schemas`. */
  schema: string;
  classification: DataClassification;
  /** Property of a record that holds its id. */
  idField: string;
  /** operationId of the list operation. */
  list: string;
  /** operationId of the get-by-id operation. */
  get: string;
  /** Fixture file, relative to the spec folder. */
  fixtures: string;
  listStyle?: ListStyle;
  /**
   * Query parameters with which the list reaches every record, where its unfiltered form may not (a domain
   * standard's default window, such as Open311's last 90 days). Clients enumerate the dataset with them.
   */
  allRecordsQuery?: Record<string, string>;
  /** A main entity of the system: needs at least 100 fixture records. */
  main?: boolean;
  /** The writes a supplier must support on this dataset, proven in sandbox mode by the write workflow. */
  writes?: DatasetWrites;
}

/**
 * How a client writes records of a dataset, and what a sandbox run sends to prove it: create, read back,
 * list, update, export, close. Every operation named here must be one of the profile's operations.
 */
export interface DatasetWrites {
  create: {
    /** operationId of the create: the writes are required when it is, else proven where a supplier offers it. */
    operation: string;
    /**
     * Fields a create must send (beyond the request schema's required ones): each must come back on the
     * record as sent.
     */
    send: string[];
    /** Request fields that name a record of another dataset: sent with the id of a record listed there. */
    references?: Record<string, string>;
  };
  /** A free-text field of the request that keeps what it is sent: it carries the harness's tag. */
  tagField: string;
  /**
   * Query parameters that narrow the dataset's list to the new record, `{id}` standing for its id; the
   * list is walked with them (and `allRecordsQuery`) until the record is found.
   */
  listFilter?: Record<string, string>;
  update?: {
    operation: string;
    /** Where the record's id goes: a path parameter (`path`), or the named field of the body. */
    idIn: 'path' | { body: string };
    /** Fields the update sends: each must then be seen as sent, on the record or on `recordedIn`'s record. */
    send: string[];
    /**
     * A dataset whose new record carries the change (an update recorded as a record of its own, such as a
     * FixMyStreet service request update), with the field there that holds the updated record's id.
     */
    recordedIn?: { dataset: string; linkField: string };
  };
  /** Removes or closes the record: the harness calls it for every record it wrote, at the end of the run. */
  close?: { operation: string };
  /** The record (and any update) must be in a fresh export of the council's data. */
  exportable: boolean;
}

export interface SpecProfile {
  id: string;
  title: string;
  /** Equals the spec's `info.version`. */
  version: string;
  /** Baseline version the spec is written on. */
  baseline: string;
  summary: string;
  systemType: string;
  standard: {
    name: string;
    version: string;
    url: string;
    /** `follows`: the standard's shapes kept; `adapted`: shapes turned into REST; `none`: no standard exists. */
    alignment: 'follows' | 'adapted' | 'none';
  };
  tier: DataAccessTier;
  datasets: DatasetProfile[];
  operations: { required: string[]; optional: string[] };
}

const SLUG = '^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$';
const SEMVER = '^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)(?:-[0-9A-Za-z.-]+)?$';

export const PROFILE_JSON_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: [
    'id',
    'title',
    'version',
    'baseline',
    'summary',
    'systemType',
    'standard',
    'tier',
    'datasets',
    'operations',
  ],
  properties: {
    id: { type: 'string', pattern: SLUG },
    title: { type: 'string', minLength: 1 },
    version: { type: 'string', pattern: SEMVER },
    baseline: { type: 'string', pattern: SEMVER },
    summary: { type: 'string', minLength: 1 },
    systemType: { type: 'string', minLength: 1 },
    standard: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'version', 'url', 'alignment'],
      properties: {
        name: { type: 'string', minLength: 1 },
        version: { type: 'string', minLength: 1 },
        url: { type: 'string', format: 'uri' },
        alignment: { enum: ['follows', 'adapted', 'none'] },
      },
    },
    tier: { enum: [...DATA_ACCESS_TIERS] },
    datasets: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'title', 'schema', 'classification', 'idField', 'list', 'get', 'fixtures'],
        properties: {
          id: { type: 'string', pattern: SLUG },
          title: { type: 'string', minLength: 1 },
          schema: { type: 'string', minLength: 1 },
          classification: { enum: [...DATA_CLASSIFICATIONS] },
          idField: { type: 'string', minLength: 1 },
          list: { type: 'string', minLength: 1 },
          get: { type: 'string', minLength: 1 },
          fixtures: { type: 'string', pattern: '^fixtures/[a-z0-9_-]+\\.json$' },
          listStyle: { enum: [...LIST_STYLES] },
          allRecordsQuery: {
            type: 'object',
            minProperties: 1,
            additionalProperties: { type: 'string' },
            propertyNames: { pattern: '^[a-z][a-z0-9_]*$' },
          },
          main: { type: 'boolean' },
          writes: {
            type: 'object',
            additionalProperties: false,
            required: ['create', 'tagField', 'exportable'],
            properties: {
              create: {
                type: 'object',
                additionalProperties: false,
                required: ['operation', 'send'],
                properties: {
                  operation: { type: 'string', minLength: 1 },
                  send: { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true },
                  references: {
                    type: 'object',
                    minProperties: 1,
                    additionalProperties: { type: 'string', pattern: SLUG },
                  },
                },
              },
              tagField: { type: 'string', minLength: 1 },
              listFilter: {
                type: 'object',
                minProperties: 1,
                additionalProperties: { type: 'string' },
                propertyNames: { pattern: '^[a-z][a-z0-9_]*$' },
              },
              update: {
                type: 'object',
                additionalProperties: false,
                required: ['operation', 'idIn', 'send'],
                properties: {
                  operation: { type: 'string', minLength: 1 },
                  idIn: {
                    oneOf: [
                      { const: 'path' },
                      {
                        type: 'object',
                        additionalProperties: false,
                        required: ['body'],
                        properties: { body: { type: 'string', minLength: 1 } },
                      },
                    ],
                  },
                  send: {
                    type: 'array',
                    minItems: 1,
                    items: { type: 'string', minLength: 1 },
                    uniqueItems: true,
                  },
                  recordedIn: {
                    type: 'object',
                    additionalProperties: false,
                    required: ['dataset', 'linkField'],
                    properties: {
                      dataset: { type: 'string', pattern: SLUG },
                      linkField: { type: 'string', minLength: 1 },
                    },
                  },
                },
              },
              close: {
                type: 'object',
                additionalProperties: false,
                required: ['operation'],
                properties: { operation: { type: 'string', minLength: 1 } },
              },
              exportable: { type: 'boolean' },
            },
          },
        },
      },
    },
    operations: {
      type: 'object',
      additionalProperties: false,
      required: ['required', 'optional'],
      properties: {
        required: { type: 'array', items: { type: 'string' }, uniqueItems: true },
        optional: { type: 'array', items: { type: 'string' }, uniqueItems: true },
      },
    },
  },
} as const;

/**
 * What the JSON Schema cannot say about a profile's writes: each operation is one of the profile's, and each
 * dataset a write names is one of its datasets. Empty when all is well.
 */
export function profileWritesProblems(profile: SpecProfile): string[] {
  const operations = new Set([...profile.operations.required, ...profile.operations.optional]);
  const datasets = new Set(profile.datasets.map((d) => d.id));
  const problems: string[] = [];
  for (const dataset of profile.datasets) {
    const writes = dataset.writes;
    if (!writes) continue;
    const at = `datasets[${dataset.id}].writes`;
    const named: [string, string | undefined][] = [
      ['create.operation', writes.create.operation],
      ['update.operation', writes.update?.operation],
      ['close.operation', writes.close?.operation],
    ];
    for (const [where, operation] of named)
      if (operation !== undefined && !operations.has(operation))
        problems.push(`${at}.${where}: "${operation}" is not one of the profile's operations`);
    for (const [field, target] of Object.entries(writes.create.references ?? {}))
      if (!datasets.has(target))
        problems.push(`${at}.create.references.${field}: "${target}" is not one of the profile's datasets`);
    const recordedIn = writes.update?.recordedIn?.dataset;
    if (recordedIn !== undefined && !datasets.has(recordedIn))
      problems.push(`${at}.update.recordedIn.dataset: "${recordedIn}" is not one of the profile's datasets`);
  }
  return problems;
}

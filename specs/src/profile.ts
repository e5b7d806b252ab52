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

import type { ClauseId } from '@council-conform/clauses';
import type { JsonObject, SchemaValidator } from '@council-conform/openapi';
import type { HarnessHttp } from './http.ts';

export type Severity = 'must' | 'should';

/**
 * `fail`: the supplier's API is wrong. `error`: the check could not run (network, harness) — never counted
 * against the supplier. `not-applicable`: the check does not apply to this profile or supplier (a profile
 * with no personal datasets, a description with no deprecated operation), with the reason. `not-judged`: the
 * check applies, but this run did not give what it needs to judge it (an https address, a second tenant, a
 * round-trip target, sandbox mode); it says what to give (`toJudge`), and a run with a must check not judged
 * is never certifiable.
 */
export type OutcomeStatus = 'pass' | 'fail' | 'warn' | 'not-applicable' | 'not-judged' | 'error';

export type RunMode = 'readonly' | 'sandbox';

/** Repeated failures of one kind, grouped so a report stays readable: a count and the first examples. */
export interface ViolationGroup {
  readonly kind: string;
  readonly count: number;
  readonly examples: readonly ViolationExample[];
}

export interface ViolationExample {
  readonly message: string;
  /** JSON pointer or `dataset/id#/pointer` locating the defect. */
  readonly location?: string;
  readonly exchangeId?: string;
}

/** What a check judged: how many of what (records, files, pages, responses, handshakes). */
export interface Judged {
  readonly count: number;
  /** Plural noun: `records`, `export files`, `responses`. */
  readonly of: string;
}

export interface CheckOutcome {
  readonly status: OutcomeStatus;
  /** What a person can act on: what was seen, and what to change. */
  readonly message: string;
  /**
   * What the outcome rests on. A `pass` needs at least one thing judged and at least one exchange cited that
   * got an answer: the runner turns a pass without them into an `error`, so no check passes having judged
   * nothing.
   */
  readonly judged?: Judged;
  /** For `not-judged`: what to give the run so that the check can judge (a flag, a target, a mode). */
  readonly toJudge?: string;
  readonly exchangeIds?: readonly string[];
  readonly violations?: readonly ViolationGroup[];
  /** Small facts worth keeping (counts, sample sizes, seeds). */
  readonly data?: Readonly<Record<string, unknown>>;
}

export interface Check {
  /** Stable, kebab-case, unique in the catalogue. */
  readonly id: string;
  readonly clause: ClauseId;
  readonly severity: Severity;
  readonly title: string;
  /** One paragraph: what is tested and why the clause needs it. */
  readonly description: string;
  /** Modes the check runs in; in others it is reported not judged (sandbox-only checks in readonly). */
  readonly modes?: readonly RunMode[];
  /** What the check reads and how it chooses it (whole dataset, a seeded sample…), for docs/checks.md. */
  readonly sampling: string;
  run(ctx: RunContext): Promise<CheckOutcome>;
}

/** The reference spec and profile of a run, as data: the runner core never loads specs itself. */
export interface ReferenceDataset {
  readonly id: string;
  readonly title: string;
  readonly schema: string;
  readonly classification: 'public' | 'personal' | 'special-category';
  readonly idField: string;
  readonly list: string;
  readonly get: string;
  readonly listStyle?: 'cursor' | 'oruk-page' | 'array';
  /** Query parameters with which the list reaches every record (a standard's default window aside). */
  readonly allRecordsQuery?: Readonly<Record<string, string>>;
  /** The writes the profile requires on the dataset, proven by the sandbox write workflow. */
  readonly writes?: ReferenceWrites;
}

/** A dataset's writes as the profile gives them (specs/src/profile.ts `DatasetWrites`). */
export interface ReferenceWrites {
  readonly create: {
    readonly operation: string;
    readonly send: readonly string[];
    readonly references?: Readonly<Record<string, string>>;
  };
  readonly tagField: string;
  readonly listFilter?: Readonly<Record<string, string>>;
  readonly update?: {
    readonly operation: string;
    readonly idIn: 'path' | { readonly body: string };
    readonly send: readonly string[];
    readonly recordedIn?: { readonly dataset: string; readonly linkField: string };
  };
  readonly close?: { readonly operation: string };
  readonly exportable: boolean;
}

export interface ReferenceProfile {
  readonly id: string;
  readonly version: string;
  readonly datasets: readonly ReferenceDataset[];
  readonly operations: { readonly required: readonly string[]; readonly optional: readonly string[] };
}

export interface Reference {
  readonly profile: ReferenceProfile;
  /** The bundled reference OpenAPI document. */
  readonly document: JsonObject;
  /** SHA-256 of the canonical reference document, for the report. */
  readonly sha256: string;
}

export interface SupplierDescription {
  readonly url: string;
  readonly document: JsonObject;
  readonly exchangeId: string;
}

export interface CrawledDataset {
  readonly dataset: ReferenceDataset;
  readonly records: readonly JsonObject[];
  /** Where each page read begins in `records` (its index), so a sample can be drawn by page. */
  readonly pageStarts: readonly number[];
  /** Each page's exchange, in order (`exchangeIds` may hold failed exchanges after them). */
  readonly exchangeIds: readonly string[];
  /** Set when the crawl stopped early, with why. */
  readonly problem?: string;
  readonly pages: number;
}

/** The records of one dataset that a run read, through its list and by id, each record once. */
export interface RecordsRead {
  readonly dataset: ReferenceDataset;
  readonly records: readonly JsonObject[];
}

/** One identifier field of a dataset's schema: how many records read carry a value, and how many are valid. */
export interface IdentifierQuality {
  readonly kind: 'uprn' | 'usrn' | 'gss';
  /** The property name the reference types as this identifier. */
  readonly field: string;
  readonly present: number;
  readonly valid: number;
}

/**
 * What the records a run read of one dataset hold, as counts: information beside the verdict, never part
 * of it.
 */
export interface DatasetQuality {
  /** The profile's dataset id. */
  readonly dataset: string;
  readonly title: string;
  readonly recordsRead: number;
  readonly identifiers: readonly IdentifierQuality[];
  /** Date and date-time values, and how many of them parse strictly as RFC 3339. */
  readonly dates: { readonly values: number; readonly parsed: number };
  /** Top-level properties of the schema × records read, and how many are present, non-null and non-empty. */
  readonly filled: { readonly values: number; readonly filled: number };
}

export interface DataQuality {
  readonly datasets: readonly DatasetQuality[];
}

export interface RunContext {
  readonly config: ResolvedRunConfig;
  readonly reference: Reference;
  readonly http: HarnessHttp;
  /** Validator over the reference document. */
  readonly referenceValidator: SchemaValidator;
  /** The supplier's own description, discovered at /openapi.json or via Link rel="service-desc". */
  supplierDescription(): Promise<SupplierDescription | undefined>;
  /** Every record of a dataset, read through its list operation to the end (memoised per run). */
  crawl(dataset: ReferenceDataset): Promise<CrawledDataset>;
  /**
   * The records read so far, per dataset: those of every crawl begun (awaited, never started here) and
   * those kept by `keepRecordRead`, each id once. Datasets nothing was read of are left out.
   */
  recordsRead(): Promise<readonly RecordsRead[]>;
  /** Keeps a record read by id, for `recordsRead`. */
  keepRecordRead(dataset: ReferenceDataset, record: JsonObject): void;
  /** Shared, memoised work between checks. */
  memo<T>(key: string, compute: () => Promise<T>): Promise<T>;
  /** Resolved path of an operation in the reference document. */
  operationPath(operationId: string): { method: string; path: string } | undefined;
  /**
   * A directory for this run's temporary files (sorted id lists spilled to disk), made on first use and
   * removed with everything in it when the run ends.
   */
  scratchDirectory(): string;
  /** True when the target is on loopback over plain http (TLS checks do not apply). */
  readonly isLoopbackHttp: boolean;
  /** A client for the round-trip target, when the run has one (its exchanges are in the report too). */
  readonly roundTrip?: {
    readonly target: string;
    readonly http: HarnessHttp;
    /** Every record of a dataset as the round-trip target lists it (memoised per run). */
    crawl(dataset: ReferenceDataset): Promise<CrawledDataset>;
  };
}

export interface Credentials {
  /** A bearer token given as is. */
  readonly token?: string;
  readonly clientId?: string;
  readonly clientSecret?: string;
  readonly scope?: string;
}

export interface RunConfig {
  readonly target: string;
  readonly mode?: RunMode;
  readonly credentials?: Credentials;
  /** A second tenant's credentials, for the cross-tenant checks. */
  readonly secondTenant?: Credentials;
  /** Optional operations of the profile the supplier implements; others must answer 404/501. */
  readonly features?: readonly string[];
  /**
   * Seed of every sample the checks draw (which pages, which records), written to the report so that a run
   * can be replayed on the same choices. Made up afresh for each run when not given.
   */
  readonly seed?: string;
  readonly requestsPerSecond?: number;
  readonly requestTimeoutMs?: number;
  readonly runBudgetMs?: number;
  readonly maxResponseBytes?: number;
  /** How long a bulk export may take to complete. */
  readonly exportBudgetMs?: number;
  /** Longest Retry-After the runner will wait out. */
  readonly maxRetryAfterMs?: number;
  /** Token endpoint; default `<target>/oauth/token`. */
  readonly tokenUrl?: string;
  /** TLS settings for a target whose certificate a public CA did not sign (a sandbox, a test server). */
  readonly tls?: TlsSettings;
  /**
   * Where the easy-exit round trip imports the supplier's export: another implementation of the profile
   * (the reference server) that offers the baseline import, with a tenant's credentials there.
   */
  readonly roundTrip?: RoundTripTarget;
}

export interface RoundTripTarget {
  readonly target: string;
  readonly credentials: Credentials;
  /** Token endpoint there; default `<target>/oauth/token`. */
  readonly tokenUrl?: string;
}

export interface TlsSettings {
  /** PEM of a CA certificate to trust besides the usual public ones. */
  readonly ca?: string;
}

export interface ResolvedRunConfig
  extends Required<Omit<RunConfig, 'credentials' | 'secondTenant' | 'tokenUrl' | 'tls' | 'roundTrip'>> {
  readonly credentials?: Credentials;
  readonly secondTenant?: Credentials;
  readonly tokenUrl: string;
  readonly tls?: TlsSettings;
  readonly targetUrl: URL;
  readonly roundTrip?: RoundTripTarget & { readonly targetUrl: URL; readonly tokenUrl: string };
}

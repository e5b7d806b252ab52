import { randomUUID } from 'node:crypto';
import type { SignedReport, SignerRole, ValidSignature } from '@council-conform/certificates';
import { CLAUSES } from '@council-conform/clauses';
import type { ClauseStatus, Level } from '@council-conform/runner';
import {
  describeDatabaseUrl,
  migrate,
  openPglite,
  openPostgres,
  type SqlClient,
} from '@council-conform/storage';
import { type ContractsStore, createContractsStore } from './contracts-store.ts';
import { productIdOf, reportIdOf, supplierIdOf } from './ids.ts';
import { DASHBOARD_MIGRATIONS, DASHBOARD_MIGRATIONS_TABLE } from './migrations.ts';
import { createPrincipalsStore, type PrincipalsStore } from './principals-store.ts';
import { type Regression, recordRegressions, regressionsOf } from './regressions.ts';
import { createReportMeasuresStore, type ReportMeasuresStore } from './report-measures.ts';
import { isoTimestamp, isoTimestampOrNull } from './timestamps.ts';

export type ReportStatus = 'certified' | 'self-assessed';
/** How a product is listed: a certificate past its expiry counts for nothing, whoever signed it. */
export type ListingStatus = ReportStatus | 'expired';
export type DisputeState = 'open' | 'accepted' | 'rejected';

export const LEVELS: readonly Level[] = ['gold', 'silver', 'bronze', 'none'];
export const LISTING_STATUSES: readonly ListingStatus[] = ['certified', 'self-assessed', 'expired'];
const LEVEL_RANK: Record<Level, number> = { gold: 3, silver: 2, bronze: 1, none: 0 };
export const CLAUSE_COUNT = CLAUSES.length;
/** What a supplier may dispute: a verdict against it, or a check the harness could not run. */
const DISPUTABLE: ReadonlySet<string> = new Set(['fail', 'warn', 'error']);

/**
 * A clause counts towards "clauses passed" when tests passed it (with the attestation, where it needs both), or
 * when it is one only a supplier can speak to and the supplier attested it. `partial` does not count: the test
 * passed but the statement the clause needs is missing.
 */
export const CLAUSE_MET: ReadonlySet<ClauseStatus> = new Set<ClauseStatus>(['pass', 'attested']);

export const SORT_KEYS = [
  'rank',
  'product',
  'supplier',
  'system',
  'level',
  'clauses',
  'status',
  'run',
] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export type SortOrder = 'asc' | 'desc';

/** The order a column sorts in first: best or earliest first, as a reader would expect. */
export const NATURAL_ORDER: Record<SortKey, SortOrder> = {
  rank: 'asc',
  product: 'asc',
  supplier: 'asc',
  system: 'asc',
  level: 'desc',
  clauses: 'desc',
  status: 'asc',
  run: 'desc',
};

// The only text that reaches ORDER BY: chosen by key from this table, never taken from a request.
const SORT_EXPRESSIONS: Record<SortKey, string> = {
  rank: 'position',
  product: 'lower(product_name)',
  supplier: 'lower(supplier_name)',
  system: 'system_type',
  level: 'level_rank',
  clauses: 'clauses_met',
  status: 'status_rank',
  run: 'run_finished_at',
};
const RANKING =
  'expired ASC, level_rank DESC, clauses_met DESC, status_rank ASC, run_finished_at DESC, lower(product_name) ASC, product_id ASC';

export interface LeagueFilter {
  readonly systemType?: string | undefined;
  readonly supplierId?: string | undefined;
  readonly level?: Level | undefined;
  readonly status?: ListingStatus | undefined;
  /** One product, ranked among all: for its badge. Not a filter people choose. */
  readonly productId?: string | undefined;
}

export interface LeagueQuery extends LeagueFilter {
  readonly sort?: SortKey;
  readonly order?: SortOrder;
  /** What "expired" is judged against. */
  readonly now: Date;
}

/** A product as the league table lists it: its latest report decides. */
export interface LeagueRow {
  /** Position by level, then clauses passed, expired certificates last; equal products share one. */
  readonly position: number;
  readonly productId: string;
  readonly productName: string;
  readonly supplierId: string;
  readonly supplierName: string;
  /** The profile id the product was judged against. */
  readonly systemType: string;
  readonly reportId: string;
  readonly specVersion: string;
  readonly level: Level;
  readonly clausesMet: number;
  readonly status: ReportStatus;
  readonly expired: boolean;
  readonly issuedAt: string;
  readonly expiresAt: string;
  readonly runFinishedAt: string;
  /** The product's latest run got worse than the one before (see `regressions`). */
  readonly regressed: boolean;
}

export interface ReportSummary {
  readonly id: string;
  readonly productId: string;
  readonly profile: string;
  readonly specVersion: string;
  readonly level: Level;
  readonly status: ReportStatus;
  readonly clausesMet: number;
  readonly issuedAt: string;
  readonly expiresAt: string;
  readonly runStartedAt: string;
  readonly runFinishedAt: string;
  readonly receivedAt: string;
  /** Why the report is stored but not listed (a pending key, a review, a revoked key); null when listed. */
  readonly heldReason: HeldReason | null;
  readonly heldDetail: string | null;
}

/**
 * Why a stored report is not listed: its only supplier signature is by a key still pending approval; it would
 * replace a certified listing and waits for an administrator's review; or it was signed with a key since
 * revoked.
 */
export type HeldReason = 'pending-key' | 'review' | 'revoked-key';
export type KeyState = 'pending' | 'approved' | 'rejected';

export interface StoredClauseResult {
  readonly clause: string;
  readonly number: number;
  readonly title: string;
  readonly assessment: string;
  readonly status: string;
  readonly automatedStatus: string | null;
  readonly attestedStatement: string | null;
  readonly attestedEvidence: readonly string[];
  readonly checks: readonly string[];
}

export interface StoredViolationGroup {
  readonly kind: string;
  readonly count: number;
  readonly examples: readonly { message: string; location?: string; exchangeId?: string }[];
}

export interface StoredCheckResult {
  readonly checkId: string;
  readonly clause: string;
  readonly severity: string;
  readonly title: string;
  readonly status: string;
  readonly message: string;
  readonly violations: readonly StoredViolationGroup[];
}

export interface StoredSignature {
  readonly keyId: string;
  readonly role: SignerRole;
  readonly signerName: string | null;
  readonly signedAt: string;
  /** From the key register, when the key is there (certifier keys from configuration always are). */
  readonly publicKeyPem: string | null;
  /** When the key was revoked, and why: a signature made before stays valid, and is shown with this. */
  readonly keyRevokedAt: string | null;
  readonly keyRevokedReason: string | null;
}

export interface ReportDetail {
  readonly summary: ReportSummary;
  readonly clauses: readonly StoredClauseResult[];
  readonly checks: readonly StoredCheckResult[];
  readonly signatures: readonly StoredSignature[];
}

export interface ProductDetail {
  readonly id: string;
  readonly name: string;
  readonly systemType: string;
  readonly supplierId: string;
  readonly supplierName: string;
  /** Newest run first. */
  readonly reports: readonly ReportSummary[];
}

export interface Supplier {
  readonly id: string;
  readonly name: string;
}

export interface RegisteredKey {
  readonly keyId: string;
  readonly publicKeyPem: string;
  readonly role: SignerRole;
  /** The supplier or certifier that holds the key. */
  readonly owner: string;
  readonly registeredAt: string;
  /** A supplier's key is a claim until a certifier or administrator approves it. */
  readonly state: KeyState;
  /** The principal that registered it (null: configured, or registered before principals existed). */
  readonly registeredBy: string | null;
  readonly reviewedBy: string | null;
  readonly reviewedAt: string | null;
  readonly revokedAt: string | null;
  readonly revokedReason: string | null;
}

/** A report stored but not listed, for the review page. */
export interface HeldReport {
  readonly summary: ReportSummary;
  readonly productName: string;
  readonly supplierName: string;
  readonly publishedBy: string | null;
}

export interface Dispute {
  readonly id: string;
  readonly reportId: string;
  readonly productId: string;
  readonly checkId: string;
  readonly checkTitle: string;
  readonly checkStatus: string;
  readonly reason: string;
  readonly state: DisputeState;
  readonly openedAt: string;
  readonly decisionReason: string | null;
  readonly decidedAt: string | null;
  readonly waiverExpiresAt: string | null;
}

export interface ClauseStanding {
  readonly productId: string;
  readonly productName: string;
  readonly supplierName: string;
  readonly systemType: string;
  readonly status: string;
  readonly expired: boolean;
}

export interface IngestInput {
  /** Verified: the store believes what it is given. */
  readonly signedReport: SignedReport;
  /** The request body exactly as received, served back byte for byte. */
  readonly text: string;
  readonly status: ReportStatus;
  readonly validSignatures: readonly ValidSignature[];
  readonly receivedAt: Date;
  /** The principal that published it. */
  readonly publishedBy?: string | null;
  /** Held from the start (its only supplier key is pending); the store may also hold it for review. */
  readonly held?: { readonly reason: 'pending-key'; readonly detail: string } | undefined;
}

export interface IngestResult {
  readonly id: string;
  /** False when this signed report was stored before; nothing was written. */
  readonly created: boolean;
  readonly productId: string;
  readonly supplierId: string;
  /** What got worse since the product's run before this one (also when the report was stored before). */
  readonly regressions: readonly Regression[];
  /** Stored but not listed, and why. */
  readonly held: { readonly reason: HeldReason; readonly detail: string } | null;
}

export class ResultsStoreError extends Error {
  override readonly name = 'ResultsStoreError';
  constructor(
    /** Stable, for callers that answer with a status code. */
    readonly code:
      | 'DISPUTE_NOT_FOUND'
      | 'DISPUTE_DECIDED'
      | 'REPORT_NOT_FOUND'
      | 'CHECK_NOT_FOUND'
      | 'CHECK_NOT_DISPUTABLE'
      | 'KEY_NOT_FOUND'
      | 'KEY_NOT_PENDING'
      | 'KEY_REVOKED'
      | 'REPORT_NOT_HELD',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Suppliers, products, keys, verified reports and disputes, on PostgreSQL semantics whether embedded PGlite or a
 * server. Every write is one transaction.
 */
export interface ResultsStore {
  readonly kind: 'pglite' | 'postgresql';
  /** Councils' contracts registers and what each contract is matched to: see contracts-store.ts. */
  readonly contracts: ContractsStore;
  /** Who may act, and their credentials: see principals-store.ts. */
  readonly principals: PrincipalsStore;
  /** What pages read from a report's body: exchanges measured, data quality, re-run commands. */
  readonly measures: ReportMeasuresStore;
  /** Stores a verified report whole, with its product and supplier, or nothing at all. Idempotent by report id. */
  ingest(input: IngestInput): Promise<IngestResult>;
  /** What got worse in this report's run against the product's run before it. */
  regressions(reportId: string): Promise<Regression[]>;
  /** Registers a key; one already registered (by key id) is kept as it was and returned. */
  registerKey(key: {
    keyId: string;
    publicKeyPem: string;
    role: SignerRole;
    owner: string;
    registeredAt: Date;
    /** Default approved: configuration and administrators register trusted keys. */
    state?: KeyState;
    registeredBy?: string | null;
  }): Promise<{ created: boolean; key: RegisteredKey }>;
  keys(role?: SignerRole): Promise<RegisteredKey[]>;
  key(keyId: string): Promise<RegisteredKey | undefined>;
  /**
   * Approves or rejects a pending key. Approving lists the reports held for it (or holds them for review when
   * they would replace a certified listing).
   */
  reviewKey(input: { keyId: string; approve: boolean; by: string; at: Date }): Promise<RegisteredKey>;
  /**
   * Revokes a key from `revokedAt`: reports it signed at or after then, or received since, are held; earlier
   * ones stay listed with the revocation shown. Returns how many reports were held.
   */
  revokeKey(input: {
    keyId: string;
    reason: string;
    revokedAt: Date;
    by: string | null;
  }): Promise<{ key: RegisteredKey; reportsHeld: number }>;
  /** Reports stored but not listed, oldest first. */
  heldReports(): Promise<HeldReport[]>;
  /** Lists a report held for review (an administrator's decision); a report held for a key stays held. */
  releaseReport(input: { id: string; by: string; at: Date }): Promise<ReportSummary>;
  /** The supplier id a stored report's product belongs to. */
  reportSupplierId(reportId: string): Promise<string | undefined>;
  leagueTable(query: LeagueQuery): Promise<LeagueRow[]>;
  /** Values the league table's filters offer: only those some product has. */
  systemTypes(): Promise<string[]>;
  suppliers(): Promise<Supplier[]>;
  supplier(id: string): Promise<Supplier | undefined>;
  /** A product and its listed reports (held ones are not public). */
  product(id: string): Promise<ProductDetail | undefined>;
  report(id: string): Promise<ReportDetail | undefined>;
  /** The signed report as verified and stored (its canonical form). */
  signedReportText(id: string): Promise<string | undefined>;
  /** Each listed product's result for one clause, from its latest report. */
  clauseStandings(clause: string, now: Date): Promise<ClauseStanding[]>;
  /** The highest spec version any stored report of a profile was judged against. */
  latestSpecVersion(profile: string): Promise<string | undefined>;
  openDispute(input: { reportId: string; checkId: string; reason: string; openedAt: Date }): Promise<Dispute>;
  decideDispute(input: {
    id: string;
    accept: boolean;
    reason: string;
    waiverExpiresAt: Date | null;
    decidedAt: Date;
  }): Promise<Dispute>;
  dispute(id: string): Promise<Dispute | undefined>;
  /** Every dispute about any of a product's reports, newest first; decided ones are never dropped. */
  disputesForProduct(productId: string): Promise<Dispute[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenResultsStoreOptions {
  /** A PostgreSQL server (`postgres://…`). Without it the store is embedded PGlite. */
  readonly databaseUrl?: string | undefined;
  /** Where embedded PGlite keeps its files; without it, in memory for the life of the process. */
  readonly dataDir?: string | undefined;
}

export async function openResultsStore(options: OpenResultsStoreOptions = {}): Promise<ResultsStore> {
  const sql = options.databaseUrl
    ? await openPostgres(options.databaseUrl)
    : await openPglite(options.dataDir);
  try {
    return await createResultsStore(sql, options.databaseUrl ? 'postgresql' : 'pglite');
  } catch (error) {
    await sql.close().catch(() => undefined);
    const where = options.databaseUrl ? describeDatabaseUrl(options.databaseUrl) : 'embedded PGlite';
    throw new Error(`cannot migrate the dashboard database (${where}): ${(error as Error).message}`);
  }
}

/** The store over a connection the caller opened (and the store closes): for tests that wrap the client. */
export async function createResultsStore(
  sql: SqlClient,
  kind: 'pglite' | 'postgresql',
): Promise<ResultsStore> {
  await migrate(sql, { migrations: DASHBOARD_MIGRATIONS, table: DASHBOARD_MIGRATIONS_TABLE });
  return sqlResultsStore(sql, kind);
}

function jsonList<T>(text: unknown): T[] {
  if (typeof text !== 'string') return [];
  const value = JSON.parse(text) as unknown;
  return Array.isArray(value) ? (value as T[]) : [];
}

interface ReportRow {
  id: string;
  product_id: string;
  profile: string;
  spec_version: string;
  level: Level;
  status: ReportStatus;
  clauses_met: number;
  issued_at: unknown;
  expires_at: unknown;
  run_started_at: unknown;
  run_finished_at: unknown;
  received_at: unknown;
  held_reason: HeldReason | null;
  held_detail: string | null;
}

const REPORT_COLUMNS =
  'id, product_id, profile, spec_version, level, status, clauses_met, issued_at, expires_at, run_started_at, run_finished_at, received_at, held_reason, held_detail';

const reportSummary = (row: ReportRow): ReportSummary => ({
  id: row.id,
  productId: row.product_id,
  profile: row.profile,
  specVersion: row.spec_version,
  level: row.level,
  status: row.status,
  clausesMet: Number(row.clauses_met),
  issuedAt: isoTimestamp(row.issued_at),
  expiresAt: isoTimestamp(row.expires_at),
  runStartedAt: isoTimestamp(row.run_started_at),
  runFinishedAt: isoTimestamp(row.run_finished_at),
  receivedAt: isoTimestamp(row.received_at),
  heldReason: row.held_reason ?? null,
  heldDetail: row.held_detail ?? null,
});

interface KeyRow {
  key_id: string;
  public_key_pem: string;
  role: SignerRole;
  owner: string;
  registered_at: unknown;
  state: KeyState;
  registered_by: string | null;
  reviewed_by: string | null;
  reviewed_at: unknown;
  revoked_at: unknown;
  revoked_reason: string | null;
}
const registeredKey = (row: KeyRow): RegisteredKey => ({
  keyId: row.key_id,
  publicKeyPem: row.public_key_pem,
  role: row.role,
  owner: row.owner,
  registeredAt: isoTimestamp(row.registered_at),
  state: row.state,
  registeredBy: row.registered_by ?? null,
  reviewedBy: row.reviewed_by ?? null,
  reviewedAt: isoTimestampOrNull(row.reviewed_at),
  revokedAt: isoTimestampOrNull(row.revoked_at),
  revokedReason: row.revoked_reason ?? null,
});

interface DisputeRow {
  id: string;
  report_id: string;
  product_id: string;
  check_id: string;
  check_title: string;
  check_status: string;
  reason: string;
  state: DisputeState;
  opened_at: unknown;
  decision_reason: string | null;
  decided_at: unknown;
  waiver_expires_at: unknown;
}
const DISPUTE_SELECT = `
  SELECT d.id, d.report_id, r.product_id, d.check_id, c.title AS check_title, c.status AS check_status, d.reason,
    d.state, d.opened_at, d.decision_reason, d.decided_at, d.waiver_expires_at
  FROM dashboard_disputes d
  JOIN dashboard_reports r ON r.id = d.report_id
  JOIN dashboard_check_results c ON c.report_id = d.report_id AND c.check_id = d.check_id`;
const dispute = (row: DisputeRow): Dispute => ({
  id: row.id,
  reportId: row.report_id,
  productId: row.product_id,
  checkId: row.check_id,
  checkTitle: row.check_title,
  checkStatus: row.check_status,
  reason: row.reason,
  state: row.state,
  openedAt: isoTimestamp(row.opened_at),
  decisionReason: row.decision_reason,
  decidedAt: isoTimestampOrNull(row.decided_at),
  waiverExpiresAt: isoTimestampOrNull(row.waiver_expires_at),
});

// Each product's listed report: its latest run among reports not held, and of two with the same run time the
// one the dashboard received last (its own clock, not the report's hash). Run times cannot lie ahead: a run
// finished after it was signed or received is refused at ingest (ingest-rules.ts). Ordering by run rather than
// by receipt alone keeps an old, better run uploaded late from hiding a newer failure. A self-assessment that
// would replace a live certificate is held for review at ingest, so it cannot displace one unseen.
const CURRENT_REPORTS = `
  WITH current_reports AS (
    SELECT DISTINCT ON (r.product_id) r.*
    FROM dashboard_reports r
    WHERE r.held_reason IS NULL
    ORDER BY r.product_id, r.run_finished_at DESC, r.received_at DESC, r.id
  )`;

/** Numeric parts compared as numbers, so 1.10.0 is above 1.9.0. */
function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.replace(/^v/, '').split(/[.+-]/);
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const [x, y] = [pa[i] ?? '', pb[i] ?? ''];
    const [nx, ny] = [Number(x), Number(y)];
    const diff =
      x !== '' && y !== '' && Number.isFinite(nx) && Number.isFinite(ny) ? nx - ny : x.localeCompare(y);
    if (diff !== 0) return diff;
  }
  return 0;
}

/** Why a report about to be listed waits for review instead (see ingest), or undefined when it may be listed. */
async function reviewHold(tx: SqlClient, reportId: string, at: Date): Promise<string | undefined> {
  const [report] = await tx.query<{ product_id: string; certifier_signed: boolean }>(
    `SELECT r.product_id, EXISTS (SELECT 1 FROM dashboard_report_signatures s
       WHERE s.report_id = r.id AND s.role = 'certifier') AS certifier_signed
     FROM dashboard_reports r WHERE r.id = $1`,
    [reportId],
  );
  if (!report || report.certifier_signed) return undefined;
  return liveCertificateHold(tx, report.product_id, at);
}

/** Why a self-assessment of a product waits for review: the product's listing is a live certificate. */
async function liveCertificateHold(tx: SqlClient, productId: string, at: Date): Promise<string | undefined> {
  const [listed] = await tx.query<{ id: string; status: ReportStatus; expires_at: unknown }>(
    `${CURRENT_REPORTS} SELECT id, status, expires_at FROM current_reports WHERE product_id = $1`,
    [productId],
  );
  if (listed && listed.status === 'certified' && Date.parse(isoTimestamp(listed.expires_at)) > at.getTime())
    return `a self-assessed run would replace the certified listing ${listed.id}: an administrator reviews it first`;
  return undefined;
}

/** Records what got worse in a report now listed, against the product's listed run before it. */
async function recordRegressionsOf(tx: SqlClient, reportId: string): Promise<Regression[]> {
  const [row] = await tx.query<{
    product_id: string;
    level: Level;
    status: ReportStatus;
    run_finished_at: unknown;
  }>('SELECT product_id, level, status, run_finished_at FROM dashboard_reports WHERE id = $1', [reportId]);
  if (!row) return [];
  const failing = await tx.query<{ check_id: string }>(
    `SELECT check_id FROM dashboard_check_results WHERE report_id = $1 AND severity = 'must' AND status = 'fail'
     ORDER BY position`,
    [reportId],
  );
  return recordRegressions(tx, {
    id: reportId,
    productId: row.product_id,
    level: row.level,
    levelRank: LEVEL_RANK[row.level],
    status: row.status,
    runFinishedAt: isoTimestamp(row.run_finished_at),
    failingMustChecks: failing.map((f) => f.check_id),
  });
}

function sqlResultsStore(sql: SqlClient, kind: 'pglite' | 'postgresql'): ResultsStore {
  async function disputeById(runner: SqlClient, id: string): Promise<Dispute | undefined> {
    const [row] = await runner.query<DisputeRow>(`${DISPUTE_SELECT} WHERE d.id = $1`, [id]);
    return row ? dispute(row) : undefined;
  }

  return {
    kind,
    contracts: createContractsStore(sql),
    principals: createPrincipalsStore(sql),
    measures: createReportMeasuresStore(sql),

    async ingest({
      signedReport,
      text,
      status,
      validSignatures,
      receivedAt,
      publishedBy,
      held: heldAtIngest,
    }) {
      const { certificate, report, signatures } = signedReport;
      const id = reportIdOf(signedReport);
      const supplierId = supplierIdOf(certificate.supplier);
      const productId = productIdOf(certificate.supplier, certificate.product, certificate.profile);
      const result = { id, productId, supplierId };
      return sql.transaction(async (tx) => {
        const [existing] = await tx.query<{ held_reason: HeldReason | null; held_detail: string | null }>(
          'SELECT held_reason, held_detail FROM dashboard_reports WHERE id = $1',
          [id],
        );
        if (existing)
          return {
            ...result,
            created: false,
            regressions: await regressionsOf(tx, id),
            held: existing.held_reason
              ? { reason: existing.held_reason, detail: existing.held_detail ?? '' }
              : null,
          };
        await tx.query('INSERT INTO dashboard_suppliers (id, name) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
          supplierId,
          certificate.supplier,
        ]);
        await tx.query(
          'INSERT INTO dashboard_products (id, supplier_id, name, profile) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
          [productId, supplierId, certificate.product, certificate.profile],
        );
        // A self-assessment (no certifier signed it) does not displace a product's live certificate by itself:
        // an administrator reviews it first, so a supplier cannot quietly swap its certificate for a claim.
        let held: IngestResult['held'] = heldAtIngest ?? null;
        if (!held && !validSignatures.some((s) => s.role === 'certifier')) {
          const review = await liveCertificateHold(tx, productId, receivedAt);
          if (review) held = { reason: 'review', detail: review };
        }
        // Two uploads of one report at once: the second waits on the first's row and then inserts nothing.
        const inserted = await tx.query<{ id: string }>(
          `INSERT INTO dashboard_reports (id, product_id, profile, spec_version, level, level_rank, status,
             clauses_met, issued_at, expires_at, run_started_at, run_finished_at, received_at, body,
             held_reason, held_detail, published_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
           ON CONFLICT (id) DO NOTHING RETURNING id`,
          [
            id,
            productId,
            certificate.profile,
            certificate.specVersion,
            certificate.level,
            LEVEL_RANK[certificate.level],
            status,
            report.clauses.filter((clause) => CLAUSE_MET.has(clause.status)).length,
            certificate.issuedAt,
            certificate.expiresAt,
            new Date(report.startedAt).toISOString(),
            new Date(report.finishedAt).toISOString(),
            receivedAt.toISOString(),
            text,
            held?.reason ?? null,
            held?.detail ?? null,
            publishedBy ?? null,
          ],
        );
        if (inserted.length === 0)
          return { ...result, created: false, regressions: await regressionsOf(tx, id), held };

        const signedAt = new Map(signatures.map((s) => [s.keyId, s.signedAt]));
        await tx.query(
          `INSERT INTO dashboard_report_signatures (report_id, key_id, role, signer_name, signed_at)
           SELECT $1::text, * FROM unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[])`,
          [
            id,
            validSignatures.map((s) => s.keyId),
            validSignatures.map((s) => s.role),
            validSignatures.map((s) => s.name ?? null),
            validSignatures.map((s) => signedAt.get(s.keyId) ?? receivedAt.toISOString()),
          ],
        );
        const clauses = report.clauses;
        await tx.query(
          `INSERT INTO dashboard_clause_results (report_id, clause, number, title, assessment, status,
             automated_status, attested_statement, attested_evidence, checks)
           SELECT $1::text, * FROM unnest($2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[],
             $8::text[], $9::text[], $10::text[])`,
          [
            id,
            clauses.map((c) => c.id),
            clauses.map((c) => c.number),
            clauses.map((c) => c.title),
            clauses.map((c) => c.assessment),
            clauses.map((c) => c.status),
            clauses.map((c) => c.automated?.status ?? null),
            clauses.map((c) => c.attested?.statement ?? null),
            clauses.map((c) => JSON.stringify(c.attested?.evidence ?? [])),
            clauses.map((c) => JSON.stringify(c.automated?.checks ?? [])),
          ],
        );
        const checks = report.checks;
        await tx.query(
          `INSERT INTO dashboard_check_results (report_id, position, check_id, clause, severity, title, status,
             message, violations)
           SELECT $1::text, * FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
             $8::text[], $9::text[])`,
          [
            id,
            checks.map((_, index) => index),
            checks.map((c) => c.id),
            checks.map((c) => c.clause),
            checks.map((c) => c.severity),
            checks.map((c) => c.title),
            checks.map((c) => c.status),
            checks.map((c) => c.message),
            checks.map((c) => (c.violations ? JSON.stringify(c.violations) : null)),
          ],
        );
        // A held report is not part of the product's record yet: what got worse is recorded when it is listed.
        const regressions = held ? [] : await recordRegressionsOf(tx, id);
        return { ...result, created: true, regressions, held };
      });
    },

    async regressions(reportId) {
      return regressionsOf(sql, reportId);
    },

    async registerKey(key) {
      return sql.transaction(async (tx) => {
        const inserted = await tx.query<KeyRow>(
          `INSERT INTO dashboard_keys (key_id, public_key_pem, role, owner, registered_at, state, registered_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (key_id) DO NOTHING RETURNING *`,
          [
            key.keyId,
            key.publicKeyPem,
            key.role,
            key.owner,
            key.registeredAt.toISOString(),
            key.state ?? 'approved',
            key.registeredBy ?? null,
          ],
        );
        if (inserted[0]) return { created: true, key: registeredKey(inserted[0]) };
        const [existing] = await tx.query<KeyRow>('SELECT * FROM dashboard_keys WHERE key_id = $1', [
          key.keyId,
        ]);
        return { created: false, key: registeredKey(existing as KeyRow) };
      });
    },

    async keys(role) {
      const rows = await sql.query<KeyRow>(
        'SELECT * FROM dashboard_keys WHERE $1::text IS NULL OR role = $1 ORDER BY registered_at, key_id',
        [role ?? null],
      );
      return rows.map(registeredKey);
    },

    async key(keyId) {
      const [row] = await sql.query<KeyRow>('SELECT * FROM dashboard_keys WHERE key_id = $1', [keyId]);
      return row ? registeredKey(row) : undefined;
    },

    async reviewKey({ keyId, approve, by, at }) {
      return sql.transaction(async (tx) => {
        const [row] = await tx.query<KeyRow>('SELECT * FROM dashboard_keys WHERE key_id = $1 FOR UPDATE', [
          keyId,
        ]);
        if (!row) throw new ResultsStoreError('KEY_NOT_FOUND', `no key ${keyId} is registered`);
        if (row.state !== 'pending')
          throw new ResultsStoreError('KEY_NOT_PENDING', `${keyId} was ${row.state} already`);
        const [updated] = await tx.query<KeyRow>(
          `UPDATE dashboard_keys SET state = $2, reviewed_by = $3, reviewed_at = $4 WHERE key_id = $1 RETURNING *`,
          [keyId, approve ? 'approved' : 'rejected', by, at.toISOString()],
        );
        // Reports waiting on this key, and on no other pending key, go through the rule every upload meets.
        const waiting = await tx.query<{ id: string }>(
          `SELECT r.id FROM dashboard_reports r
           WHERE r.held_reason = 'pending-key'
             AND EXISTS (SELECT 1 FROM dashboard_report_signatures s WHERE s.report_id = r.id AND s.key_id = $1)
             AND NOT EXISTS (SELECT 1 FROM dashboard_report_signatures s JOIN dashboard_keys k ON k.key_id = s.key_id
                             WHERE s.report_id = r.id AND k.state = 'pending')
           ORDER BY r.received_at, r.id`,
          [keyId],
        );
        for (const { id } of waiting) {
          if (!approve) {
            await tx.query(
              `UPDATE dashboard_reports SET held_reason = 'revoked-key', held_detail = $2 WHERE id = $1`,
              [id, `signed only with ${keyId}, which was rejected at ${at.toISOString()}`],
            );
            continue;
          }
          const review = await reviewHold(tx, id, at);
          await tx.query('UPDATE dashboard_reports SET held_reason = $2, held_detail = $3 WHERE id = $1', [
            id,
            review ? 'review' : null,
            review,
          ]);
          if (!review) await recordRegressionsOf(tx, id);
        }
        return registeredKey(updated as KeyRow);
      });
    },

    async revokeKey({ keyId, reason, revokedAt, by }) {
      return sql.transaction(async (tx) => {
        const [row] = await tx.query<KeyRow>('SELECT * FROM dashboard_keys WHERE key_id = $1 FOR UPDATE', [
          keyId,
        ]);
        if (!row) throw new ResultsStoreError('KEY_NOT_FOUND', `no key ${keyId} is registered`);
        if (row.revoked_at !== null && row.revoked_at !== undefined)
          throw new ResultsStoreError(
            'KEY_REVOKED',
            `${keyId} was revoked already, at ${isoTimestamp(row.revoked_at)}`,
          );
        const [updated] = await tx.query<KeyRow>(
          `UPDATE dashboard_keys SET revoked_at = $2, revoked_reason = $3, revoked_by = $4 WHERE key_id = $1
           RETURNING *`,
          [keyId, revokedAt.toISOString(), reason, by],
        );
        // The signing time is the signer's claim and the receipt time the dashboard's own: either at or after
        // the revocation, and the report can no longer be told from one the key's thief made.
        const held = await tx.query<{ id: string }>(
          `UPDATE dashboard_reports r SET held_reason = 'revoked-key', held_detail = $3
           WHERE (r.held_reason IS NULL OR r.held_reason <> 'revoked-key')
             AND EXISTS (SELECT 1 FROM dashboard_report_signatures s
                         WHERE s.report_id = r.id AND s.key_id = $1
                           AND (s.signed_at >= $2::timestamptz OR r.received_at >= $2::timestamptz))
           RETURNING r.id`,
          [
            keyId,
            revokedAt.toISOString(),
            `signed with ${keyId}, revoked from ${revokedAt.toISOString()}: ${reason}`,
          ],
        );
        return { key: registeredKey(updated as KeyRow), reportsHeld: held.length };
      });
    },

    async heldReports() {
      const rows = await sql.query<
        ReportRow & { product_name: string; supplier_name: string; published_by: string | null }
      >(
        `SELECT ${REPORT_COLUMNS.split(', ')
          .map((c) => `r.${c}`)
          .join(', ')}, p.name AS product_name,
           s.name AS supplier_name, r.published_by
         FROM dashboard_reports r JOIN dashboard_products p ON p.id = r.product_id
         JOIN dashboard_suppliers s ON s.id = p.supplier_id
         WHERE r.held_reason IS NOT NULL ORDER BY r.received_at, r.id`,
      );
      return rows.map((row) => ({
        summary: reportSummary(row),
        productName: row.product_name,
        supplierName: row.supplier_name,
        publishedBy: row.published_by,
      }));
    },

    async releaseReport({ id, by, at }) {
      return sql.transaction(async (tx) => {
        const [row] = await tx.query<ReportRow>(
          `SELECT ${REPORT_COLUMNS} FROM dashboard_reports WHERE id = $1 FOR UPDATE`,
          [id],
        );
        if (!row) throw new ResultsStoreError('REPORT_NOT_FOUND', `no report ${id} is stored`);
        if (row.held_reason !== 'review')
          throw new ResultsStoreError(
            'REPORT_NOT_HELD',
            row.held_reason
              ? `report ${id} is held because ${row.held_detail ?? row.held_reason}: only a report held for review can be released`
              : `report ${id} is listed already`,
          );
        await tx.query('UPDATE dashboard_reports SET held_reason = NULL, held_detail = $2 WHERE id = $1', [
          id,
          `released by ${by} at ${at.toISOString()}`,
        ]);
        await recordRegressionsOf(tx, id);
        const [after] = await tx.query<ReportRow>(
          `SELECT ${REPORT_COLUMNS} FROM dashboard_reports WHERE id = $1`,
          [id],
        );
        return reportSummary(after as ReportRow);
      });
    },

    async reportSupplierId(reportId) {
      const [row] = await sql.query<{ supplier_id: string }>(
        `SELECT p.supplier_id FROM dashboard_reports r JOIN dashboard_products p ON p.id = r.product_id
         WHERE r.id = $1`,
        [reportId],
      );
      return row?.supplier_id;
    },

    async leagueTable(query) {
      const sort = query.sort ?? 'rank';
      const expression = SORT_EXPRESSIONS[sort];
      // Typed already; checked again because this text goes into SQL.
      if (!Object.hasOwn(SORT_EXPRESSIONS, sort) || (query.order && !['asc', 'desc'].includes(query.order)))
        throw new RangeError(`cannot sort the league table by "${String(sort)}" ${String(query.order)}`);
      const order = (query.order ?? NATURAL_ORDER[sort]).toUpperCase();
      const rows = await sql.query<{
        position: number | string;
        product_id: string;
        product_name: string;
        supplier_id: string;
        supplier_name: string;
        system_type: string;
        report_id: string;
        spec_version: string;
        level: Level;
        clauses_met: number;
        status: ReportStatus;
        expired: boolean;
        issued_at: unknown;
        expires_at: unknown;
        run_finished_at: unknown;
        regressed: boolean;
      }>(
        `${CURRENT_REPORTS},
        listed AS (
          SELECT p.id AS product_id, p.name AS product_name, s.id AS supplier_id, s.name AS supplier_name,
            p.profile AS system_type, c.id AS report_id, c.spec_version, c.level, c.level_rank, c.status,
            c.clauses_met, c.issued_at, c.expires_at, c.run_finished_at,
            (c.expires_at < $1::timestamptz) AS expired,
            EXISTS (SELECT 1 FROM dashboard_regressions r WHERE r.report_id = c.id) AS regressed
          FROM current_reports c
          JOIN dashboard_products p ON p.id = c.product_id
          JOIN dashboard_suppliers s ON s.id = p.supplier_id
        ),
        ranked AS (
          SELECT listed.*,
            CASE WHEN expired THEN 2 WHEN status = 'certified' THEN 0 ELSE 1 END AS status_rank,
            rank() OVER (ORDER BY expired, level_rank DESC, clauses_met DESC) AS position
          FROM listed
        )
        SELECT * FROM ranked
        WHERE ($2::text IS NULL OR system_type = $2)
          AND ($3::text IS NULL OR supplier_id = $3)
          AND ($4::text IS NULL OR level = $4)
          AND ($5::text IS NULL OR (CASE WHEN expired THEN 'expired' ELSE status END) = $5)
          AND ($6::text IS NULL OR product_id = $6)
        ORDER BY ${expression} ${order}, ${RANKING}`,
        [
          query.now.toISOString(),
          query.systemType ?? null,
          query.supplierId ?? null,
          query.level ?? null,
          query.status ?? null,
          query.productId ?? null,
        ],
      );
      return rows.map((row) => ({
        position: Number(row.position),
        productId: row.product_id,
        productName: row.product_name,
        supplierId: row.supplier_id,
        supplierName: row.supplier_name,
        systemType: row.system_type,
        reportId: row.report_id,
        specVersion: row.spec_version,
        level: row.level,
        clausesMet: Number(row.clauses_met),
        status: row.status,
        expired: row.expired,
        issuedAt: isoTimestamp(row.issued_at),
        expiresAt: isoTimestamp(row.expires_at),
        runFinishedAt: isoTimestamp(row.run_finished_at),
        regressed: row.regressed === true,
      }));
    },

    async systemTypes() {
      const rows = await sql.query<{ profile: string }>(
        'SELECT DISTINCT profile FROM dashboard_products ORDER BY profile',
      );
      return rows.map((row) => row.profile);
    },

    async suppliers() {
      return sql.query<Supplier>('SELECT id, name FROM dashboard_suppliers ORDER BY lower(name), id');
    },

    async supplier(id) {
      const [row] = await sql.query<Supplier>('SELECT id, name FROM dashboard_suppliers WHERE id = $1', [id]);
      return row;
    },

    async product(id) {
      const [row] = await sql.query<{
        id: string;
        name: string;
        profile: string;
        supplier_id: string;
        supplier_name: string;
      }>(
        `SELECT p.id, p.name, p.profile, s.id AS supplier_id, s.name AS supplier_name
         FROM dashboard_products p JOIN dashboard_suppliers s ON s.id = p.supplier_id WHERE p.id = $1`,
        [id],
      );
      if (!row) return undefined;
      const reports = await sql.query<ReportRow>(
        `SELECT ${REPORT_COLUMNS} FROM dashboard_reports WHERE product_id = $1 AND held_reason IS NULL
         ORDER BY run_finished_at DESC, received_at DESC, id`,
        [id],
      );
      return {
        id: row.id,
        name: row.name,
        systemType: row.profile,
        supplierId: row.supplier_id,
        supplierName: row.supplier_name,
        reports: reports.map(reportSummary),
      };
    },

    async report(id) {
      const [row] = await sql.query<ReportRow>(
        `SELECT ${REPORT_COLUMNS} FROM dashboard_reports WHERE id = $1`,
        [id],
      );
      if (!row) return undefined;
      const clauses = await sql.query<{
        clause: string;
        number: number;
        title: string;
        assessment: string;
        status: string;
        automated_status: string | null;
        attested_statement: string | null;
        attested_evidence: string | null;
        checks: string;
      }>('SELECT * FROM dashboard_clause_results WHERE report_id = $1 ORDER BY number, clause', [id]);
      const checks = await sql.query<{
        check_id: string;
        clause: string;
        severity: string;
        title: string;
        status: string;
        message: string;
        violations: string | null;
      }>('SELECT * FROM dashboard_check_results WHERE report_id = $1 ORDER BY position', [id]);
      const signatures = await sql.query<{
        key_id: string;
        role: SignerRole;
        signer_name: string | null;
        signed_at: unknown;
        public_key_pem: string | null;
        revoked_at: unknown;
        revoked_reason: string | null;
      }>(
        `SELECT s.key_id, s.role, s.signer_name, s.signed_at, k.public_key_pem, k.revoked_at, k.revoked_reason
         FROM dashboard_report_signatures s LEFT JOIN dashboard_keys k ON k.key_id = s.key_id
         WHERE s.report_id = $1 ORDER BY s.role, s.key_id`,
        [id],
      );
      return {
        summary: reportSummary(row),
        clauses: clauses.map((c) => ({
          clause: c.clause,
          number: Number(c.number),
          title: c.title,
          assessment: c.assessment,
          status: c.status,
          automatedStatus: c.automated_status,
          attestedStatement: c.attested_statement,
          attestedEvidence: jsonList<string>(c.attested_evidence),
          checks: jsonList<string>(c.checks),
        })),
        checks: checks.map((c) => ({
          checkId: c.check_id,
          clause: c.clause,
          severity: c.severity,
          title: c.title,
          status: c.status,
          message: c.message,
          violations: jsonList<StoredViolationGroup>(c.violations),
        })),
        signatures: signatures.map((s) => ({
          keyId: s.key_id,
          role: s.role,
          signerName: s.signer_name,
          signedAt: isoTimestamp(s.signed_at),
          publicKeyPem: s.public_key_pem,
          keyRevokedAt: isoTimestampOrNull(s.revoked_at),
          keyRevokedReason: s.revoked_reason ?? null,
        })),
      };
    },

    async signedReportText(id) {
      // A held report is not on the public record (yet, or any more).
      const [row] = await sql.query<{ body: string }>(
        'SELECT body FROM dashboard_reports WHERE id = $1 AND held_reason IS NULL',
        [id],
      );
      return row?.body;
    },

    async clauseStandings(clause, now) {
      const rows = await sql.query<{
        product_id: string;
        product_name: string;
        supplier_name: string;
        profile: string;
        status: string;
        expired: boolean;
      }>(
        `${CURRENT_REPORTS}
        SELECT p.id AS product_id, p.name AS product_name, s.name AS supplier_name, p.profile, cr.status,
          (c.expires_at < $2::timestamptz) AS expired
        FROM current_reports c
        JOIN dashboard_clause_results cr ON cr.report_id = c.id AND cr.clause = $1
        JOIN dashboard_products p ON p.id = c.product_id
        JOIN dashboard_suppliers s ON s.id = p.supplier_id
        ORDER BY lower(p.name), p.id`,
        [clause, now.toISOString()],
      );
      return rows.map((row) => ({
        productId: row.product_id,
        productName: row.product_name,
        supplierName: row.supplier_name,
        systemType: row.profile,
        status: row.status,
        expired: row.expired,
      }));
    },

    async latestSpecVersion(profile) {
      const rows = await sql.query<{ spec_version: string }>(
        'SELECT DISTINCT spec_version FROM dashboard_reports WHERE profile = $1 AND held_reason IS NULL',
        [profile],
      );
      return rows
        .map((row) => row.spec_version)
        .sort(compareVersions)
        .at(-1);
    },

    async openDispute({ reportId, checkId, reason, openedAt }) {
      return sql.transaction(async (tx) => {
        const [found] = await tx.query<{ report_id: string; check_id: string | null; status: string | null }>(
          `SELECT r.id AS report_id, c.check_id, c.status FROM dashboard_reports r
           LEFT JOIN dashboard_check_results c ON c.report_id = r.id AND c.check_id = $2 WHERE r.id = $1`,
          [reportId, checkId],
        );
        if (!found) throw new ResultsStoreError('REPORT_NOT_FOUND', `no report ${reportId} is stored`);
        if (!found.check_id)
          throw new ResultsStoreError('CHECK_NOT_FOUND', `report ${reportId} has no check "${checkId}"`);
        if (!DISPUTABLE.has(found.status ?? ''))
          throw new ResultsStoreError(
            'CHECK_NOT_DISPUTABLE',
            `check "${checkId}" is ${found.status} in report ${reportId}: only a fail, warn or error can be disputed`,
          );
        const id = randomUUID();
        await tx.query(
          `INSERT INTO dashboard_disputes (id, report_id, check_id, reason, opened_at) VALUES ($1, $2, $3, $4, $5)`,
          [id, reportId, checkId, reason, openedAt.toISOString()],
        );
        return (await disputeById(tx, id)) as Dispute;
      });
    },

    async decideDispute({ id, accept, reason, waiverExpiresAt, decidedAt }) {
      return sql.transaction(async (tx) => {
        // Only an open dispute is decided, and only once: a decision is part of the public record.
        const updated = await tx.query<{ id: string }>(
          `UPDATE dashboard_disputes
           SET state = $2, decision_reason = $3, decided_at = $4, waiver_expires_at = $5
           WHERE id = $1 AND state = 'open' RETURNING id`,
          [
            id,
            accept ? 'accepted' : 'rejected',
            reason,
            decidedAt.toISOString(),
            accept ? (waiverExpiresAt?.toISOString() ?? null) : null,
          ],
        );
        const found = await disputeById(tx, id);
        if (!found) throw new ResultsStoreError('DISPUTE_NOT_FOUND', `no dispute ${id}`);
        if (updated.length === 0)
          throw new ResultsStoreError('DISPUTE_DECIDED', `dispute ${id} was ${found.state} already`);
        return found;
      });
    },

    dispute: (id) => disputeById(sql, id),

    async disputesForProduct(productId) {
      const rows = await sql.query<DisputeRow>(
        `${DISPUTE_SELECT} WHERE r.product_id = $1 ORDER BY d.opened_at DESC, d.id`,
        [productId],
      );
      return rows.map(dispute);
    },

    async ping() {
      await sql.query('SELECT 1');
    },
    close: () => sql.close(),
  };
}

import { randomUUID } from 'node:crypto';
import type { ContractRecord, Council, ParsedRegister, RowProblem } from '@council-conform/contracts';
import type { SqlClient } from '@council-conform/storage';
import { isoTimestamp, isoTimestampOrNull } from './timestamps.ts';

/** How a contract came to be tied to a supplier: its Companies House number, or a person's review. */
export type MatchMethod = 'companies-house' | 'reviewed' | 'reviewed-name';
/**
 * A person's decision on one contract: it is for a listed product; it is for a system of a type Council Conform
 * has a profile for, from a supplier not listed; or it is not for such a system at all (cleaning, say).
 */
export type LinkDecision = 'product' | 'system-type' | 'not-covered';
export const LINK_DECISIONS: readonly LinkDecision[] = ['product', 'system-type', 'not-covered'];

export interface ImportInput {
  readonly council: Council;
  /** What the open data cites for each row: the register's URL or file name. */
  readonly source: string;
  readonly register: ParsedRegister;
  readonly importedAt: Date;
}

export interface ImportResult {
  readonly importId: string;
  readonly council: Council;
  readonly source: string;
  readonly importedAt: string;
  readonly rowsRead: number;
  /** Contracts new to the dashboard. */
  readonly created: number;
  /** Contracts stored before whose details the register now gives differently. */
  readonly updated: number;
  readonly unchanged: number;
  /** Rows left out, each reported in `problems`. */
  readonly refused: number;
  readonly problems: readonly RowProblem[];
}

export interface CouncilSummary extends Council {
  readonly contracts: number;
  readonly lastImport: { readonly source: string; readonly importedAt: string } | null;
}

/**
 * A contract as stored: the register's row as the contracts package read it (its `line` being where it stood
 * in the register it was last written from), with what it is matched to.
 */
export interface StoredContract extends ContractRecord {
  readonly council: Council;
  /** The register (URL or file name) the row was last written from, and when. */
  readonly source: string;
  readonly importedAt: string;
  /** The supplier on the dashboard, when the contract is matched to one. */
  readonly supplierId: string | null;
  readonly supplierDisplayName: string | null;
  readonly productId: string | null;
  readonly productName: string | null;
  /** The product's profile, or the system type a person gave a contract with an unlisted supplier. */
  readonly systemType: string | null;
  readonly matchedBy: MatchMethod | null;
  readonly decision: LinkDecision | null;
  /** Neither matched to a product nor decided on by a person: for the review list. */
  readonly needsReview: boolean;
}

export interface ContractFilter {
  readonly councilCode?: string | undefined;
  readonly productId?: string | undefined;
  readonly supplierId?: string | undefined;
  readonly systemType?: string | undefined;
  readonly needsReview?: boolean | undefined;
}

export interface LinkInput {
  readonly councilCode: string;
  readonly reference: string;
  readonly decision: LinkDecision;
  readonly productId?: string | undefined;
  readonly systemType?: string | undefined;
  readonly reviewedAt: Date;
}

export class ContractsStoreError extends Error {
  override readonly name = 'ContractsStoreError';
  constructor(
    /** Stable, for callers that answer with a status code. */
    readonly code:
      | 'CONTRACT_NOT_FOUND'
      | 'PRODUCT_NOT_FOUND'
      | 'SUPPLIER_NOT_FOUND'
      | 'COMPANY_NUMBER_TAKEN'
      | 'CLAIM_NOT_FOUND'
      | 'CLAIM_DECIDED'
      | 'LINK_INVALID',
    message: string,
  ) {
    super(message);
  }
}

export interface CompanyNumberClaim {
  readonly companyNumber: string;
  readonly supplierId: string;
  readonly supplierName: string;
  readonly state: 'pending' | 'approved' | 'rejected';
  readonly claimedBy: string | null;
  readonly claimedAt: string;
  readonly reviewedBy: string | null;
  readonly reviewedAt: string | null;
  readonly reviewReason: string | null;
}

interface ClaimRow {
  company_number: string;
  supplier_id: string;
  supplier_name: string;
  state: CompanyNumberClaim['state'];
  claimed_by: string | null;
  claimed_at: unknown;
  reviewed_by: string | null;
  reviewed_at: unknown;
  review_reason: string | null;
}
const claimOf = (row: ClaimRow): CompanyNumberClaim => ({
  companyNumber: row.company_number,
  supplierId: row.supplier_id,
  supplierName: row.supplier_name,
  state: row.state,
  claimedBy: row.claimed_by,
  claimedAt: isoTimestamp(row.claimed_at),
  reviewedBy: row.reviewed_by,
  reviewedAt: isoTimestampOrNull(row.reviewed_at),
  reviewReason: row.review_reason,
});
const CLAIM_SELECT = `SELECT c.*, s.name AS supplier_name FROM dashboard_company_number_claims c
  JOIN dashboard_suppliers s ON s.id = c.supplier_id`;

/** Registers an approved number inside a transaction; a number approved for someone else is refused. */
async function registerNumber(
  tx: SqlClient,
  input: { supplierId: string; companyNumber: string; registeredAt: Date; reviewedBy?: string | null },
): Promise<{ created: boolean }> {
  const { supplierId, companyNumber, registeredAt } = input;
  const [supplier] = await tx.query<{ id: string }>('SELECT id FROM dashboard_suppliers WHERE id = $1', [
    supplierId,
  ]);
  if (!supplier)
    throw new ContractsStoreError('SUPPLIER_NOT_FOUND', `no supplier ${supplierId} has published here`);
  const inserted = await tx.query<{ company_number: string }>(
    `INSERT INTO dashboard_supplier_company_numbers (company_number, supplier_id, registered_at)
     VALUES ($1, $2, $3) ON CONFLICT (company_number) DO NOTHING RETURNING company_number`,
    [companyNumber, supplierId, registeredAt.toISOString()],
  );
  if (inserted.length === 0) {
    const [holder] = await tx.query<{ supplier_id: string; name: string }>(
      `SELECT n.supplier_id, s.name FROM dashboard_supplier_company_numbers n
       JOIN dashboard_suppliers s ON s.id = n.supplier_id WHERE n.company_number = $1`,
      [companyNumber],
    );
    if (holder && holder.supplier_id !== supplierId)
      throw new ContractsStoreError(
        'COMPANY_NUMBER_TAKEN',
        `Companies House number ${companyNumber} is registered already, to "${holder.name}"`,
      );
    return { created: false };
  }
  await tx.query(
    `INSERT INTO dashboard_company_number_claims (company_number, supplier_id, state, claimed_at, reviewed_by, reviewed_at)
     VALUES ($1, $2, 'approved', $3, $4, $3)
     ON CONFLICT (company_number, supplier_id) DO NOTHING`,
    [companyNumber, supplierId, registeredAt.toISOString(), input.reviewedBy ?? null],
  );
  return { created: true };
}

/**
 * Councils' contracts and what they are matched to. Matching is worked out when contracts are read, never
 * stored with them, so a supplier number registered or a product published after an import counts at once:
 * a person's link first, then the Companies House number, then a supplier name a person has linked before.
 * A contract matched to a supplier is matched to its product when the supplier has only one, or when the
 * contract's title or description names it.
 */
export interface ContractsStore {
  /** Adds new contracts and updates changed ones, in one transaction; never deletes any. */
  importRegister(input: ImportInput): Promise<ImportResult>;
  /**
   * Ties a Companies House number to a supplier that has published here, at once: what an approval (or an
   * administrator acting for LOTI) does. A supplier's own request is a claim instead (`claimCompanyNumber`).
   */
  registerCompanyNumber(input: {
    supplierId: string;
    companyNumber: string;
    registeredAt: Date;
    reviewedBy?: string | null;
  }): Promise<{ created: boolean }>;
  /**
   * A supplier's claim to a number, pending until a certifier or administrator approves it. Claims do not
   * exclude each other: a rival claiming first blocks no one, since only an approved claim matches contracts.
   */
  claimCompanyNumber(input: {
    supplierId: string;
    companyNumber: string;
    claimedBy: string;
    claimedAt: Date;
  }): Promise<{ created: boolean; claim: CompanyNumberClaim }>;
  reviewCompanyNumber(input: {
    supplierId: string;
    companyNumber: string;
    approve: boolean;
    reason: string;
    by: string;
    at: Date;
  }): Promise<CompanyNumberClaim>;
  companyNumberClaims(state?: CompanyNumberClaim['state']): Promise<CompanyNumberClaim[]>;
  /** Approved numbers only: what matching uses. */
  companyNumbers(supplierId: string): Promise<string[]>;
  /** Records a person's decision on a contract, replacing an earlier one; a product link also remembers the supplier's name. */
  link(input: LinkInput): Promise<StoredContract>;
  councils(): Promise<CouncilSummary[]>;
  /** A council's imports, latest first, with the rows each refused and why. */
  imports(councilCode: string, limit?: number): Promise<ImportResult[]>;
  /** Contracts, soonest ending first. */
  contracts(filter?: ContractFilter): Promise<StoredContract[]>;
}

const CONTRACT_FIELDS = [
  'title',
  'description',
  'organisationalUnit',
  'startDate',
  'endDate',
  'reviewDate',
  'valuePence',
  'supplierName',
  'supplierNameKey',
  'companyNumber',
  'sme',
  'vcse',
] as const satisfies readonly (keyof ContractRecord)[];

interface ContractRow {
  council_code: string;
  council_name: string;
  reference: string;
  title: string;
  description: string | null;
  organisational_unit: string | null;
  start_date: string | null;
  end_date: string | null;
  review_date: string | null;
  value_pence: string | number | null;
  supplier_name: string;
  supplier_name_key: string;
  company_number: string | null;
  sme: boolean | null;
  vcse: boolean | null;
  source: string;
  imported_at: unknown;
  line: number;
  supplier_id: string | null;
  supplier_display_name: string | null;
  product_id: string | null;
  product_name: string | null;
  system_type: string | null;
  matched_by: MatchMethod | null;
  decision: LinkDecision | null;
  needs_review: boolean;
}

const numberOrNull = (value: string | number | null) => (value === null ? null : Number(value));

const storedContract = (row: ContractRow): StoredContract => ({
  council: { code: row.council_code, name: row.council_name },
  reference: row.reference,
  title: row.title,
  description: row.description,
  organisationalUnit: row.organisational_unit,
  startDate: row.start_date,
  endDate: row.end_date,
  reviewDate: row.review_date,
  valuePence: numberOrNull(row.value_pence),
  supplierName: row.supplier_name,
  supplierNameKey: row.supplier_name_key,
  companyNumber: row.company_number,
  sme: row.sme,
  vcse: row.vcse,
  source: row.source,
  importedAt: isoTimestamp(row.imported_at),
  line: Number(row.line),
  supplierId: row.supplier_id,
  supplierDisplayName: row.supplier_display_name,
  productId: row.product_id,
  productName: row.product_name,
  systemType: row.system_type,
  matchedBy: row.matched_by,
  decision: row.decision,
  needsReview: row.needs_review,
});

// Dates as text: node-postgres turns a `date` into a Date at local midnight, a day out west of Greenwich.
const MATCHED_CONTRACTS = `
  WITH matched AS (
    SELECT c.*, co.name AS council_name, i.source, i.imported_at,
      l.decision, l.system_type AS reviewed_system_type, l.product_id AS linked_product_id,
      CASE WHEN l.decision IS NOT NULL THEN lp.supplier_id ELSE COALESCE(n.supplier_id, a.supplier_id) END
        AS matched_supplier_id,
      CASE
        WHEN l.decision = 'product' THEN 'reviewed'
        WHEN l.decision IS NOT NULL THEN NULL
        WHEN n.supplier_id IS NOT NULL THEN 'companies-house'
        WHEN a.supplier_id IS NOT NULL THEN 'reviewed-name'
      END AS matched_by
    FROM dashboard_contracts c
    JOIN dashboard_councils co ON co.code = c.council_code
    JOIN dashboard_contract_imports i ON i.id = c.import_id
    LEFT JOIN dashboard_contract_links l ON l.council_code = c.council_code AND l.reference = c.reference
    LEFT JOIN dashboard_products lp ON lp.id = l.product_id
    LEFT JOIN dashboard_supplier_company_numbers n ON n.company_number = c.company_number
    LEFT JOIN dashboard_supplier_name_aliases a ON a.name_key = c.supplier_name_key
  ),
  resolved AS (
    SELECT m.*, COALESCE(m.linked_product_id, auto.id) AS resolved_product_id
    FROM matched m
    LEFT JOIN LATERAL (
      SELECT p.id FROM dashboard_products p
      WHERE m.decision IS NULL AND p.supplier_id = m.matched_supplier_id
        AND ((SELECT count(*) FROM dashboard_products q WHERE q.supplier_id = p.supplier_id) = 1
          OR strpos(lower(m.title || ' ' || coalesce(m.description, '')), lower(p.name)) > 0)
      ORDER BY length(p.name) DESC, p.id
      LIMIT 1
    ) auto ON true
  )
  SELECT r.council_code, r.council_name, r.reference, r.title, r.description, r.organisational_unit,
    to_char(r.start_date, 'YYYY-MM-DD') AS start_date, to_char(r.end_date, 'YYYY-MM-DD') AS end_date,
    to_char(r.review_date, 'YYYY-MM-DD') AS review_date, r.value_pence, r.supplier_name, r.supplier_name_key,
    r.company_number, r.sme, r.vcse, r.source, r.imported_at, r.line,
    s.id AS supplier_id, s.name AS supplier_display_name, p.id AS product_id, p.name AS product_name,
    COALESCE(p.profile, r.reviewed_system_type) AS system_type, r.matched_by, r.decision,
    (r.decision IS NULL AND p.id IS NULL) AS needs_review
  FROM resolved r
  LEFT JOIN dashboard_suppliers s ON s.id = r.matched_supplier_id
  LEFT JOIN dashboard_products p ON p.id = r.resolved_product_id`;

const FILTERED = `${MATCHED_CONTRACTS}
  WHERE ($1::text IS NULL OR r.council_code = $1)
    AND ($2::text IS NULL OR p.id = $2)
    AND ($3::text IS NULL OR r.matched_supplier_id = $3)
    AND ($4::text IS NULL OR COALESCE(p.profile, r.reviewed_system_type) = $4)
    AND ($5::boolean IS NULL OR (r.decision IS NULL AND p.id IS NULL) = $5)
    AND ($6::text IS NULL OR r.reference = $6)
  ORDER BY r.end_date ASC NULLS LAST, r.council_name, r.reference`;

const same = (stored: Record<string, unknown>, incoming: ContractRecord) =>
  CONTRACT_FIELDS.every((field) => {
    const column = field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
    const value = stored[column];
    const wanted = incoming[field];
    return field === 'valuePence'
      ? (value === null ? null : Number(value)) === wanted
      : (value ?? null) === (wanted ?? null);
  });

export function createContractsStore(sql: SqlClient): ContractsStore {
  async function find(
    runner: SqlClient,
    filter: ContractFilter & { reference?: string },
  ): Promise<StoredContract[]> {
    const rows = await runner.query<ContractRow>(FILTERED, [
      filter.councilCode ?? null,
      filter.productId ?? null,
      filter.supplierId ?? null,
      filter.systemType ?? null,
      filter.needsReview ?? null,
      filter.reference ?? null,
    ]);
    return rows.map(storedContract);
  }

  return {
    async importRegister({ council, source, register, importedAt }) {
      const contracts = register.contracts;
      const references = contracts.map((c) => c.reference);
      return sql.transaction(async (tx) => {
        await tx.query(
          'INSERT INTO dashboard_councils (code, name) VALUES ($1, $2) ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name',
          [council.code, council.name],
        );
        // One import of a council at a time: the second waits here, then sees what the first stored.
        await tx.query('SELECT code FROM dashboard_councils WHERE code = $1 FOR UPDATE', [council.code]);
        const existing = await tx.query<Record<string, unknown> & { reference: string }>(
          `SELECT reference, title, description, organisational_unit,
             to_char(start_date, 'YYYY-MM-DD') AS start_date, to_char(end_date, 'YYYY-MM-DD') AS end_date,
             to_char(review_date, 'YYYY-MM-DD') AS review_date, value_pence, supplier_name, supplier_name_key,
             company_number, sme, vcse
           FROM dashboard_contracts WHERE council_code = $1 AND reference = ANY($2::text[])`,
          [council.code, references],
        );
        const stored = new Map(existing.map((row) => [row.reference, row]));
        const written = contracts.filter((c) => {
          const before = stored.get(c.reference);
          return !before || !same(before, c);
        });
        const created = written.filter((c) => !stored.has(c.reference)).length;
        const importId = randomUUID();
        await tx.query(
          `INSERT INTO dashboard_contract_imports (id, council_code, source, imported_at, rows_read, created, updated,
             unchanged, refused, problems)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          [
            importId,
            council.code,
            source,
            importedAt.toISOString(),
            register.rowsRead,
            created,
            written.length - created,
            contracts.length - written.length,
            register.refusedLines.length,
            JSON.stringify(register.problems),
          ],
        );
        if (written.length > 0)
          await tx.query(
            `INSERT INTO dashboard_contracts (council_code, reference, title, description, organisational_unit,
               start_date, end_date, review_date, value_pence, supplier_name, supplier_name_key, company_number,
               sme, vcse, line, import_id, first_imported_at)
             SELECT $1::text, u.*, $15::text, $16::timestamptz
             FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::date[], $7::date[], $8::date[],
               $9::bigint[], $10::text[], $11::text[], $12::text[], $13::boolean[], $14::boolean[], $17::int[]) AS u
             ON CONFLICT (council_code, reference) DO UPDATE SET
               title = EXCLUDED.title, description = EXCLUDED.description,
               organisational_unit = EXCLUDED.organisational_unit, start_date = EXCLUDED.start_date,
               end_date = EXCLUDED.end_date, review_date = EXCLUDED.review_date,
               value_pence = EXCLUDED.value_pence, supplier_name = EXCLUDED.supplier_name,
               supplier_name_key = EXCLUDED.supplier_name_key, company_number = EXCLUDED.company_number,
               sme = EXCLUDED.sme, vcse = EXCLUDED.vcse, line = EXCLUDED.line, import_id = EXCLUDED.import_id`,
            [
              council.code,
              written.map((c) => c.reference),
              written.map((c) => c.title),
              written.map((c) => c.description),
              written.map((c) => c.organisationalUnit),
              written.map((c) => c.startDate),
              written.map((c) => c.endDate),
              written.map((c) => c.reviewDate),
              written.map((c) => c.valuePence),
              written.map((c) => c.supplierName),
              written.map((c) => c.supplierNameKey),
              written.map((c) => c.companyNumber),
              written.map((c) => c.sme),
              written.map((c) => c.vcse),
              importId,
              importedAt.toISOString(),
              written.map((c) => c.line),
            ],
          );
        return {
          importId,
          council,
          source,
          importedAt: importedAt.toISOString(),
          rowsRead: register.rowsRead,
          created,
          updated: written.length - created,
          unchanged: contracts.length - written.length,
          refused: register.refusedLines.length,
          problems: register.problems,
        };
      });
    },

    async registerCompanyNumber(input) {
      return sql.transaction((tx) => registerNumber(tx, input));
    },

    async claimCompanyNumber({ supplierId, companyNumber, claimedBy, claimedAt }) {
      return sql.transaction(async (tx) => {
        const [supplier] = await tx.query<{ id: string }>(
          'SELECT id FROM dashboard_suppliers WHERE id = $1',
          [supplierId],
        );
        if (!supplier)
          throw new ContractsStoreError('SUPPLIER_NOT_FOUND', `no supplier ${supplierId} has published here`);
        const inserted = await tx.query<{ company_number: string }>(
          `INSERT INTO dashboard_company_number_claims (company_number, supplier_id, state, claimed_by, claimed_at)
           VALUES ($1, $2, 'pending', $3, $4) ON CONFLICT DO NOTHING RETURNING company_number`,
          [companyNumber, supplierId, claimedBy, claimedAt.toISOString()],
        );
        const [row] = await tx.query<ClaimRow>(
          `${CLAIM_SELECT} WHERE c.company_number = $1 AND c.supplier_id = $2`,
          [companyNumber, supplierId],
        );
        return { created: inserted.length > 0, claim: claimOf(row as ClaimRow) };
      });
    },

    async reviewCompanyNumber({ supplierId, companyNumber, approve, reason, by, at }) {
      return sql.transaction(async (tx) => {
        const [row] = await tx.query<ClaimRow>(
          `${CLAIM_SELECT} WHERE c.company_number = $1 AND c.supplier_id = $2 FOR UPDATE OF c`,
          [companyNumber, supplierId],
        );
        if (!row)
          throw new ContractsStoreError(
            'CLAIM_NOT_FOUND',
            `no claim of Companies House number ${companyNumber} by ${supplierId}`,
          );
        if (row.state !== 'pending')
          throw new ContractsStoreError('CLAIM_DECIDED', `that claim was ${row.state} already`);
        if (approve)
          await registerNumber(tx, { supplierId, companyNumber, registeredAt: at, reviewedBy: by });
        await tx.query(
          `UPDATE dashboard_company_number_claims SET state = $3, reviewed_by = $4, reviewed_at = $5, review_reason = $6
           WHERE company_number = $1 AND supplier_id = $2`,
          [companyNumber, supplierId, approve ? 'approved' : 'rejected', by, at.toISOString(), reason],
        );
        const [after] = await tx.query<ClaimRow>(
          `${CLAIM_SELECT} WHERE c.company_number = $1 AND c.supplier_id = $2`,
          [companyNumber, supplierId],
        );
        return claimOf(after as ClaimRow);
      });
    },

    async companyNumberClaims(state) {
      const rows = await sql.query<ClaimRow>(
        `${CLAIM_SELECT} WHERE $1::text IS NULL OR c.state = $1 ORDER BY c.claimed_at, c.company_number`,
        [state ?? null],
      );
      return rows.map(claimOf);
    },

    async companyNumbers(supplierId) {
      const rows = await sql.query<{ company_number: string }>(
        'SELECT company_number FROM dashboard_supplier_company_numbers WHERE supplier_id = $1 ORDER BY company_number',
        [supplierId],
      );
      return rows.map((row) => row.company_number);
    },

    async link({ councilCode, reference, decision, productId, systemType, reviewedAt }) {
      if (
        (decision === 'product') !== Boolean(productId) ||
        (decision === 'system-type') !== Boolean(systemType)
      )
        throw new ContractsStoreError(
          'LINK_INVALID',
          'a product decision names a product, a system-type decision a system type, and no other does',
        );
      return sql.transaction(async (tx) => {
        const [contract] = await find(tx, { councilCode, reference });
        if (!contract)
          throw new ContractsStoreError(
            'CONTRACT_NOT_FOUND',
            `no contract "${reference}" of council ${councilCode} is stored`,
          );
        let supplierId: string | undefined;
        if (productId) {
          const [product] = await tx.query<{ supplier_id: string }>(
            'SELECT supplier_id FROM dashboard_products WHERE id = $1',
            [productId],
          );
          if (!product)
            throw new ContractsStoreError('PRODUCT_NOT_FOUND', `no product ${productId} is listed`);
          supplierId = product.supplier_id;
        }
        await tx.query(
          `INSERT INTO dashboard_contract_links (council_code, reference, decision, product_id, system_type, reviewed_at)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (council_code, reference) DO UPDATE SET decision = EXCLUDED.decision,
             product_id = EXCLUDED.product_id, system_type = EXCLUDED.system_type, reviewed_at = EXCLUDED.reviewed_at`,
          [councilCode, reference, decision, productId ?? null, systemType ?? null, reviewedAt.toISOString()],
        );
        // The name this register gives the supplier now means that supplier, in every council's register.
        if (supplierId && contract.supplierNameKey !== '')
          await tx.query(
            `INSERT INTO dashboard_supplier_name_aliases (name_key, supplier_id, reviewed_at) VALUES ($1, $2, $3)
             ON CONFLICT (name_key) DO UPDATE SET supplier_id = EXCLUDED.supplier_id, reviewed_at = EXCLUDED.reviewed_at`,
            [contract.supplierNameKey, supplierId, reviewedAt.toISOString()],
          );
        const [linked] = await find(tx, { councilCode, reference });
        return linked as StoredContract;
      });
    },

    async councils() {
      const rows = await sql.query<{
        code: string;
        name: string;
        contracts: string | number;
        source: string | null;
        imported_at: unknown;
      }>(
        `SELECT co.code, co.name, (SELECT count(*) FROM dashboard_contracts c WHERE c.council_code = co.code) AS contracts,
           last.source, last.imported_at
         FROM dashboard_councils co
         LEFT JOIN LATERAL (
           SELECT source, imported_at FROM dashboard_contract_imports i WHERE i.council_code = co.code
           ORDER BY imported_at DESC, id LIMIT 1
         ) last ON true
         ORDER BY co.name`,
      );
      return rows.map((row) => ({
        code: row.code,
        name: row.name,
        contracts: Number(row.contracts),
        lastImport:
          row.source === null ? null : { source: row.source, importedAt: isoTimestamp(row.imported_at) },
      }));
    },

    async imports(councilCode, limit = 10) {
      const rows = await sql.query<{
        id: string;
        council_code: string;
        name: string;
        source: string;
        imported_at: unknown;
        rows_read: number;
        created: number;
        updated: number;
        unchanged: number;
        refused: number;
        problems: string;
      }>(
        `SELECT i.*, co.name FROM dashboard_contract_imports i JOIN dashboard_councils co ON co.code = i.council_code
         WHERE i.council_code = $1 ORDER BY i.imported_at DESC, i.id LIMIT $2`,
        [councilCode, limit],
      );
      return rows.map((row) => ({
        importId: row.id,
        council: { code: row.council_code, name: row.name },
        source: row.source,
        importedAt: isoTimestamp(row.imported_at),
        rowsRead: Number(row.rows_read),
        created: Number(row.created),
        updated: Number(row.updated),
        unchanged: Number(row.unchanged),
        refused: Number(row.refused),
        problems: JSON.parse(row.problems) as RowProblem[],
      }));
    },

    contracts: (filter = {}) => find(sql, filter),
  };
}

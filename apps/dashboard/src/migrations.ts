import type { Migration } from '@council-conform/storage';

/** Its own history table, so the dashboard can share a database with the reference server's records. */
export const DASHBOARD_MIGRATIONS_TABLE = 'council_conform_dashboard_migrations';

/**
 * Append only: a released migration is never edited, since databases out there have already run it. Split on
 * `;` by the migrator, so no statement may hold one inside a string.
 */
export const DASHBOARD_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'results',
    sql: `
      CREATE TABLE dashboard_suppliers (
        id text PRIMARY KEY,
        name text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE dashboard_products (
        id text PRIMARY KEY,
        supplier_id text NOT NULL REFERENCES dashboard_suppliers (id),
        name text NOT NULL,
        profile text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (supplier_id, name, profile)
      );
      CREATE TABLE dashboard_keys (
        key_id text PRIMARY KEY,
        public_key_pem text NOT NULL,
        role text NOT NULL CHECK (role IN ('certifier', 'supplier')),
        owner text NOT NULL,
        registered_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE dashboard_reports (
        id text PRIMARY KEY,
        product_id text NOT NULL REFERENCES dashboard_products (id),
        profile text NOT NULL,
        spec_version text NOT NULL,
        level text NOT NULL CHECK (level IN ('gold', 'silver', 'bronze', 'none')),
        level_rank integer NOT NULL,
        status text NOT NULL CHECK (status IN ('certified', 'self-assessed')),
        clauses_met integer NOT NULL,
        issued_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        run_started_at timestamptz NOT NULL,
        run_finished_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        body text NOT NULL
      );
      CREATE INDEX dashboard_reports_by_product ON dashboard_reports (product_id, run_finished_at DESC);
      CREATE TABLE dashboard_report_signatures (
        report_id text NOT NULL REFERENCES dashboard_reports (id),
        key_id text NOT NULL,
        role text NOT NULL CHECK (role IN ('certifier', 'supplier')),
        signer_name text,
        signed_at timestamptz NOT NULL,
        PRIMARY KEY (report_id, key_id)
      );
      CREATE TABLE dashboard_clause_results (
        report_id text NOT NULL REFERENCES dashboard_reports (id),
        clause text NOT NULL,
        number integer NOT NULL,
        title text NOT NULL,
        assessment text NOT NULL,
        status text NOT NULL,
        automated_status text,
        attested_statement text,
        attested_evidence text,
        checks text NOT NULL,
        PRIMARY KEY (report_id, clause)
      );
      CREATE INDEX dashboard_clause_results_by_clause ON dashboard_clause_results (clause, status);
      CREATE TABLE dashboard_check_results (
        report_id text NOT NULL REFERENCES dashboard_reports (id),
        position integer NOT NULL,
        check_id text NOT NULL,
        clause text NOT NULL,
        severity text NOT NULL,
        title text NOT NULL,
        status text NOT NULL,
        message text NOT NULL,
        violations text,
        PRIMARY KEY (report_id, check_id)
      );
      CREATE TABLE dashboard_disputes (
        id text PRIMARY KEY,
        report_id text NOT NULL REFERENCES dashboard_reports (id),
        check_id text NOT NULL,
        reason text NOT NULL,
        state text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'accepted', 'rejected')),
        opened_at timestamptz NOT NULL,
        decision_reason text,
        decided_at timestamptz,
        waiver_expires_at timestamptz,
        CHECK ((state = 'open') = (decided_at IS NULL)),
        CHECK ((state = 'accepted') = (waiver_expires_at IS NOT NULL)),
        FOREIGN KEY (report_id, check_id) REFERENCES dashboard_check_results (report_id, check_id)
      );
      CREATE INDEX dashboard_disputes_by_report ON dashboard_disputes (report_id)
    `,
  },
  {
    version: 2,
    name: 'regressions',
    sql: `
      CREATE TABLE dashboard_regressions (
        report_id text NOT NULL REFERENCES dashboard_reports (id),
        kind text NOT NULL CHECK (kind IN ('level-dropped', 'must-failed-twice')),
        previous_report_id text NOT NULL REFERENCES dashboard_reports (id),
        detail text NOT NULL,
        checks text NOT NULL,
        PRIMARY KEY (report_id, kind)
      );
      CREATE INDEX dashboard_reports_by_product_run ON dashboard_reports (product_id, run_finished_at)
    `,
  },
  {
    version: 3,
    name: 'contracts',
    // Contracts are never deleted: a later import updates a contract (council and reference) or adds one.
    // Links and aliases are a person's review, kept apart so that re-importing a register keeps them.
    sql: `
      CREATE TABLE dashboard_councils (
        code text PRIMARY KEY,
        name text NOT NULL
      );
      CREATE TABLE dashboard_contract_imports (
        id text PRIMARY KEY,
        council_code text NOT NULL REFERENCES dashboard_councils (code),
        source text NOT NULL,
        imported_at timestamptz NOT NULL,
        rows_read integer NOT NULL,
        created integer NOT NULL,
        updated integer NOT NULL,
        unchanged integer NOT NULL,
        refused integer NOT NULL,
        problems text NOT NULL
      );
      CREATE INDEX dashboard_contract_imports_by_council ON dashboard_contract_imports (council_code, imported_at);
      CREATE TABLE dashboard_contracts (
        council_code text NOT NULL REFERENCES dashboard_councils (code),
        reference text NOT NULL,
        title text NOT NULL,
        description text,
        organisational_unit text,
        start_date date,
        end_date date,
        review_date date,
        value_pence bigint,
        supplier_name text NOT NULL,
        supplier_name_key text NOT NULL,
        company_number text,
        sme boolean,
        vcse boolean,
        line integer NOT NULL,
        import_id text NOT NULL REFERENCES dashboard_contract_imports (id),
        first_imported_at timestamptz NOT NULL,
        PRIMARY KEY (council_code, reference)
      );
      CREATE INDEX dashboard_contracts_by_company_number ON dashboard_contracts (company_number);
      CREATE INDEX dashboard_contracts_by_supplier_name ON dashboard_contracts (supplier_name_key);
      CREATE TABLE dashboard_supplier_company_numbers (
        company_number text PRIMARY KEY,
        supplier_id text NOT NULL REFERENCES dashboard_suppliers (id),
        registered_at timestamptz NOT NULL
      );
      CREATE TABLE dashboard_supplier_name_aliases (
        name_key text PRIMARY KEY,
        supplier_id text NOT NULL REFERENCES dashboard_suppliers (id),
        reviewed_at timestamptz NOT NULL
      );
      CREATE TABLE dashboard_contract_links (
        council_code text NOT NULL,
        reference text NOT NULL,
        decision text NOT NULL CHECK (decision IN ('product', 'system-type', 'not-covered')),
        product_id text REFERENCES dashboard_products (id),
        system_type text,
        reviewed_at timestamptz NOT NULL,
        PRIMARY KEY (council_code, reference),
        FOREIGN KEY (council_code, reference) REFERENCES dashboard_contracts (council_code, reference),
        CHECK ((decision = 'product') = (product_id IS NOT NULL)),
        CHECK ((decision = 'system-type') = (system_type IS NOT NULL))
      )
    `,
  },
  {
    version: 4,
    name: 'principals',
    // Who acts on the dashboard: each credential is bound to one principal, and only its SHA-256 is kept (a
    // credential is 32 random bytes, so a slow password hash would add nothing). A supplier's signing keys and
    // Companies House numbers are claims until a certifier or administrator approves them; a report is held
    // (stored, not listed) while it waits on a pending key or on a review. Rows written before this version
    // were trusted by whoever held an upload token then, and stay approved.
    sql: `
      CREATE TABLE dashboard_principals (
        id text PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('administrator', 'certifier', 'supplier', 'council')),
        name text NOT NULL,
        supplier_id text UNIQUE,
        council_code text UNIQUE,
        created_at timestamptz NOT NULL,
        CHECK ((kind = 'supplier') = (supplier_id IS NOT NULL)),
        CHECK ((kind = 'council') = (council_code IS NOT NULL))
      );
      CREATE TABLE dashboard_credentials (
        id text PRIMARY KEY,
        principal_id text NOT NULL REFERENCES dashboard_principals (id),
        secret_sha256 text NOT NULL UNIQUE,
        label text NOT NULL,
        issued_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revoked_reason text,
        CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL))
      );
      CREATE INDEX dashboard_credentials_by_principal ON dashboard_credentials (principal_id);
      ALTER TABLE dashboard_keys ADD COLUMN state text NOT NULL DEFAULT 'approved'
        CHECK (state IN ('pending', 'approved', 'rejected'));
      ALTER TABLE dashboard_keys ADD COLUMN registered_by text REFERENCES dashboard_principals (id);
      ALTER TABLE dashboard_keys ADD COLUMN reviewed_by text REFERENCES dashboard_principals (id);
      ALTER TABLE dashboard_keys ADD COLUMN reviewed_at timestamptz;
      ALTER TABLE dashboard_keys ADD COLUMN revoked_at timestamptz;
      ALTER TABLE dashboard_keys ADD COLUMN revoked_reason text;
      ALTER TABLE dashboard_keys ADD COLUMN revoked_by text REFERENCES dashboard_principals (id);
      CREATE TABLE dashboard_company_number_claims (
        company_number text NOT NULL,
        supplier_id text NOT NULL REFERENCES dashboard_suppliers (id),
        state text NOT NULL CHECK (state IN ('pending', 'approved', 'rejected')),
        claimed_by text REFERENCES dashboard_principals (id),
        claimed_at timestamptz NOT NULL,
        reviewed_by text REFERENCES dashboard_principals (id),
        reviewed_at timestamptz,
        review_reason text,
        PRIMARY KEY (company_number, supplier_id)
      );
      INSERT INTO dashboard_company_number_claims (company_number, supplier_id, state, claimed_at, reviewed_at)
        SELECT company_number, supplier_id, 'approved', registered_at, registered_at
        FROM dashboard_supplier_company_numbers;
      ALTER TABLE dashboard_reports ADD COLUMN held_reason text
        CHECK (held_reason IS NULL OR held_reason IN ('pending-key', 'review', 'revoked-key'));
      ALTER TABLE dashboard_reports ADD COLUMN held_detail text;
      ALTER TABLE dashboard_reports ADD COLUMN published_by text REFERENCES dashboard_principals (id);
      CREATE INDEX dashboard_reports_by_product_received ON dashboard_reports (product_id, received_at)
    `,
  },
  {
    version: 5,
    name: 'report-measures',
    // What the product page reads from a report's body beyond the tables above, kept small: each counted
    // exchange's status and duration, the data quality, each failed check's re-run command. Written the first
    // time a page needs a report's measures (see report-measures.ts), so reports stored before need no backfill.
    sql: `
      CREATE TABLE dashboard_report_measures (
        report_id text PRIMARY KEY REFERENCES dashboard_reports (id),
        exchanges text NOT NULL,
        data_quality text,
        rerun_commands text NOT NULL
      )
    `,
  },
];

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { SqlClient } from '@council-conform/storage';
import { supplierIdOf } from './ids.ts';
import { isoTimestamp, isoTimestampOrNull } from './timestamps.ts';

/**
 * Who may act on the dashboard. LOTI's administrators issue credentials and review claims; certifiers decide
 * disputes, approve claims and countersign; a supplier is one organisation (the name its certificates carry);
 * a council is one GSS code.
 */
export const PRINCIPAL_KINDS = ['administrator', 'certifier', 'supplier', 'council'] as const;
export type PrincipalKind = (typeof PRINCIPAL_KINDS)[number];

export interface Principal {
  readonly id: string;
  readonly kind: PrincipalKind;
  readonly name: string;
  /** For a supplier: the id its products are listed under (from the name its certificates carry). */
  readonly supplierId: string | null;
  /** For a council: its GSS code. */
  readonly councilCode: string | null;
  readonly createdAt: string;
}

export interface Credential {
  readonly id: string;
  readonly principalId: string;
  readonly label: string;
  readonly issuedAt: string;
  readonly revokedAt: string | null;
  readonly revokedReason: string | null;
}

/** A credential as issued: the token is shown this once and never stored. */
export interface IssuedCredential {
  readonly credential: Credential;
  readonly token: string;
}

/** Who is acting on a request, and with which credential (the rate limiter's key). */
export interface Actor {
  readonly principal: Principal;
  readonly credentialId: string;
}

export class PrincipalsStoreError extends Error {
  override readonly name = 'PrincipalsStoreError';
  constructor(
    readonly code:
      | 'PRINCIPAL_EXISTS'
      | 'PRINCIPAL_NOT_FOUND'
      | 'PRINCIPAL_INVALID'
      | 'CREDENTIAL_NOT_FOUND'
      | 'CREDENTIAL_REVOKED'
      | 'TOKEN_TAKEN',
    message: string,
  ) {
    super(message);
  }
}

/** Tokens this dashboard issues start with this, so a leaked one is recognisable in a secret scanner. */
export const TOKEN_PREFIX = 'ccd_';
/** A token given from outside (a seed) must be at least this long to resist guessing. */
export const MIN_SEED_TOKEN_LENGTH = 32;

export const tokenDigest = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
const newToken = () => `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
const newCredentialId = () => `cred-${randomBytes(6).toString('hex')}`;

export interface PrincipalsStore {
  /** A supplier's name is the one its certificates carry, exactly: it decides which products are its own. */
  create(input: {
    kind: PrincipalKind;
    name: string;
    councilCode?: string | undefined;
    createdAt: Date;
  }): Promise<Principal>;
  list(): Promise<Principal[]>;
  get(id: string): Promise<Principal | undefined>;
  /** The supplier principal holding a supplier id, if one was created. */
  bySupplierId(supplierId: string): Promise<Principal | undefined>;
  /** Issues a credential; `token` only to seed one chosen outside (tests, the first administrator). */
  issue(input: {
    principalId: string;
    label: string;
    issuedAt: Date;
    token?: string;
  }): Promise<IssuedCredential>;
  credentials(principalId?: string): Promise<Credential[]>;
  revoke(input: { id: string; reason: string; at: Date }): Promise<Credential>;
  /** A new credential for the same principal, the old one revoked in the same transaction. */
  rotate(input: { id: string; at: Date }): Promise<IssuedCredential & { replaced: Credential }>;
  /** The actor a bearer token names, if it is a live credential. */
  authenticate(token: string): Promise<Actor | undefined>;
  /** Whether any credential (live or revoked) has this token: so a seed is never issued twice. */
  knowsToken(token: string): Promise<boolean>;
  /** How many principals of a kind exist. */
  count(kind: PrincipalKind): Promise<number>;
}

interface PrincipalRow {
  id: string;
  kind: PrincipalKind;
  name: string;
  supplier_id: string | null;
  council_code: string | null;
  created_at: unknown;
}
interface CredentialRow {
  id: string;
  principal_id: string;
  label: string;
  issued_at: unknown;
  revoked_at: unknown;
  revoked_reason: string | null;
}

const principal = (row: PrincipalRow): Principal => ({
  id: row.id,
  kind: row.kind,
  name: row.name,
  supplierId: row.supplier_id,
  councilCode: row.council_code,
  createdAt: isoTimestamp(row.created_at),
});
const credential = (row: CredentialRow): Credential => ({
  id: row.id,
  principalId: row.principal_id,
  label: row.label,
  issuedAt: isoTimestamp(row.issued_at),
  revokedAt: isoTimestampOrNull(row.revoked_at),
  revokedReason: row.revoked_reason,
});

const slug = (text: string) =>
  text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);

export function createPrincipalsStore(sql: SqlClient): PrincipalsStore {
  async function insertCredential(
    tx: SqlClient,
    input: { principalId: string; label: string; issuedAt: Date; token?: string },
  ): Promise<IssuedCredential> {
    const token = input.token ?? newToken();
    const rows = await tx.query<CredentialRow>(
      `INSERT INTO dashboard_credentials (id, principal_id, secret_sha256, label, issued_at)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (secret_sha256) DO NOTHING
       RETURNING id, principal_id, label, issued_at, revoked_at, revoked_reason`,
      [newCredentialId(), input.principalId, tokenDigest(token), input.label, input.issuedAt.toISOString()],
    );
    if (!rows[0]) throw new PrincipalsStoreError('TOKEN_TAKEN', 'that token is in use already');
    return { credential: credential(rows[0]), token };
  }

  async function credentialById(tx: SqlClient, id: string): Promise<Credential> {
    const [row] = await tx.query<CredentialRow>(
      'SELECT id, principal_id, label, issued_at, revoked_at, revoked_reason FROM dashboard_credentials WHERE id = $1 FOR UPDATE',
      [id],
    );
    if (!row) throw new PrincipalsStoreError('CREDENTIAL_NOT_FOUND', `no credential ${id}`);
    return credential(row);
  }

  return {
    async create({ kind, name, councilCode, createdAt }) {
      const trimmed = name.trim();
      if (!PRINCIPAL_KINDS.includes(kind))
        throw new PrincipalsStoreError('PRINCIPAL_INVALID', `"${String(kind)}" is not a kind of principal`);
      if (kind === 'council' && !councilCode)
        throw new PrincipalsStoreError('PRINCIPAL_INVALID', 'a council principal needs its GSS code');
      if (kind !== 'council' && councilCode)
        throw new PrincipalsStoreError('PRINCIPAL_INVALID', `a ${kind} has no GSS code`);
      if (trimmed === '') throw new PrincipalsStoreError('PRINCIPAL_INVALID', 'a principal needs a name');
      const supplierId = kind === 'supplier' ? supplierIdOf(trimmed) : null;
      const id = `${kind}-${slug(trimmed) || 'principal'}-${randomUUID().slice(0, 8)}`;
      return sql.transaction(async (tx) => {
        const [clash] = await tx.query<PrincipalRow>(
          'SELECT * FROM dashboard_principals WHERE supplier_id = $1 OR council_code = $2',
          [supplierId, councilCode ?? null],
        );
        if (clash)
          throw new PrincipalsStoreError(
            'PRINCIPAL_EXISTS',
            kind === 'supplier'
              ? `the supplier "${trimmed}" is held already by ${clash.id}: one principal per organisation`
              : `the council ${councilCode} is held already by ${clash.id}: one principal per council`,
          );
        const [row] = await tx.query<PrincipalRow>(
          `INSERT INTO dashboard_principals (id, kind, name, supplier_id, council_code, created_at)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
          [id, kind, trimmed, supplierId, councilCode ?? null, createdAt.toISOString()],
        );
        return principal(row as PrincipalRow);
      });
    },

    async list() {
      return (
        await sql.query<PrincipalRow>('SELECT * FROM dashboard_principals ORDER BY kind, lower(name), id')
      ).map(principal);
    },

    async get(id) {
      const [row] = await sql.query<PrincipalRow>('SELECT * FROM dashboard_principals WHERE id = $1', [id]);
      return row ? principal(row) : undefined;
    },

    async bySupplierId(supplierId) {
      const [row] = await sql.query<PrincipalRow>(
        'SELECT * FROM dashboard_principals WHERE supplier_id = $1',
        [supplierId],
      );
      return row ? principal(row) : undefined;
    },

    async issue(input) {
      return sql.transaction(async (tx) => {
        const [owner] = await tx.query<{ id: string }>('SELECT id FROM dashboard_principals WHERE id = $1', [
          input.principalId,
        ]);
        if (!owner)
          throw new PrincipalsStoreError('PRINCIPAL_NOT_FOUND', `no principal ${input.principalId}`);
        return insertCredential(tx, input);
      });
    },

    async credentials(principalId) {
      return (
        await sql.query<CredentialRow>(
          `SELECT id, principal_id, label, issued_at, revoked_at, revoked_reason FROM dashboard_credentials
           WHERE $1::text IS NULL OR principal_id = $1 ORDER BY issued_at, id`,
          [principalId ?? null],
        )
      ).map(credential);
    },

    async revoke({ id, reason, at }) {
      return sql.transaction(async (tx) => {
        const found = await credentialById(tx, id);
        if (found.revokedAt) return found;
        const [row] = await tx.query<CredentialRow>(
          `UPDATE dashboard_credentials SET revoked_at = $2, revoked_reason = $3 WHERE id = $1
           RETURNING id, principal_id, label, issued_at, revoked_at, revoked_reason`,
          [id, at.toISOString(), reason],
        );
        return credential(row as CredentialRow);
      });
    },

    async rotate({ id, at }) {
      return sql.transaction(async (tx) => {
        const found = await credentialById(tx, id);
        if (found.revokedAt)
          throw new PrincipalsStoreError(
            'CREDENTIAL_REVOKED',
            `credential ${id} was revoked at ${found.revokedAt}: issue a new one instead`,
          );
        const issued = await insertCredential(tx, {
          principalId: found.principalId,
          label: found.label,
          issuedAt: at,
        });
        const [row] = await tx.query<CredentialRow>(
          `UPDATE dashboard_credentials SET revoked_at = $2, revoked_reason = $3 WHERE id = $1
           RETURNING id, principal_id, label, issued_at, revoked_at, revoked_reason`,
          [id, at.toISOString(), `rotated: replaced by ${issued.credential.id}`],
        );
        return { ...issued, replaced: credential(row as CredentialRow) };
      });
    },

    async authenticate(token) {
      if (token === '') return undefined;
      // Looked up by digest: the database compares digests, never the token, and a digest reveals nothing.
      const [row] = await sql.query<PrincipalRow & { credential_id: string }>(
        `SELECT p.*, c.id AS credential_id FROM dashboard_credentials c
         JOIN dashboard_principals p ON p.id = c.principal_id
         WHERE c.secret_sha256 = $1 AND c.revoked_at IS NULL`,
        [tokenDigest(token)],
      );
      return row ? { principal: principal(row), credentialId: row.credential_id } : undefined;
    },

    async knowsToken(token) {
      const rows = await sql.query<{ id: string }>(
        'SELECT id FROM dashboard_credentials WHERE secret_sha256 = $1',
        [tokenDigest(token)],
      );
      return rows.length > 0;
    },

    async count(kind) {
      const [row] = await sql.query<{ n: number | string }>(
        'SELECT count(*) AS n FROM dashboard_principals WHERE kind = $1',
        [kind],
      );
      return Number(row?.n ?? 0);
    },
  };
}

import type { IncomingMessage } from 'node:http';
import { type Action, permits, type Target } from './access.ts';
import { ContractsStoreError } from './contracts-store.ts';
import { isShortText, json, PROBLEM, problem, type Reply } from './http.ts';
import { REPORT_ID_PATTERN, supplierIdOf } from './ids.ts';
import {
  type Actor,
  type Credential,
  PRINCIPAL_KINDS,
  type PrincipalKind,
  PrincipalsStoreError,
} from './principals-store.ts';
import type { HeldReport, RegisteredKey, ResultsStore } from './store.ts';
import { ResultsStoreError } from './store.ts';

export type JsonBody = { ok: true; value: unknown } | { ok: false; reply: Reply };

export interface AdminApiDeps {
  readonly store: ResultsStore;
  readonly now: () => Date;
  readonly readJsonBody: (request: IncomingMessage, path: string, limit: number) => Promise<JsonBody>;
  readonly maxFormBytes: number;
}

const GSS_CODE = /^[EWSN]\d{8}$/;
const KEY_ID = /^ed25519:[0-9a-f]{32}$/;

/** Who may do what, as a refusal answer, or undefined when allowed. */
export function forbidden(
  actor: Actor,
  action: Action,
  path: string,
  target: Target = {},
): Reply | undefined {
  const permission = permits(actor, action, target);
  return permission.allowed
    ? undefined
    : problem(403, PROBLEM.forbidden, permission.detail, path, { action });
}

/** A key as the API shows it: never its PEM twice over, always its state. */
export const keyView = ({ publicKeyPem: _pem, ...key }: RegisteredKey) => key;

const heldView = (held: HeldReport) => ({
  id: held.summary.id,
  productId: held.summary.productId,
  productName: held.productName,
  supplierName: held.supplierName,
  heldReason: held.summary.heldReason,
  heldDetail: held.summary.heldDetail,
  receivedAt: held.summary.receivedAt,
  status: held.summary.status,
  level: held.summary.level,
  publishedBy: held.publishedBy,
});

/** The operations by which LOTI manages who may act, and reviews what suppliers claim. */
export const ADMIN_API_PATHS: Readonly<Record<string, readonly ('GET' | 'POST')[]>> = {
  '/api/principals': ['GET', 'POST'],
  '/api/credentials': ['GET', 'POST'],
  '/api/credentials/rotate': ['POST'],
  '/api/credentials/revoke': ['POST'],
  '/api/reviews': ['GET'],
  '/api/keys/review': ['POST'],
  '/api/keys/revoke': ['POST'],
  '/api/company-numbers/review': ['POST'],
  '/api/reports/release': ['POST'],
};

export function createAdminApi(deps: AdminApiDeps) {
  const { store, now } = deps;

  async function body(request: IncomingMessage, path: string): Promise<Record<string, unknown> | Reply> {
    const read = await deps.readJsonBody(request, path, deps.maxFormBytes);
    if (!read.ok) return read.reply;
    if (!read.value || typeof read.value !== 'object' || Array.isArray(read.value))
      return problem(400, PROBLEM.validation, 'send a JSON object', path);
    return read.value as Record<string, unknown>;
  }
  const isReply = (value: unknown): value is Reply =>
    typeof value === 'object' && value !== null && 'status' in value && 'body' in value && 'headers' in value;

  function principalsError(error: unknown, path: string): Reply {
    if (!(error instanceof PrincipalsStoreError)) throw error;
    const status =
      error.code === 'PRINCIPAL_EXISTS' || error.code === 'CREDENTIAL_REVOKED'
        ? 409
        : error.code === 'PRINCIPAL_INVALID'
          ? 422
          : 404;
    const type = status === 409 ? PROBLEM.conflict : status === 404 ? PROBLEM.notFound : PROBLEM.validation;
    return problem(status, type, error.message, path, { code: error.code });
  }

  function storeError(error: unknown, path: string): Reply {
    if (!(error instanceof ResultsStoreError) && !(error instanceof ContractsStoreError)) throw error;
    const notFound = /NOT_FOUND$/.test(error.code);
    return problem(
      notFound ? 404 : 409,
      notFound ? PROBLEM.notFound : PROBLEM.conflict,
      error.message,
      path,
      {
        code: error.code,
      },
    );
  }

  const credentialView = (credential: Credential) => credential;

  async function principals(request: IncomingMessage, path: string, actor: Actor): Promise<Reply> {
    const refused = forbidden(actor, 'manage-principals', path);
    if (refused) return refused;
    if (request.method === 'GET') return json(200, { principals: await store.principals.list() });
    const value = await body(request, path);
    if (isReply(value)) return value;
    const usage =
      'send {"kind": "administrator" | "certifier" | "supplier" | "council", "name": "<for a supplier, the name its certificates carry>", "councilCode": "<GSS code, for a council only>"}';
    if (
      !PRINCIPAL_KINDS.includes(value.kind as PrincipalKind) ||
      !isShortText(value.name, 200) ||
      (value.councilCode !== undefined &&
        (typeof value.councilCode !== 'string' || !GSS_CODE.test(value.councilCode))) ||
      (value.kind === 'council') !== (value.councilCode !== undefined)
    )
      return problem(400, PROBLEM.validation, usage, path);
    try {
      const created = await store.principals.create({
        kind: value.kind as PrincipalKind,
        name: value.name,
        councilCode: value.councilCode as string | undefined,
        createdAt: now(),
      });
      return json(201, created);
    } catch (error) {
      return principalsError(error, path);
    }
  }

  async function credentials(request: IncomingMessage, path: string, actor: Actor): Promise<Reply> {
    const refused = forbidden(actor, 'manage-principals', path);
    if (refused) return refused;
    if (request.method === 'GET')
      return json(200, { credentials: (await store.principals.credentials()).map(credentialView) });
    const value = await body(request, path);
    if (isReply(value)) return value;
    if (!isShortText(value.principalId, 200) || (value.label !== undefined && !isShortText(value.label, 200)))
      return problem(
        400,
        PROBLEM.validation,
        'send {"principalId": "<id>", "label": "<what the credential is for>"}',
        path,
      );
    try {
      const issued = await store.principals.issue({
        principalId: value.principalId,
        label: typeof value.label === 'string' ? value.label.trim() : 'issued by an administrator',
        issuedAt: now(),
      });
      return json(201, issued, { 'cache-control': 'no-store' });
    } catch (error) {
      return principalsError(error, path);
    }
  }

  async function rotateOrRevoke(
    request: IncomingMessage,
    path: string,
    actor: Actor,
    mode: 'rotate' | 'revoke',
  ): Promise<Reply> {
    const refused = forbidden(actor, 'manage-principals', path);
    if (refused) return refused;
    const value = await body(request, path);
    if (isReply(value)) return value;
    if (!isShortText(value.credentialId, 200) || (mode === 'revoke' && !isShortText(value.reason, 2000)))
      return problem(
        400,
        PROBLEM.validation,
        mode === 'revoke'
          ? 'send {"credentialId": "<id>", "reason": "<why>"}'
          : 'send {"credentialId": "<id>"}',
        path,
      );
    try {
      if (mode === 'rotate') {
        const rotated = await store.principals.rotate({ id: value.credentialId, at: now() });
        return json(201, rotated, { 'cache-control': 'no-store' });
      }
      const revoked = await store.principals.revoke({
        id: value.credentialId,
        reason: (value.reason as string).trim(),
        at: now(),
      });
      return json(200, revoked);
    } catch (error) {
      return principalsError(error, path);
    }
  }

  async function reviews(path: string, actor: Actor): Promise<Reply> {
    const refused = forbidden(actor, 'review', path);
    if (refused) return refused;
    const [keys, claims, held] = await Promise.all([
      store.keys('supplier'),
      store.contracts.companyNumberClaims('pending'),
      store.heldReports(),
    ]);
    return json(200, {
      keys: keys.filter((key) => key.state === 'pending').map(keyView),
      companyNumbers: claims,
      reports: held.map(heldView),
    });
  }

  async function reviewKey(request: IncomingMessage, path: string, actor: Actor): Promise<Reply> {
    const refused = forbidden(actor, 'review', path);
    if (refused) return refused;
    const value = await body(request, path);
    if (isReply(value)) return value;
    if (typeof value.keyId !== 'string' || !KEY_ID.test(value.keyId) || typeof value.approve !== 'boolean')
      return problem(
        400,
        PROBLEM.validation,
        'send {"keyId": "ed25519:<32 hex digits>", "approve": true | false}',
        path,
      );
    try {
      const key = await store.reviewKey({
        keyId: value.keyId,
        approve: value.approve,
        by: actor.principal.id,
        at: now(),
      });
      return json(200, keyView(key));
    } catch (error) {
      return storeError(error, path);
    }
  }

  async function revokeKey(request: IncomingMessage, path: string, actor: Actor): Promise<Reply> {
    const value = await body(request, path);
    if (isReply(value)) return value;
    const usage =
      'send {"keyId": "ed25519:<32 hex digits>", "reason": "<why>", "revokedAt": "<ISO date-time it is revoked from; default now>"}';
    if (typeof value.keyId !== 'string' || !KEY_ID.test(value.keyId) || !isShortText(value.reason, 2000))
      return problem(400, PROBLEM.validation, usage, path);
    const key = await store.key(value.keyId);
    if (!key) return problem(404, PROBLEM.notFound, `no key ${value.keyId} is registered`, path);
    if (key.role === 'certifier')
      return problem(
        409,
        PROBLEM.conflict,
        `${key.keyId} is a certifier key LOTI configures (CONFORM_CERTIFIER_KEYS): take it out of the configuration`,
        path,
      );
    const refused = forbidden(actor, 'revoke-key', path, {
      supplierId: supplierIdOf(key.owner),
      label: `"${key.owner}"`,
    });
    if (refused) return refused;
    const at = now();
    let revokedAt = at;
    if (value.revokedAt !== undefined) {
      const when = typeof value.revokedAt === 'string' ? new Date(value.revokedAt) : undefined;
      if (!when || Number.isNaN(when.getTime())) return problem(400, PROBLEM.validation, usage, path);
      // Revoking from the past holds what was signed since the leak; from the future would leave a window.
      if (when.getTime() > at.getTime())
        return problem(
          422,
          PROBLEM.validation,
          'revokedAt may not be in the future: revoke now instead',
          path,
        );
      revokedAt = when;
    }
    try {
      const revoked = await store.revokeKey({
        keyId: value.keyId,
        reason: (value.reason as string).trim(),
        revokedAt,
        by: actor.principal.id,
      });
      return json(200, { key: keyView(revoked.key), reportsHeld: revoked.reportsHeld });
    } catch (error) {
      return storeError(error, path);
    }
  }

  async function reviewCompanyNumber(request: IncomingMessage, path: string, actor: Actor): Promise<Reply> {
    const refused = forbidden(actor, 'review', path);
    if (refused) return refused;
    const value = await body(request, path);
    if (isReply(value)) return value;
    if (
      !isShortText(value.supplierId, 200) ||
      !isShortText(value.companyNumber, 40) ||
      typeof value.approve !== 'boolean' ||
      (value.reason !== undefined && !isShortText(value.reason, 2000))
    )
      return problem(
        400,
        PROBLEM.validation,
        'send {"supplierId": "<id>", "companyNumber": "<number>", "approve": true | false, "reason": "<why>"}',
        path,
      );
    try {
      const claim = await store.contracts.reviewCompanyNumber({
        supplierId: value.supplierId,
        companyNumber: value.companyNumber.trim().toUpperCase(),
        approve: value.approve,
        reason:
          typeof value.reason === 'string' ? value.reason.trim() : value.approve ? 'approved' : 'rejected',
        by: actor.principal.id,
        at: now(),
      });
      return json(200, claim);
    } catch (error) {
      return storeError(error, path);
    }
  }

  async function releaseReport(request: IncomingMessage, path: string, actor: Actor): Promise<Reply> {
    const refused = forbidden(actor, 'release-report', path);
    if (refused) return refused;
    const value = await body(request, path);
    if (isReply(value)) return value;
    if (typeof value.reportId !== 'string' || !REPORT_ID_PATTERN.test(value.reportId))
      return problem(400, PROBLEM.validation, 'send {"reportId": "<64 hex digits>"}', path);
    try {
      const summary = await store.releaseReport({ id: value.reportId, by: actor.principal.id, at: now() });
      return json(200, summary);
    } catch (error) {
      return storeError(error, path);
    }
  }

  return {
    handles: (path: string) => Object.hasOwn(ADMIN_API_PATHS, path),
    methods: (path: string) => ADMIN_API_PATHS[path] ?? [],
    async answer(request: IncomingMessage, path: string, actor: Actor): Promise<Reply> {
      switch (path) {
        case '/api/principals':
          return principals(request, path, actor);
        case '/api/credentials':
          return credentials(request, path, actor);
        case '/api/credentials/rotate':
          return rotateOrRevoke(request, path, actor, 'rotate');
        case '/api/credentials/revoke':
          return rotateOrRevoke(request, path, actor, 'revoke');
        case '/api/reviews':
          return reviews(path, actor);
        case '/api/keys/review':
          return reviewKey(request, path, actor);
        case '/api/keys/revoke':
          return revokeKey(request, path, actor);
        case '/api/company-numbers/review':
          return reviewCompanyNumber(request, path, actor);
        default:
          return releaseReport(request, path, actor);
      }
    },
  };
}

/** The open revocation list `conform verify --revocations` takes. */
export async function revokedKeysOpenData(store: ResultsStore) {
  const keys = await store.keys();
  return {
    revocations: keys
      .filter((key) => key.revokedAt !== null)
      .map((key) => ({
        keyId: key.keyId,
        owner: key.owner,
        revokedAt: key.revokedAt as string,
        reason: key.revokedReason ?? '',
      })),
  };
}

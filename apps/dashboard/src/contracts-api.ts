import type { IncomingMessage } from 'node:http';
import {
  councilOf,
  decodeRegister,
  describeUnknownCouncil,
  MAX_REGISTER_BYTES,
  normaliseCompanyNumber,
  parseContractsRegister,
  RegisterError,
  ValueError,
} from '@council-conform/contracts';
import { forbidden } from './admin-api.ts';
import {
  ContractsStoreError,
  LINK_DECISIONS,
  type LinkDecision,
  type StoredContract,
} from './contracts-store.ts';
import { BodyTooLargeError, isShortText, json, PROBLEM, problem, type Reply, readBody } from './http.ts';
import { supplierIdOf } from './ids.ts';
import type { Actor } from './principals-store.ts';
import type { ResultsStore } from './store.ts';
import { type SystemType, systemTypes } from './system-types.ts';

export type JsonBody = { ok: true; value: unknown } | { ok: false; reply: Reply };

export interface ContractsApiDeps {
  readonly store: ResultsStore;
  readonly now: () => Date;
  /** The dashboard's own JSON body reader, so every JSON endpoint refuses a bad body in the same words. */
  readonly readJsonBody: (request: IncomingMessage, path: string, limit: number) => Promise<JsonBody>;
  readonly maxFormBytes: number;
}

export const CONTRACTS_API_PATHS = [
  '/api/contracts',
  '/api/contracts/links',
  '/api/suppliers/company-numbers',
];

const MAX_SOURCE = 2_000;
/** A register is CSV, but spreadsheets and curl label it in more ways than one. */
const CSV_TYPES =
  /^(text\/csv|text\/plain|application\/csv|application\/vnd\.ms-excel|application\/octet-stream)\s*(;|$)/i;

/** A system type a person may give a contract: a reference spec's profile. */
export async function knownSystemType(id: string): Promise<SystemType | undefined> {
  return (await systemTypes()).find((type) => type.id === id);
}

/**
 * Records a person's decision on a contract, with the store's refusals as problems: an unknown contract or
 * product is 404, a decision that does not hang together 422.
 */
export async function linkContract(
  store: ResultsStore,
  input: {
    councilCode: string;
    reference: string;
    decision: LinkDecision;
    productId?: string | undefined;
    systemType?: string | undefined;
  },
  reviewedAt: Date,
): Promise<{ ok: true; contract: StoredContract } | { ok: false; status: number; message: string }> {
  if (input.decision === 'system-type' && !(input.systemType && (await knownSystemType(input.systemType))))
    return {
      ok: false,
      status: 422,
      message: `"${input.systemType ?? ''}" is not a system type: give a reference spec's profile id, such as housing-repairs`,
    };
  try {
    return { ok: true, contract: await store.contracts.link({ ...input, reviewedAt }) };
  } catch (error) {
    if (!(error instanceof ContractsStoreError)) throw error;
    const status = error.code === 'CONTRACT_NOT_FOUND' || error.code === 'PRODUCT_NOT_FOUND' ? 404 : 422;
    return { ok: false, status, message: error.message };
  }
}

/** The contracts endpoints of the ingest API: importing a register, linking a contract, a supplier's number. */
export function createContractsApi(deps: ContractsApiDeps) {
  const { store, now } = deps;

  async function importRegister(request: IncomingMessage, url: URL, actor: Actor): Promise<Reply> {
    const path = url.pathname;
    const code = url.searchParams.get('council') ?? '';
    // Who may import is settled before the council is looked up: a council imports only its own register.
    const refused = forbidden(actor, 'import-register', path, { councilCode: code.trim().toUpperCase() });
    if (refused) return refused;
    const council = councilOf(code);
    if (!council)
      return problem(
        code ? 422 : 400,
        PROBLEM.validation,
        code
          ? describeUnknownCouncil(code)
          : 'give the council: POST /api/contracts?council=<GSS code>&source=<where the register is published>',
        path,
      );
    const source = url.searchParams.get('source') ?? '';
    if (!isShortText(source, MAX_SOURCE))
      return problem(
        400,
        PROBLEM.validation,
        `give the register's source, its URL or file name (at most ${MAX_SOURCE} characters): the open data cites it for every row`,
        path,
      );
    const type = request.headers['content-type'];
    if (type && !CSV_TYPES.test(type))
      return problem(
        415,
        PROBLEM.unsupportedMediaType,
        `send the register as CSV (Content-Type: text/csv), not ${type}`,
        path,
      );
    let bytes: Buffer;
    try {
      bytes = await readBody(request, MAX_REGISTER_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLargeError)
        return problem(413, PROBLEM.tooLarge, error.message, path, {}, { connection: 'close' });
      throw error;
    }
    try {
      const register = parseContractsRegister(decodeRegister(bytes).text);
      const result = await store.contracts.importRegister({
        council,
        source: source.trim(),
        register,
        importedAt: now(),
      });
      return json(200, { ...result, links: { council: `/procurement/councils/${council.code}` } });
    } catch (error) {
      if (!(error instanceof RegisterError)) throw error;
      // Nothing of a register that cannot be read is stored, and nothing stored before is touched.
      return problem(422, PROBLEM.validation, error.message, path, { code: error.code });
    }
  }

  async function postLink(request: IncomingMessage, path: string, actor: Actor): Promise<Reply> {
    const refused = forbidden(actor, 'link-contract', path);
    if (refused) return refused;
    const body = await deps.readJsonBody(request, path, deps.maxFormBytes);
    if (!body.ok) return body.reply;
    const value = body.value as Record<string, unknown> | null;
    const usage = `send {"council": "<GSS code>", "reference": "<the contract's reference>", "decision": "product", "productId": "<id>"}, or "decision": "system-type" with "systemType": "<profile id>", or "decision": "not-covered"`;
    if (
      !value ||
      typeof value !== 'object' ||
      !isShortText(value.council, 20) ||
      !isShortText(value.reference, 200) ||
      !LINK_DECISIONS.includes(value.decision as LinkDecision) ||
      (value.productId !== undefined && typeof value.productId !== 'string') ||
      (value.systemType !== undefined && typeof value.systemType !== 'string')
    )
      return problem(400, PROBLEM.validation, usage, path);
    const linked = await linkContract(
      store,
      {
        councilCode: value.council.trim().toUpperCase(),
        reference: value.reference,
        decision: value.decision as LinkDecision,
        productId: value.productId as string | undefined,
        systemType: value.systemType as string | undefined,
      },
      now(),
    );
    if (!linked.ok)
      return problem(
        linked.status,
        linked.status === 404 ? PROBLEM.notFound : PROBLEM.validation,
        linked.message,
        path,
      );
    return json(200, linked.contract);
  }

  async function postCompanyNumber(request: IncomingMessage, path: string, actor: Actor): Promise<Reply> {
    const body = await deps.readJsonBody(request, path, deps.maxFormBytes);
    if (!body.ok) return body.reply;
    const value = body.value as { supplier?: unknown; companyNumber?: unknown } | null;
    const isSupplier = actor.principal.kind === 'supplier';
    if (
      !value ||
      typeof value !== 'object' ||
      (value.supplier !== undefined && !isShortText(value.supplier, 200)) ||
      (!isSupplier && value.supplier === undefined) ||
      !isShortText(value.companyNumber, 40)
    )
      return problem(
        400,
        PROBLEM.validation,
        'send {"supplier": "<the supplier name its certificates carry>", "companyNumber": "<Companies House number>"}',
        path,
      );
    let companyNumber: string | null;
    try {
      companyNumber = normaliseCompanyNumber(value.companyNumber);
    } catch (error) {
      if (!(error instanceof ValueError)) throw error;
      return problem(422, PROBLEM.validation, error.message, path);
    }
    if (!companyNumber)
      return problem(
        422,
        PROBLEM.validation,
        `"${value.companyNumber}" is not a Companies House number`,
        path,
      );
    const supplier = typeof value.supplier === 'string' ? value.supplier.trim() : actor.principal.name;
    const refused = forbidden(actor, 'claim-company-number', path, {
      supplierId: supplierIdOf(supplier),
      label: `"${supplier}"`,
    });
    if (refused) return refused;
    try {
      if (isSupplier) {
        // A supplier's word is a claim: a rival's claim to the same number blocks no one, and matches nothing
        // until a certifier or administrator approves it.
        const { created, claim } = await store.contracts.claimCompanyNumber({
          supplierId: supplierIdOf(supplier),
          companyNumber,
          claimedBy: actor.principal.id,
          claimedAt: now(),
        });
        return json(created ? 202 : 200, {
          supplier,
          companyNumber,
          state: claim.state,
          links: { supplier: `/suppliers/${supplierIdOf(supplier)}` },
        });
      }
      const { created } = await store.contracts.registerCompanyNumber({
        supplierId: supplierIdOf(supplier),
        companyNumber,
        registeredAt: now(),
        reviewedBy: actor.principal.id,
      });
      return json(created ? 201 : 200, {
        supplier,
        companyNumber,
        state: 'approved',
        links: { supplier: `/suppliers/${supplierIdOf(supplier)}` },
      });
    } catch (error) {
      if (!(error instanceof ContractsStoreError)) throw error;
      if (error.code === 'SUPPLIER_NOT_FOUND')
        return problem(
          404,
          PROBLEM.notFound,
          `no supplier named "${supplier}" has published a report here: give the name its certificates carry`,
          path,
        );
      return problem(409, PROBLEM.conflict, error.message, path);
    }
  }

  return {
    /** Answers an authenticated POST to one of CONTRACTS_API_PATHS. */
    async answer(request: IncomingMessage, url: URL, actor: Actor): Promise<Reply> {
      if (url.pathname === '/api/contracts') return importRegister(request, url, actor);
      if (url.pathname === '/api/contracts/links') return postLink(request, url.pathname, actor);
      return postCompanyNumber(request, url.pathname, actor);
    },
  };
}

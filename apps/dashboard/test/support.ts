import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import {
  type GeneratedKeyPair,
  generateKeyPair,
  type SignedReport,
  signReport,
} from '@council-conform/certificates';
import { runAgainstMock as runChecksAgainstMock } from '@council-conform/checks/testing';
import type { FaultId } from '@council-conform/mocks';
import { judgeClauses, levelOf, type RunReport, readAttestation } from '@council-conform/runner';
import { createDashboardServer, type DashboardOptions, type DashboardServer } from '../src/server.ts';

const repoRoot = join(import.meta.dirname, '..', '..', '..');
export const SPEC = 'street-reports';

/**
 * A real run report: every check of the catalogue against a mock street-reports supplier over https, with the
 * example attestation, in sandbox mode with a second tenant and the easy-exit round trip: certifiable when
 * the mock is conformant. About two seconds; call once per file.
 */
export async function runAgainstMock(faults: readonly FaultId[] = []): Promise<RunReport> {
  return runChecksAgainstMock(SPEC, faults, {
    attestation: await readAttestation(join(repoRoot, 'docs', 'examples', 'attestation.yaml')),
  });
}

/** The same run as another supplier's product would report it: only the attestation's names differ. */
export function asProduct(report: RunReport, supplier: string, product: string): RunReport {
  if (!report.attestation) throw new Error('asProduct needs a report with an attestation');
  return structuredClone({ ...report, attestation: { ...report.attestation, supplier, product } });
}

/** The run judged as it would have been with no attestation: the runner's own clause and level rules. */
export function withoutAttestation(report: RunReport): RunReport {
  const clauses = judgeClauses(report.checks, undefined);
  return structuredClone({ ...report, attestation: null, clauses, level: levelOf(clauses) });
}

/** The run as if it had finished at `finishedAt`, its start moved with it. */
export function ranAt(report: RunReport, finishedAt: string): RunReport {
  const shift = Date.parse(finishedAt) - Date.parse(report.finishedAt);
  return structuredClone({
    ...report,
    startedAt: new Date(Date.parse(report.startedAt) + shift).toISOString(),
    finishedAt: new Date(Date.parse(report.finishedAt) + shift).toISOString(),
  });
}

export interface Keys {
  readonly certifier: GeneratedKeyPair;
  readonly supplier: GeneratedKeyPair;
  readonly stranger: GeneratedKeyPair;
}

export const makeKeys = (): Keys => ({
  certifier: generateKeyPair(),
  supplier: generateKeyPair(),
  stranger: generateKeyPair(),
});

export interface SignAs {
  readonly now?: Date;
  readonly expiresInDays?: number;
  /** Needed for a report without an attestation, which names neither. */
  readonly supplier?: string;
  readonly product?: string;
}

/**
 * Signed with the certifier's key: a certificate when the run is certifiable; otherwise the evidence LOTI's
 * sweep keeps of a run that proves no level, which verifies as self-assessed.
 */
export function certify(report: RunReport, keys: Keys, options: SignAs = {}): SignedReport {
  return signReport(report, {
    privateKeyPem: keys.certifier.privateKeyPem,
    role: 'certifier',
    ...(report.certifiable ? {} : { evidenceOnly: true }),
    ...options,
  });
}

export function selfAssess(report: RunReport, key: GeneratedKeyPair, options: SignAs = {}): SignedReport {
  return signReport(report, { privateKeyPem: key.privateKeyPem, role: 'supplier', ...options });
}

import { createHash } from 'node:crypto';

/** The supplier the example attestation names; UPLOAD_TOKEN is its credential. */
export const EXAMPLE_SUPPLIER = 'Example Civic Software Ltd';
export const UPLOAD_TOKEN = 'supplier-token-example-civic-0123456789abcdef';
export const CERTIFIER_TOKEN = 'certifier-token-0123456789abcdef0123456789';
export const ADMIN_TOKEN = 'administrator-token-0123456789abcdef012345';

/** A supplier's credential in tests: the same for the same name, so a test can seed and use it. */
export const supplierToken = (supplier: string) =>
  `supplier-${createHash('sha256').update(supplier).digest('hex').slice(0, 40)}`;
/** A council's credential in tests. */
export const councilToken = (code: string) => `council-${code}-0123456789abcdef0123456789abcdef`;

export interface TestPrincipals {
  /** Suppliers (by the name their certificates carry) seeded with `supplierToken(name)`. */
  readonly suppliers?: readonly string[];
  /** Councils (GSS codes) seeded with `councilToken(code)`. */
  readonly councils?: readonly string[];
}

export interface TestDashboard {
  readonly http: Server;
  readonly dashboard: DashboardServer;
}

/** A dashboard over `store` that trusts `keys.certifier`, on an http.Server supertest can drive. */
export async function testDashboard(
  store: DashboardOptions['store'],
  keys: Keys,
  extra: Partial<DashboardOptions> & TestPrincipals = {},
): Promise<TestDashboard> {
  const { suppliers = [], councils = [], ...options } = extra;
  const dashboard = await createDashboardServer({
    store,
    trustedKeys: [{ publicKeyPem: keys.certifier.publicKeyPem, role: 'certifier', name: 'LOTI assurer' }],
    administratorToken: ADMIN_TOKEN,
    seedPrincipals: [
      { kind: 'certifier', name: 'LOTI assurer', token: CERTIFIER_TOKEN },
      { kind: 'supplier', name: EXAMPLE_SUPPLIER, token: UPLOAD_TOKEN },
      ...suppliers.map((name) => ({ kind: 'supplier' as const, name, token: supplierToken(name) })),
      ...councils.map((code) => ({
        kind: 'council' as const,
        name: `Council ${code}`,
        councilCode: code,
        token: councilToken(code),
      })),
    ],
    rateLimit: { limit: 1000, windowMs: 60_000 },
    ...options,
  });
  return { http: createServer(dashboard.listener), dashboard };
}

export const bearer = (token = UPLOAD_TOKEN) => `Bearer ${token}`;

/** The run with one check failed (with evidence), judged again by the runner's own rules. */
export function withFailedCheck(report: RunReport, checkId: string): RunReport {
  const checks = report.checks.map((check) =>
    check.id === checkId
      ? {
          ...check,
          status: 'fail' as const,
          message: 'no OpenAPI description at /openapi.json',
          violations: [
            {
              kind: 'description missing',
              count: 2,
              examples: [{ message: 'GET /openapi.json answered 404', location: '/openapi.json' }],
            },
          ],
        }
      : check,
  );
  const clauses = judgeClauses(checks, report.attestation ?? undefined);
  return structuredClone({ ...report, checks, clauses, level: levelOf(clauses), certifiable: false });
}

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

export const UPLOAD_TOKEN = 'uploader-token-0123456789abcdef';
export const CERTIFIER_TOKEN = 'certifier-token-0123456789abcdef';

export interface TestDashboard {
  readonly http: Server;
  readonly dashboard: DashboardServer;
}

/** A dashboard over `store` that trusts `keys.certifier`, on an http.Server supertest can drive. */
export async function testDashboard(
  store: DashboardOptions['store'],
  keys: Keys,
  extra: Partial<DashboardOptions> = {},
): Promise<TestDashboard> {
  const dashboard = await createDashboardServer({
    store,
    trustedKeys: [{ publicKeyPem: keys.certifier.publicKeyPem, role: 'certifier', name: 'LOTI assurer' }],
    uploadTokens: [UPLOAD_TOKEN, { token: CERTIFIER_TOKEN, role: 'certifier' }],
    rateLimit: { limit: 1000, windowMs: 60_000 },
    ...extra,
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

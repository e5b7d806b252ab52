/**
 * `conform explore` against every independent supplier: with a fixed seed and a small budget it finishes
 * within the budget and says what it tried (operations, requests, seed). The defects it finds are these
 * suppliers' own (they are deliberately imperfect, and are not mended): each is written down here, so that a
 * change in what exploration finds, or in a supplier, is noticed.
 */
import { fileURLToPath } from 'node:url';
import { type ExploreReport, exploreTarget } from '@council-conform/explorer';
import { BUDGET } from '@council-conform/test-budgets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUPPLIERS } from '../src/index.ts';
import type { RunningSupplier } from '../src/supplier.ts';

const SPECS_DIR = fileURLToPath(new URL('../../../specs', import.meta.url));
const TENANTS = {
  a: { clientId: 'council-a-client', clientSecret: 'council-a-secret-0123456789abcdef' },
  b: { clientId: 'council-b-client', clientSecret: 'council-b-secret-0123456789abcdef' },
};
const SEED = 2026;
const REQUESTS = 120;

const REPAIRS_FINDINGS = [
  // Filters past their maxLength are used to match nothing, answered 200 with an empty page.
  'invalid-input-accepted GET /appointments',
  'invalid-input-accepted GET /job-status-updates',
  'invalid-input-accepted GET /person-alerts',
  'invalid-input-accepted GET /properties',
  'invalid-input-accepted GET /repair-requests',
  'invalid-input-accepted GET /tenancies',
  'invalid-input-accepted GET /work-orders',
];

/**
 * The defects exploration finds in each supplier with this seed and budget, as `kind operation`; a supplier
 * not named here is explored clean.
 */
const EXPECTED_FINDINGS: Readonly<Record<string, readonly string[]>> = {
  'open311-works': [
    // jurisdiction_id past its maxLength is ignored (one jurisdiction is served), not refused.
    'invalid-input-accepted GET /requests.json',
    'invalid-input-accepted GET /servicerequestupdates.json',
    'invalid-input-accepted GET /services.json',
  ],
  'highways-classic': [
    // expected_datetime is written in a local format, not RFC 3339.
    'body-does-not-match GET /requests.json',
    'body-does-not-match GET /v1/requests.json',
    // Bad input is refused with a servlet error page: text/html, a Java stack trace, a JDBC URL, x-powered-by.
    'internals-in-error GET /reporters',
    'internals-in-error GET /requests.json',
    'internals-in-error GET /servicerequestupdates.json',
    'internals-in-error GET /services.json',
    'internals-in-error GET /v1/requests.json',
    'undocumented-content-type GET /reporters',
    'undocumented-content-type GET /requests.json',
    'undocumented-content-type GET /servicerequestupdates.json',
    'undocumented-content-type GET /services.json',
    'undocumented-content-type GET /v1/requests.json',
    'invalid-input-accepted GET /requests.json',
    'invalid-input-accepted GET /servicerequestupdates.json',
    'invalid-input-accepted GET /services.json',
    'invalid-input-accepted GET /v1/requests.json',
  ],
  'repairs-direct': REPAIRS_FINDINGS,
  'repairs-legacy-migrated': REPAIRS_FINDINGS,
  'licensing-gateway': [
    // limit exactly at its documented maximum (1000) crashes the register: an off-by-one.
    'server-error GET /public-register',
    'server-error GET /register',
    // licence_number past its maxLength is used as a filter that matches nothing.
    'invalid-input-accepted GET /licences',
    'invalid-input-accepted GET /premises-licences',
    'invalid-input-accepted GET /public-register',
    'invalid-input-accepted GET /register',
  ],
};

describe.each(SUPPLIERS.map((supplier) => [supplier.id, supplier] as const))(
  'exploring %s',
  { timeout: BUDGET.realRun },
  (_id, supplier) => {
    let running: RunningSupplier | undefined;
    let report: ExploreReport;

    beforeAll(async () => {
      running = await supplier.start({ tenants: TENANTS, specsDir: SPECS_DIR });
      report = await exploreTarget({
        target: running.url,
        seed: SEED,
        mode: 'readonly',
        budget: { requests: REQUESTS, timeMs: BUDGET.realRun },
        requestsPerSecond: Number.POSITIVE_INFINITY,
        credentials: TENANTS.a,
      });
    }, BUDGET.realRun);

    afterAll(async () => {
      await running?.close();
    });

    it('finishes within its budget and says what it tried: operations, requests, seed', () => {
      expect(report.used.requests).toBeLessThanOrEqual(REQUESTS);
      expect(report.seed).toBe(SEED);
      expect(report.judged).toBeGreaterThan(0);
      const explored = report.operations.filter((o) => o.requests > 0);
      expect(explored.length).toBeGreaterThan(0);
      expect(report.operations.reduce((sum, o) => sum + o.requests, 0)).toBeLessThanOrEqual(
        report.used.requests,
      );
    });

    it('finds the defects written down for it, and no others', () => {
      const found = [...new Set(report.findings.map((f) => `${f.kind} ${f.operation}`))].sort();
      expect(found, report.findings.map((f) => `${f.kind}: ${f.message}`).join('\n')).toEqual(
        [...(EXPECTED_FINDINGS[supplier.id] ?? [])].sort(),
      );
    });
  },
);

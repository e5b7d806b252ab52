/**
 * The sandbox write workflow against mocks: the conformant mock of every spec whose profile lists writes
 * comes out clean, and each write fault fails the check of its clause, naming the step.
 */
import { createSelfSignedCertificate, type FaultId, serveMockWithRoundTrip } from '@council-conform/mocks';
import {
  type ReferenceWrites,
  type RunReport,
  resolveRunConfig,
  runConformance,
} from '@council-conform/runner';
import { BUDGET } from '@council-conform/test-budgets';
import { describe, it } from 'vitest';
import { CHECKS } from '../src/catalogue.ts';
import { loadReference } from '../src/reference.ts';
import { runAgainstMock } from '../src/testing.ts';

const WRITE_CHECKS = CHECKS.filter((c) =>
  ['open-api-write-workflow', 'right-to-data-writes-exported', 'personal-data-writes-isolated'].includes(
    c.id,
  ),
);

const result = (report: RunReport, id: string) => report.checks.find((c) => c.id === id);

describe('the sandbox write workflow', { concurrent: true }, () => {
  it.for([
    ['street-reports', { 'personal-data-writes-isolated': 'not-applicable' }],
    ['housing-repairs', {}],
    ['planning-applications', {}],
  ] as const)('the conformant %s mock passes every step', async ([specId, otherwise], { expect }) => {
    const report = await runAgainstMock(specId, [], { checks: WRITE_CHECKS });
    for (const check of WRITE_CHECKS) {
      const found = result(report, check.id);
      expect(`${check.id}: ${found?.status}`, found?.message).toBe(
        `${check.id}: ${(otherwise as Record<string, string>)[check.id] ?? 'pass'}`,
      );
    }
    // The evidence says what the run wrote and could not remove.
    const data = result(report, 'open-api-write-workflow')?.data as {
      tag: string;
      steps: { notRemoved: string[] }[];
    };
    expect(data.tag).toMatch(/^conform-run:/);
    expect(data.steps.flatMap((s) => s.notRemoved).join('\n')).toMatch(/no delete or close/);
  });

  it.for([
    ['street-reports', 'write-create-drops-field', 'open-api-write-workflow', 'read back'],
    ['housing-repairs', 'write-create-drops-field', 'open-api-write-workflow', 'read back'],
    ['street-reports', 'write-update-not-exported', 'right-to-data-writes-exported', 'export'],
    [
      'housing-repairs',
      'write-readable-by-other-tenant',
      'personal-data-writes-isolated',
      'second tenant read',
    ],
    [
      'planning-applications',
      'write-readable-by-other-tenant',
      'personal-data-writes-isolated',
      'second tenant read',
    ],
  ] as const)('%s with %s fails %s at its %s step', async ([specId, fault, checkId, step], { expect }) => {
    const report = await runAgainstMock(specId, [fault as FaultId], { checks: WRITE_CHECKS });
    const found = result(report, checkId);
    expect(found?.status, found?.message).toBe('fail');
    expect(found?.message).toContain(`the ${step} step failed`);
    // Only the clause the fault breaks.
    for (const other of WRITE_CHECKS.filter((c) => c.id !== checkId))
      expect(['pass', 'not-applicable'], `${other.id}: ${result(report, other.id)?.message}`).toContain(
        result(report, other.id)?.status,
      );
  });

  // No reference profile has a close yet: a profile given one shows the harness sends it for what it wrote
  // and says what it could not remove.
  it.for([
    ['getRepairRequest', 'pass', /"removed":\["repair_requests RR-/],
    ['completeWorkOrder', 'fail', /completeWorkOrder answered 4\d\d/],
  ] as const)('a close of repair requests by %s: %s', async ([operation, status, evidence], { expect }) => {
    const report = await runWithClose('housing-repairs', 'repair_requests', operation);
    const found = result(report, 'open-api-write-workflow');
    expect(found?.status, found?.message).toBe(status);
    if (status === 'fail') expect(found?.message).toContain('the close step failed');
    expect(JSON.stringify(found?.data)).toMatch(evidence);
  });
});

/** A run of the write checks against a conformant mock whose profile says a dataset closes with `operation`. */
async function runWithClose(specId: string, datasetId: string, operation: string): Promise<RunReport> {
  const tls = await createSelfSignedCertificate();
  const served = await serveMockWithRoundTrip(specId, [], { tls });
  try {
    const { reference, personalFields } = await loadReference(specId);
    const datasets = reference.profile.datasets.map((d) =>
      d.id === datasetId ? { ...d, writes: { ...(d.writes as ReferenceWrites), close: { operation } } } : d,
    );
    return await runConformance({
      config: resolveRunConfig({
        ...served.runTarget,
        mode: 'sandbox',
        requestsPerSecond: 250,
        requestTimeoutMs: BUDGET.request,
        runBudgetMs: BUDGET.realRun,
        exportBudgetMs: 2_000,
        tls: { ca: tls.cert },
      }),
      reference: { ...reference, profile: { ...reference.profile, datasets } },
      checks: WRITE_CHECKS,
      personalFields,
      runner: { name: 'council-conform', version: 'test' },
    });
  } finally {
    await served.close();
  }
}

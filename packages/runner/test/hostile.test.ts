import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHostileCertificates, type HostileCertificates } from '@council-conform/private-ca/testing';
import { BUDGET } from '@council-conform/test-budgets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSTILE_CHECKS } from './hostile/checks.ts';
import { PATHOLOGIES, type Pathology } from './hostile/pathologies.ts';
import { type PathologyRun, runAgainst } from './hostile/run.ts';
import { renderSecurityDoc, type SecurityRow } from './hostile/security-doc.ts';
import { CLIENT } from './hostile/server.ts';

const DOC = join(import.meta.dirname, '..', '..', '..', 'docs', 'security.md');
const REGENERATE = 'pnpm --filter @council-conform/runner docs';
const MEMORY_BOUND = 200 * 1024 * 1024;

// Anything the runner leaves to reject or throw with no one listening fails the test it happened in.
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => {
  unhandled.push(reason);
};
let certificates: HostileCertificates;
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
  certificates = createHostileCertificates();
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
  process.off('uncaughtException', onUnhandled);
});

/** Lets a rejection the run left behind surface before the test judges it. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

/** The outcome a pathology's run reached where it meets it: a check's, or pre-flight's failed step. */
function outcomeOf(pathology: Pathology, run: PathologyRun): SecurityRow {
  if (pathology.affects === 'preflight') {
    const failed = run.report.preflight.filter((step) => !step.ok && !step.warning);
    return {
      name: pathology.name,
      does: pathology.does,
      where: `pre-flight (${failed.map((s) => s.step).join(', ') || 'passed'})`,
      status: run.preflightError ? 'error' : 'passed',
      message: failed.map((s) => `${s.step}: ${s.message}`).join('; '),
    };
  }
  const check = run.report.checks.find((c) => c.id === pathology.affects);
  return {
    name: pathology.name,
    does: pathology.does,
    where: pathology.affects,
    status: check?.status ?? 'missing',
    message: check?.message ?? '',
  };
}

const rows: SecurityRow[] = [];

describe('the hostile supplier, conformant', () => {
  it('passes every check over http, so that each failure below is the pathology’s', async () => {
    const run = await runAgainst({}, certificates);
    expect(run.report.checks.map((c) => `${c.id}: ${c.status} ${c.message}`)).toEqual(
      HOSTILE_CHECKS.map((c) => expect.stringMatching(new RegExp(`^${c.id}: pass`))),
    );
  });

  it('passes every check over https with a certificate from the CA the run trusts', async () => {
    const run = await runAgainst({ tls: 'valid' }, certificates);
    expect(run.report.target.url).toMatch(/^https:/);
    expect(run.report.preflight.find((s) => s.step === 'TLS handshake')?.ok).toBe(true);
    expect(run.report.checks.map((c) => c.status)).toEqual(HOSTILE_CHECKS.map(() => 'pass'));
  });
});

describe('the runner against a hostile supplier', () => {
  it('has at least 25 pathologies, each named once', () => {
    const names = PATHOLOGIES.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBeGreaterThanOrEqual(25);
    for (const name of names) expect(name).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
  });

  it.each(PATHOLOGIES.map((p) => [p.name, p] as const))(
    '%s',
    async (_name, pathology) => {
      const run = await runAgainst(pathology, certificates);
      await settle();
      expect(unhandled, 'nothing rejects or throws unhandled').toEqual([]);

      // It ended within its budget, and it still produced its report. The bound allows what a loaded machine
      // takes to end the run once its budget is spent; a run that ignored its budget would reach Vitest's.
      expect(run.elapsedMs).toBeLessThan(run.config.runBudgetMs + BUDGET.settle);
      expect(run.report.reportVersion).toMatch(/^\d+\.\d+\.\d+$/);
      expect(run.report.checks.map((c) => c.id)).toEqual(HOSTILE_CHECKS.map((c) => c.id));
      expect(run.report.finishedAt >= run.report.startedAt).toBe(true);

      const row = outcomeOf(pathology, run);
      expect(`${row.where}: ${row.status}`, row.message).toBe(`${row.where}: ${pathology.expect.status}`);
      expect(row.message).toMatch(pathology.expect.message);
      if (pathology.expect.not) expect(row.message).not.toMatch(pathology.expect.not);

      if (pathology.affects === 'preflight') {
        expect(run.preflightError?.code).toBe('PREFLIGHT_FAILED');
        for (const check of run.report.checks) {
          expect(check.status).toBe('error');
          expect(check.message).toMatch(/^not run: pre-flight failed at/);
        }
      } else {
        // The pathology harms the check that meets it (and those it rightly fails), nothing else.
        expect(run.preflightError).toBeUndefined();
        for (const check of run.report.checks) {
          if (check.id === pathology.affects) continue;
          if (pathology.alsoFails?.includes(check.id as never)) expect(check.status, check.id).toBe('fail');
          else if (pathology.notRun?.includes(check.id as never)) {
            expect(check.status, check.id).toBe('error');
            expect(check.message).toMatch(/^not run: the run’s time budget of \d+ ms was spent/);
          } else expect(`${check.id}: ${check.status}`, check.message).toBe(`${check.id}: pass`);
        }
      }

      const report = JSON.stringify(run.report);
      expect(report).not.toContain(CLIENT.clientSecret);
      for (const token of run.supplier.issued) expect(report).not.toContain(token);
      expect(pathology.invariant?.(run.supplier, run.report)).toBeUndefined();
      if (pathology.memory) expect(run.peakRssGrowth).toBeLessThan(MEMORY_BOUND);
      rows.push(row);
      // Vitest's own timeout sits above the run's budget, so a run that overruns fails on the budget assertion.
    },
    BUDGET.realRun,
  );

  it('writes docs/security.md from these outcomes, and fails when it is stale', async (context) => {
    // Only a run of every pathology can say what the document should be.
    if (rows.length !== PATHOLOGIES.length) context.skip();
    const order = new Map(PATHOLOGIES.map((p, i) => [p.name, i]));
    const expected = renderSecurityDoc(
      [...rows].sort((a, b) => (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0)),
    );
    if (process.env.UPDATE_SECURITY_DOC === '1') await writeFile(DOC, expected);
    const actual = await readFile(DOC, 'utf8').catch(() => '');
    expect(actual, `docs/security.md is stale: run ${REGENERATE}`).toBe(expected);
  });

  it('leaves nothing unhandled behind across every run', async () => {
    await settle();
    expect(unhandled).toEqual([]);
  });
});

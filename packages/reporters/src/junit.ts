import { CLAUSES } from '@council-conform/clauses';
import type { CheckResult, RunReport } from '@council-conform/runner';
import { escapeXml } from './escape.ts';
import { citedExchangeIds, sentence } from './summary.ts';

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/** The full text of an outcome: message, grouped violations with their first examples, evidence ids. */
function detail(check: CheckResult): string {
  const lines = [check.message];
  for (const group of check.violations ?? []) {
    lines.push(`${group.kind}: ${group.count} time${group.count === 1 ? '' : 's'}`);
    for (const example of group.examples) {
      const where = [example.location, example.exchangeId].filter(Boolean).join(' ');
      lines.push(`  - ${example.message}${where ? ` (${where})` : ''}`);
    }
  }
  const evidence = citedExchangeIds(check);
  if (evidence.length > 0) lines.push(`evidence: ${evidence.join(', ')}`);
  return lines.join('\n');
}

function testcase(check: CheckResult): string {
  const open = `    <testcase classname="conform.${escapeXml(check.clause)}" name="${escapeXml(check.id)}" time="${seconds(check.durationMs)}"`;
  const message = escapeXml(check.message);
  const body = escapeXml(detail(check));
  const properties = `      <properties><property name="severity" value="${check.severity}"/><property name="title" value="${escapeXml(check.title)}"/></properties>`;
  let outcome: string;
  switch (check.status) {
    case 'fail':
      outcome = `      <failure type="${check.severity}" message="${message}">${body}</failure>`;
      break;
    case 'error':
      outcome = `      <error type="could-not-run" message="${message}">${body}</error>`;
      break;
    case 'not-applicable':
      outcome = `      <skipped message="${message}"/>`;
      break;
    case 'not-judged':
      outcome = `      <skipped message="${escapeXml(`not judged: ${sentence(check.message)} To judge it, give ${check.toJudge ?? 'what the message names'}.`)}"/>`;
      break;
    case 'warn':
      outcome = `      <system-out>warning: ${body}</system-out>`;
      break;
    default:
      outcome = `      <system-out>${body}</system-out>`;
  }
  return `${open}>\n${properties}\n${outcome}\n    </testcase>`;
}

/**
 * JUnit XML for suppliers' CI: one test suite per clause, one test case per check. `fail` is a failure,
 * `error` (the check could not run) an error, `not-applicable` and `not-judged` skipped (a not-judged one
 * says what to give the run); a warning passes with its text.
 */
export function formatJunit(report: RunReport): string {
  const suites: string[] = [];
  const totals = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  for (const clause of CLAUSES) {
    const checks = report.checks.filter((check) => check.clause === clause.id);
    if (checks.length === 0) continue;
    const failures = checks.filter((c) => c.status === 'fail').length;
    const errors = checks.filter((c) => c.status === 'error').length;
    const skipped = checks.filter((c) => c.status === 'not-applicable' || c.status === 'not-judged').length;
    const time = checks.reduce((sum, c) => sum + c.durationMs, 0);
    totals.tests += checks.length;
    totals.failures += failures;
    totals.errors += errors;
    totals.skipped += skipped;
    suites.push(
      `  <testsuite name="${clause.number}. ${escapeXml(clause.title)} (${clause.id})" tests="${checks.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${seconds(time)}" timestamp="${escapeXml(report.startedAt)}">\n${checks.map(testcase).join('\n')}\n  </testsuite>`,
    );
  }
  const name = `conform run ${report.profile.id} ${report.target.url}`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${escapeXml(name)}" tests="${totals.tests}" failures="${totals.failures}" errors="${totals.errors}" skipped="${totals.skipped}" time="${seconds(report.durationMs)}">\n${suites.join('\n')}\n</testsuites>\n`;
}

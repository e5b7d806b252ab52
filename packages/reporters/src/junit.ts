import { CLAUSES } from '@council-conform/clauses';
import type { CheckResult, Exchange, RunReport } from '@council-conform/runner';
import { escapeXml } from './escape.ts';
import { citedExchangeIds, expectedFailureText, sentence } from './summary.ts';

// A CI test view shows the failure's text whole: a few commands to send the evidence again are enough.
const MAX_CURL_COMMANDS = 3;

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/**
 * The full text of an outcome: message, grouped violations with their first examples, evidence ids, and for a
 * failure the commands that run the check again and send its evidence again.
 */
function detail(check: CheckResult, exchanges: ReadonlyMap<string, Exchange>): string {
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
  const expected = expectedFailureText(check);
  if (expected) lines.push(expected);
  if (check.rerunCommand) lines.push(`run just this check again: ${check.rerunCommand}`);
  const curls = evidence.flatMap((id) => {
    const curl = exchanges.get(id)?.curl;
    return curl ? [`${id}: ${curl}`] : [];
  });
  for (const curl of curls.slice(0, MAX_CURL_COMMANDS)) lines.push(`send it again: ${curl}`);
  if (curls.length > MAX_CURL_COMMANDS)
    lines.push(`… and ${curls.length - MAX_CURL_COMMANDS} more commands in the JSON and HTML reports`);
  return lines.join('\n');
}

function testcase(check: CheckResult, exchanges: ReadonlyMap<string, Exchange>): string {
  const open = `    <testcase classname="conform.${escapeXml(check.clause)}" name="${escapeXml(check.id)}" time="${seconds(check.durationMs)}"`;
  const message = escapeXml(check.message);
  const body = escapeXml(detail(check, exchanges));
  const properties = `      <properties><property name="severity" value="${check.severity}"/><property name="title" value="${escapeXml(check.title)}"/></properties>`;
  let outcome: string;
  // An expected failure is skipped, as a test framework's xfail is; one that passed fails, so the list is kept.
  const expected = check.expectedFailure?.status;
  switch (expected === 'expected' ? 'expected' : expected === 'stale' ? 'stale' : check.status) {
    case 'expected':
      outcome = `      <skipped message="${escapeXml(expectedFailureText(check) ?? '')}">${body}</skipped>`;
      break;
    case 'stale':
      outcome = `      <failure type="expected-failure-passed" message="${escapeXml(expectedFailureText(check) ?? '')}">${body}</failure>`;
      break;
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
 * says what to give the run); a warning passes with its text. A failure listed as expected is skipped with its
 * reason, and a listed check that passed is a failure.
 */
export function formatJunit(report: RunReport): string {
  const exchanges = new Map(report.exchanges.map((exchange) => [exchange.id, exchange]));
  const suites: string[] = [];
  const totals = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  for (const clause of CLAUSES) {
    const checks = report.checks.filter((check) => check.clause === clause.id);
    if (checks.length === 0) continue;
    const expected = (c: CheckResult) => c.expectedFailure?.status;
    const failures = checks.filter(
      (c) => (c.status === 'fail' && expected(c) !== 'expected') || expected(c) === 'stale',
    ).length;
    const errors = checks.filter((c) => c.status === 'error').length;
    const skipped = checks.filter(
      (c) => c.status === 'not-applicable' || c.status === 'not-judged' || expected(c) === 'expected',
    ).length;
    const time = checks.reduce((sum, c) => sum + c.durationMs, 0);
    totals.tests += checks.length;
    totals.failures += failures;
    totals.errors += errors;
    totals.skipped += skipped;
    suites.push(
      `  <testsuite name="${clause.number}. ${escapeXml(clause.title)} (${clause.id})" tests="${checks.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${seconds(time)}" timestamp="${escapeXml(report.startedAt)}">\n${checks.map((check) => testcase(check, exchanges)).join('\n')}\n  </testsuite>`,
    );
  }
  const name = `conform run ${report.profile.id} ${report.target.url}`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${escapeXml(name)}" tests="${totals.tests}" failures="${totals.failures}" errors="${totals.errors}" skipped="${totals.skipped}" time="${seconds(report.durationMs)}">\n${suites.join('\n')}\n</testsuites>\n`;
}

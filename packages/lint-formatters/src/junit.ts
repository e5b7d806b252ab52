import { CLAUSE_IDS, getClause } from '@council-conform/clauses';
import type { LintFailure, LintFinding, LintResult } from '@council-conform/ruleset';

const escapeXml = (text: string): string =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .split('')
    // Control characters other than tab and line breaks: XML 1.0 cannot carry them at all.
    .filter((char) => char >= ' ' || char === '\t' || char === '\n' || char === '\r')
    .join('');

const describe = (finding: LintFinding): string =>
  `${finding.location.source}:${finding.location.line ?? '?'}:${finding.location.column ?? '?'} ${finding.location.jsonPath}: ${finding.message} (${finding.docs})`;

/**
 * JUnit XML for suppliers' CI: one test suite per clause, one test case per rule that ran. A rule fails
 * when it found anything of error severity; its warnings are listed in the case's output.
 */
export function formatJunit(result: LintResult): string {
  return junitDocument(`conform lint ${result.source}`, [junitSuites(result)], result.durationMs);
}

export interface JunitSuites {
  readonly xml: readonly string[];
  readonly tests: number;
  readonly failures: number;
  readonly errors: number;
}

export function junitDocument(name: string, parts: readonly JunitSuites[], durationMs: number): string {
  const sum = (key: 'tests' | 'failures' | 'errors') => parts.reduce((total, part) => total + part[key], 0);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${escapeXml(name)}" tests="${sum('tests')}" failures="${sum('failures')}" errors="${sum('errors')}" time="${(durationMs / 1000).toFixed(3)}">\n${parts.flatMap((part) => part.xml).join('\n')}\n</testsuites>\n`;
}

/** A description that could not be judged: one suite with one case in error, saying why. */
export function junitFailure(failure: LintFailure): JunitSuites {
  const source = escapeXml(failure.source);
  return {
    xml: [
      `  <testsuite name="${source}" tests="1" failures="0" errors="1">\n    <testcase classname="conform-lint" name="${source}" file="${source}">\n      <error type="${escapeXml(failure.code)}" message="${escapeXml(failure.message)}"/>\n    </testcase>\n  </testsuite>`,
    ],
    tests: 1,
    failures: 0,
    errors: 1,
  };
}

/** One suite per clause; `prefix` names the file when several are in one document. */
export function junitSuites(result: LintResult, prefix = ''): JunitSuites {
  const clauseOf = new Map<string, string>(result.rules.map((rule) => [rule.id, rule.clause]));
  for (const finding of result.findings)
    if (!clauseOf.has(finding.checkId)) clauseOf.set(finding.checkId, finding.clause);
  const suites: string[] = [];
  let total = 0;
  let failures = 0;
  for (const clause of CLAUSE_IDS) {
    const ids = [...clauseOf]
      .filter(([, ruleClause]) => ruleClause === clause)
      .map(([id]) => id)
      .sort();
    if (ids.length === 0) continue;
    const cases: string[] = [];
    let suiteFailures = 0;
    for (const id of ids) {
      const findings = result.findings.filter((finding) => finding.checkId === id);
      const errors = findings.filter((finding) => finding.severity === 'error');
      const others = findings.filter((finding) => finding.severity !== 'error');
      const body: string[] = [];
      if (errors.length > 0) {
        suiteFailures += 1;
        body.push(
          `      <failure type="${escapeXml(id)}" message="${errors.length} error${errors.length === 1 ? '' : 's'}: ${escapeXml(errors[0]?.message ?? '')}">${escapeXml(errors.map(describe).join('\n'))}</failure>`,
        );
      }
      if (others.length > 0)
        body.push(`      <system-out>${escapeXml(others.map(describe).join('\n'))}</system-out>`);
      const open = `    <testcase classname="${clause}" name="${escapeXml(id)}" file="${escapeXml(result.source)}"`;
      cases.push(body.length === 0 ? `${open}/>` : `${open}>\n${body.join('\n')}\n    </testcase>`);
    }
    total += ids.length;
    failures += suiteFailures;
    const { number, title } = getClause(clause);
    suites.push(
      `  <testsuite name="${escapeXml(prefix)}${number}. ${escapeXml(title)} (${clause})" tests="${ids.length}" failures="${suiteFailures}" errors="0">\n${cases.join('\n')}\n  </testsuite>`,
    );
  }
  return { xml: suites, tests: total, failures, errors: 0 };
}

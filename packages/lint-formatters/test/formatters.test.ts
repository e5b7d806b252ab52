import type { LintFinding, LintResult, RuleSummary } from '@council-conform/ruleset';
import { describe, expect, it } from 'vitest';
import {
  formatGithubActions,
  formatJson,
  formatJunit,
  formatMarkdown,
  formatSarif,
  formatStylish,
  LINT_FORMATS,
  LINT_FORMATTERS,
} from '../src/index.ts';

const DOCS = 'https://github.com/council-conform/council-conform/blob/main/docs/ruleset.md';

function finding(overrides: Partial<LintFinding> & Pick<LintFinding, 'checkId' | 'clause'>): LintFinding {
  return {
    severity: 'error',
    status: 'fail',
    message: 'Something is wrong.',
    location: { source: 'openapi.yaml', pointer: '/info', jsonPath: '$.info', line: 3, column: 1 },
    evidence: { ruleset: 'council' },
    docs: `${DOCS}#${overrides.checkId}`,
    ...overrides,
  };
}

const findings: LintFinding[] = [
  finding({
    checkId: 'open-api-error-responses',
    clause: 'open-api',
    message: 'No 5xx response described: say how it fails, e.g. 500 | 503.',
    location: {
      source: 'openapi.yaml',
      pointer: '/paths/~1records/get/responses',
      jsonPath: "$.paths['/records'].get.responses",
      line: 40,
      column: 7,
    },
  }),
  finding({
    checkId: 'oas3-schema',
    clause: 'open-api',
    severity: 'warn',
    status: 'warn',
    message: 'A <tag> & "quotes", 100%\nsecond line',
    location: {
      source: '../baseline/openapi.yaml',
      pointer: '/info',
      jsonPath: '$.info',
      line: 9,
      column: 3,
    },
    evidence: { ruleset: 'spectral:oas' },
  }),
  finding({
    checkId: 'secure-https-servers',
    clause: 'secure',
    message: 'Server http://x is not https.',
    location: {
      source: 'openapi.yaml',
      pointer: '/servers/0/url',
      jsonPath: '$.servers[0].url',
      line: 12,
      column: 10,
    },
  }),
];

const result: LintResult = {
  source: 'openapi.yaml',
  openapi: '3.1.0',
  profile: 'housing-repairs',
  findings,
  counts: { error: 2, warn: 1, info: 0, hint: 0 },
  rules: (
    [
      ['oas3-schema', 'open-api', 'Validate structure of OpenAPI v3 specification.'],
      [
        'open-api-error-responses',
        'open-api',
        'Every operation describes at least one 4xx and one 5xx response.',
      ],
      ['secure-https-servers', 'secure', 'Every absolute server URL is https.'],
      ['transparent-contact', 'transparent', '`info.contact` gives a url or an email.'],
    ] as const
  ).map(
    ([id, clause, description]): RuleSummary => ({
      id,
      clause,
      severity: 'error',
      description,
      docs: `${DOCS}#${id}`,
    }),
  ),
  durationMs: 1234,
};

const clean: LintResult = { ...result, findings: [], counts: { error: 0, warn: 0, info: 0, hint: 0 } };

describe('the formatter registry', () => {
  it('has one pure formatter per --format value', () => {
    expect(LINT_FORMATS).toEqual(['stylish', 'json', 'sarif', 'junit', 'github-actions', 'markdown']);
    for (const format of LINT_FORMATS) {
      expect(LINT_FORMATTERS[format](result)).toBe(LINT_FORMATTERS[format](result));
      expect(typeof LINT_FORMATTERS[format](clean)).toBe('string');
    }
  });
});

describe('stylish', () => {
  it('groups findings by clause in checklist order, each with line, severity, rule, path and docs link', () => {
    const text = formatStylish(result);
    const openApi = text.indexOf('1. Open, documented API (open-api)');
    const secure = text.indexOf('8. Secure by default (secure)');
    expect(openApi).toBeGreaterThan(0);
    expect(secure).toBeGreaterThan(openApi);
    expect(text).toMatch(/40:7\s+error\s+open-api-error-responses\s+No 5xx response/);
    expect(text).toMatch(/\.\.\/baseline\/openapi\.yaml:9:3\s+warn\s+oas3-schema/);
    expect(text).toContain(`at $.servers[0].url · ${DOCS}#secure-https-servers`);
    expect(text).toContain('✖ 3 problems (2 errors, 1 warning) in 2 clauses');
  });

  it('says so when the description is clean', () => {
    expect(formatStylish(clean)).toContain('✔ Lints clean against the Council API ruleset (4 rules).');
  });
});

describe('json', () => {
  it('is the result with findings grouped by clause', () => {
    const parsed = JSON.parse(formatJson(result)) as {
      source: string;
      counts: unknown;
      clauses: { clause: string; title: string; findings: LintFinding[] }[];
    };
    expect(parsed.source).toBe('openapi.yaml');
    expect(parsed.counts).toEqual(result.counts);
    expect(parsed.clauses.map((group) => [group.clause, group.findings.length])).toEqual([
      ['open-api', 2],
      ['secure', 1],
    ]);
    expect(parsed.clauses[1]?.title).toBe('Secure by default');
  });
});

describe('sarif', () => {
  it('is SARIF 2.1.0 with a rule per finding rule and levels, locations and clauses', () => {
    const sarif = JSON.parse(formatSarif(result));
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0];
    expect(run.tool.driver.rules.map((rule: { id: string }) => rule.id)).toEqual([
      'oas3-schema',
      'open-api-error-responses',
      'secure-https-servers',
    ]);
    expect(run.tool.driver.rules[2].properties.clause).toBe('secure');
    expect(run.tool.driver.rules[2].shortDescription.text).toBe('Every absolute server URL is https.');
    expect(run.tool.driver.rules[2].helpUri).toBe(`${DOCS}#secure-https-servers`);
    expect(run.results.map((r: { level: string }) => r.level)).toEqual(['error', 'warning', 'error']);
    expect(run.results[0].locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'openapi.yaml' },
      region: { startLine: 40, startColumn: 7 },
    });
    expect(run.results[0].ruleIndex).toBe(1);
    expect(run.results[2].properties).toMatchObject({ clause: 'secure', pointer: '/servers/0/url' });
  });
});

describe('junit', () => {
  const xml = formatJunit(result);

  it('has a suite per clause and a case per rule that ran; errors fail, warnings are output', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(xml).toMatch(
      /<testsuites name="conform lint openapi\.yaml" tests="4" failures="2" errors="0" time="1\.234">/,
    );
    expect(xml).toMatch(/<testsuite name="1\. Open, documented API \(open-api\)" tests="2" failures="1"/);
    expect(xml).toMatch(
      /<testsuite name="10\. Transparent about change \(transparent\)" tests="1" failures="0"/,
    );
    expect(xml).toContain(
      '<testcase classname="transparent" name="transparent-contact" file="openapi.yaml"/>',
    );
    expect(xml).toMatch(/name="open-api-error-responses"[^>]*>\s*<failure type="open-api-error-responses"/);
    expect(xml).toMatch(/name="oas3-schema"[^>]*>\s*<system-out>/);
  });

  it('escapes what XML cannot carry', () => {
    expect(xml).toContain('A &lt;tag&gt; &amp; &quot;quotes&quot;, 100%');
    expect(
      formatJunit({
        ...result,
        findings: [finding({ checkId: 'x', clause: 'open-api', message: 'bell\u0007' })],
      }),
    ).toContain('bell (');
  });
});

describe('github-actions', () => {
  it('writes one annotation per finding, with escaped properties and data', () => {
    const lines = formatGithubActions(result).trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(
      `::error file=openapi.yaml,line=40,col=7,title=open-api-error-responses (open-api)::No 5xx response described: say how it fails, e.g. 500 | 503. At $.paths['/records'].get.responses. ${DOCS}#open-api-error-responses`,
    );
    expect(lines[1]).toMatch(/^::warning file=..\/baseline\/openapi.yaml,line=9,col=3,/);
    expect(lines[1]).toContain('100%25%0Asecond line');
  });

  it('leaves out the file of a description read from a URL', () => {
    const remote = finding({
      checkId: 'transparent-contact',
      clause: 'transparent',
      location: {
        source: 'https://api.example.gov.uk/openapi.json',
        pointer: '/info',
        jsonPath: '$.info',
        line: 2,
      },
    });
    expect(formatGithubActions({ ...result, findings: [remote] })).toMatch(
      /^::error line=2,title=transparent-contact \(transparent\)::/,
    );
  });
});

describe('markdown', () => {
  it('has a table per clause, rules linked to their docs, pipes escaped', () => {
    const text = formatMarkdown(result);
    expect(text).toContain('## Council Conform lint: `openapi.yaml`');
    expect(text).toContain('**3 problems (2 errors, 1 warning) in 2 clauses**');
    expect(text).toContain('### 8. Secure by default (`secure`)');
    expect(text).toContain(
      `| error | [\`secure-https-servers\`](${DOCS}#secure-https-servers) | 12 \`$.servers[0].url\` |`,
    );
    expect(text).toContain('500 \\| 503');
    expect(text).toContain('| ../baseline/openapi.yaml:9 `$.info` |');
  });

  it('says so when clean', () => {
    expect(formatMarkdown(clean)).toContain('**Lints clean** against the Council API ruleset.');
  });
});

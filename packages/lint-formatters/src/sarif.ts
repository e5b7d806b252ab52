import type { LintFailure, LintResult } from '@council-conform/ruleset';

const LEVELS = { error: 'error', warn: 'warning', info: 'note', hint: 'note' } as const;

/** SARIF 2.1.0, for GitHub code scanning and other static-analysis dashboards. */
export function formatSarif(result: LintResult): string {
  return sarifLog([sarifRun(result)]);
}

export const sarifLog = (runs: readonly unknown[]): string =>
  `${JSON.stringify({ version: '2.1.0', $schema: 'https://json.schemastore.org/sarif-2.1.0.json', runs }, null, 2)}\n`;

const DRIVER = {
  name: 'Council Conform',
  informationUri: 'https://github.com/council-conform/council-conform',
};

/** A description that could not be judged: a run that did not complete, saying why. */
export function sarifFailedRun(failure: LintFailure): unknown {
  return {
    tool: { driver: { ...DRIVER, rules: [] } },
    artifacts: [{ location: { uri: failure.source } }],
    invocations: [
      {
        executionSuccessful: false,
        toolExecutionNotifications: [
          {
            level: 'error',
            descriptor: { id: failure.code },
            message: { text: failure.message },
            locations: [{ physicalLocation: { artifactLocation: { uri: failure.source } } }],
          },
        ],
      },
    ],
    results: [],
  };
}

/** One description's run: its rules and results, its file as the run's artifact. */
export function sarifRun(result: LintResult): unknown {
  const ruleIds = [...new Set(result.findings.map((finding) => finding.checkId))].sort();
  const rules = ruleIds.map((id) => {
    const rule = result.rules.find((candidate) => candidate.id === id);
    const first = result.findings.find((finding) => finding.checkId === id);
    return {
      id,
      shortDescription: { text: rule?.description ?? id },
      helpUri: rule?.docs ?? first?.docs,
      properties: { clause: rule?.clause ?? first?.clause, ruleset: first?.evidence.ruleset },
    };
  });
  return {
    tool: { driver: { ...DRIVER, rules } },
    artifacts: [{ location: { uri: result.source } }],
    invocations: [{ executionSuccessful: true }],
    results: result.findings.map((finding) => ({
      ruleId: finding.checkId,
      ruleIndex: ruleIds.indexOf(finding.checkId),
      level: LEVELS[finding.severity],
      message: { text: finding.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: finding.location.source },
            ...(finding.location.line === undefined
              ? {}
              : {
                  region: { startLine: finding.location.line, startColumn: finding.location.column ?? 1 },
                }),
          },
          logicalLocations: [{ fullyQualifiedName: finding.location.jsonPath, kind: 'member' }],
        },
      ],
      properties: { clause: finding.clause, pointer: finding.location.pointer, docs: finding.docs },
    })),
  };
}

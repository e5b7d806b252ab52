import { CLAUSES } from '@council-conform/clauses';
import { FAULTS } from '@council-conform/mocks';
import { CRAWL_RECORD_CAP } from '@council-conform/runner';
import { DATA_QUALITY_WORDS } from '../src/data-quality.ts';
import { CHECKS } from '../src/index.ts';
import { SAMPLE_WORDS } from '../src/support/listing.ts';
import { EXPECTATIONS } from '../test/matrix/expectations.ts';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** docs/checks.md: the check catalogue, generated from the registry. */
export function renderCheckCatalogue(): string {
  const lines = [
    '# Checks',
    '',
    'Generated from the check registry (`packages/checks`) by `pnpm --filter @council-conform/checks docs`; do not edit by hand.',
    '',
    'A clause passes when every one of its `must` checks passes. `should` checks are advice. A check that',
    'cannot run is an *error*, never a supplier failure. A check that applies but that the run did not give',
    'what it needs (an https address, a second tenant, a round-trip target, sandbox mode) is *not judged*: it',
    'says what to give, its clause has not passed, and the run is not certifiable. No check passes having',
    'judged nothing: the runner turns a pass that judged no record, file, page or response, or that cites no',
    'answered exchange, into an error.',
    '',
    '## How checks sample',
    '',
    `Checks that judge values read a sample drawn from the whole of each dataset, not its first records: ${SAMPLE_WORDS}. Up to ${CRAWL_RECORD_CAP.toLocaleString('en-GB')} records of a dataset are read in one crawl; past that the list is walked to its end keeping only ids and the sampled pages. Every seeded choice derives from the run’s seed, written to the report as \`sampling.seed\`; \`conform run --seed <seed>\` replays the same choices against the same data. Each check’s column below says what it reads.`,
    '',
    '## Data quality',
    '',
    DATA_QUALITY_WORDS,
    '',
  ];
  for (const clause of CLAUSES) {
    const checks = CHECKS.filter((check) => check.clause === clause.id);
    lines.push(`## ${clause.number}. ${clause.title} (\`${clause.id}\`)`, '');
    if (checks.length === 0) {
      lines.push(
        clause.assessment === 'attested'
          ? 'Judged by the supplier’s signed attestation only; no automated check.'
          : 'No automated check yet.',
        '',
      );
      continue;
    }
    lines.push(
      '| Check | Severity | Modes | What it tests | What it reads |',
      '| --- | --- | --- | --- | --- |',
    );
    for (const check of checks) {
      lines.push(
        `| \`${check.id}\` | ${check.severity} | ${(check.modes ?? ['readonly', 'sandbox']).join(', ')} | **${cell(check.title)}.** ${cell(check.description)} | ${cell(check.sampling)} |`,
      );
    }
    lines.push('');
  }
  return `${lines.join('\n')}`;
}

/** docs/fault-matrix.md: every seeded fault and the checks proven (by the matrix test) to catch it. */
export function renderFaultMatrix(): string {
  const lines = [
    '# Fault matrix',
    '',
    'Generated from the fault catalogue (`packages/mocks`) and the matrix expectations that the fault-matrix',
    'tests (`packages/checks/test/matrix-*.test.ts`) prove on every reference spec where they apply: the',
    'conformant mock passes every `must` check, and each fault fails the checks named here and no other',
    '`must` check. Regenerate with `pnpm --filter @council-conform/checks docs`.',
    '',
    '| Fault | Clause | Story | Caught by | Also fails, because |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const fault of FAULTS) {
    const expectation = EXPECTATIONS[fault.id];
    const caught = expectation
      ? expectation.caughtBy.map((id) => `\`${id}\``).join(', ')
      : '*not yet caught*';
    const also = expectation?.alsoFails
      ? Object.entries(expectation.alsoFails)
          .map(([id, why]) => `\`${id}\`: ${cell(why)}`)
          .join('; ')
      : '';
    lines.push(`| \`${fault.id}\` | ${fault.clause} | ${cell(fault.story)} | ${caught} | ${also} |`);
  }
  const caughtCount = FAULTS.filter((fault) => EXPECTATIONS[fault.id]).length;
  lines.push('', `${caughtCount} of ${FAULTS.length} faults are caught by a check.`, '');
  return lines.join('\n');
}

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { machineFacts, measuredOn, publishBenchmark, withSection } from '../src/index.ts';

const root = mkdtempSync(join(tmpdir(), 'bench-report-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('withSection', () => {
  const doc = [
    '# Performance',
    '',
    '<!-- a-bench:start (written by `pnpm bench`: a.ts) -->',
    '## A',
    'old a',
    '<!-- a-bench:end -->',
    '',
    '<!-- b-bench:start (written by `pnpm bench`: b.ts) -->',
    '## B',
    '<!-- b-bench:end -->',
    '',
  ].join('\n');

  it('replaces only its own section, wherever it is', () => {
    const next = withSection(doc, 'a-bench', 'a.ts', '## A\nnew a, costing $1 and $&\n');
    expect(next).toContain('new a, costing $1 and $&\n<!-- a-bench:end -->');
    expect(next).not.toContain('old a');
    expect(next.slice(next.indexOf('<!-- b-bench'))).toBe(doc.slice(doc.indexOf('<!-- b-bench')));
  });

  it('appends a section the document does not have yet', () => {
    const next = withSection(doc, 'c-bench', 'c.ts', '## C');
    expect(next.startsWith(doc.trimEnd())).toBe(true);
    expect(
      next.endsWith(
        '\n\n<!-- c-bench:start (written by `pnpm bench`: c.ts) -->\n## C\n<!-- c-bench:end -->\n',
      ),
    ).toBe(true);
    // Written twice, it is still there once.
    expect(withSection(next, 'c-bench', 'c.ts', '## C').match(/c-bench:start/g)).toHaveLength(1);
  });
});

describe('publishBenchmark', () => {
  it('writes the results file and the section, starting docs/performance.md when there is none', () => {
    const repoRoot = join(root, 'fresh');
    mkdirSync(join(repoRoot, 'docs'), { recursive: true });
    const paths = publishBenchmark({
      repoRoot,
      name: 'thing',
      marker: 'thing-bench',
      source: 'packages/x/bench/thing.ts',
      report: { ok: true },
      section: '## Thing\n\nfast',
    });
    expect(JSON.parse(readFileSync(paths.resultsPath, 'utf8'))).toEqual({ ok: true });
    const doc = readFileSync(paths.performancePath, 'utf8');
    expect(doc.startsWith('# Performance\n')).toBe(true);
    expect(doc).toContain(
      '<!-- thing-bench:start (written by `pnpm bench`: packages/x/bench/thing.ts) -->\n## Thing',
    );

    writeFileSync(paths.performancePath, doc.replace('# Performance', '# Performance (edited by hand)'));
    publishBenchmark({
      repoRoot,
      name: 'thing',
      marker: 'thing-bench',
      source: 's',
      report: {},
      section: '## Thing\n\nfaster',
    });
    const again = readFileSync(paths.performancePath, 'utf8');
    expect(again).toContain('# Performance (edited by hand)');
    expect(again).toContain('faster');
    expect(again).not.toContain('\nfast\n');
  });
});

describe('machineFacts', () => {
  it('names this machine as the docs state it', () => {
    const machine = machineFacts();
    expect(machine.cores).toBeGreaterThan(0);
    expect(machine.node).toBe(process.version);
    expect(machine.cpu).not.toMatch(/-Core Processor$/);
    expect(measuredOn(machine, '2026-11-23T10:00:00Z')).toBe(
      `Measured 2026-11-23 on ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, Node ${process.version}`,
    );
  });
});

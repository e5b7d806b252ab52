import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/index.ts';
import { capture } from './support.ts';

describe('conform clauses', () => {
  it('prints the 14 clauses as a table', async () => {
    const io = capture();
    expect(await runCli(['clauses'], io)).toBe(0);
    expect(io.stdout()).toMatch(/^1\s+open-api\s+Open, documented API\s+automated$/m);
    expect(io.stdout()).toMatch(/^14\s+no-bundling\s+/m);
  });

  it('prints the catalogue as JSON with --json', async () => {
    const io = capture();
    expect(await runCli(['clauses', '--json'], io)).toBe(0);
    const parsed = JSON.parse(io.stdout()) as { clauses: { id: string }[]; procurementAsks: unknown[] };
    expect(parsed.clauses).toHaveLength(14);
    expect(parsed.procurementAsks.length).toBeGreaterThanOrEqual(7);
  });
});

describe('usage errors', () => {
  it('exits 2 with a suggestion for an unknown command', async () => {
    const io = capture();
    expect(await runCli(['claues'], io)).toBe(2);
    expect(io.stderr()).toMatch(/Did you mean clauses\?/);
  });

  it("exits 0 for --help and lists the supplier's commands, not the operator's", async () => {
    const io = capture();
    expect(await runCli(['--help'], io)).toBe(0);
    const listed = [...io.stdout().matchAll(/^ {2}(\w+)\b/gm)].map((match) => match[1]);
    expect(listed).toEqual(expect.arrayContaining(['clauses', 'specs', 'lint', 'bundle', 'run', 'mock']));
    expect(listed).toEqual(expect.arrayContaining(['keys', 'sign', 'verify', 'publish', 'contracts']));
    for (const operator of ['demo', 'dashboard', 'schedule', 'worker', 'monitor'])
      expect(listed).not.toContain(operator);
  });
});

describe('the conform binary', () => {
  it('runs from source through tsx and sets its exit code', () => {
    const repoRoot = join(import.meta.dirname, '..', '..', '..');
    const bin = join(repoRoot, 'packages', 'cli', 'src', 'bin.ts');
    const tsx = join(repoRoot, 'node_modules', '.bin', 'tsx');
    const ok = spawnSync(tsx, [bin, 'clauses', '--json'], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).clauses).toHaveLength(14);
    const bad = spawnSync(tsx, [bin, 'nonsense'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("unknown command 'nonsense'");
  });
});

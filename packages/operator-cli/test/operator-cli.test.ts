import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUDGET } from '@council-conform/test-budgets';
import { describe, expect, it } from 'vitest';
import { runOperatorCli } from '../src/index.ts';
import { capture, repoRoot } from './support.ts';

describe("the operator's conform", () => {
  it("offers every supplier command and the operator's own", async () => {
    const io = capture();
    expect(await runOperatorCli(['--help'], io)).toBe(0);
    const listed = [...io.stdout().matchAll(/^ {2}(\w+)\b/gm)].map((match) => match[1]);
    expect(listed).toEqual(
      expect.arrayContaining(['clauses', 'specs', 'lint', 'bundle', 'run', 'mock', 'keys', 'sign', 'verify']),
    );
    expect(listed).toEqual(
      expect.arrayContaining(['publish', 'demo', 'contracts', 'dashboard', 'schedule', 'worker', 'monitor']),
    );
  });

  it('is what `pnpm conform` runs, from source through tsx', { timeout: BUDGET.process }, () => {
    const rootManifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(rootManifest.scripts.conform).toBe('tsx packages/operator-cli/src/bin.ts');
    const tsx = join(repoRoot, 'node_modules', '.bin', 'tsx');
    const bin = join(repoRoot, 'packages', 'operator-cli', 'src', 'bin.ts');
    const help = spawnSync(tsx, [bin, 'demo', '--help'], { encoding: 'utf8' });
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toContain('Usage: conform demo');
  });
});

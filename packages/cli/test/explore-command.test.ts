import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createMockSupplier,
  mockRunTarget,
  type RunningMockServer,
  startMockServer,
} from '@council-conform/mocks';
import { BUDGET } from '@council-conform/test-budgets';
import { afterEach, describe, expect, it } from 'vitest';
import { parseBudget } from '../src/commands/explore.ts';
import { runCli } from '../src/index.ts';
import { capture } from './support.ts';

let server: RunningMockServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function exploreArgs(faults: string[]): Promise<string[]> {
  const supplier = await createMockSupplier('council-tax', {
    faults,
    rateLimit: { limit: 100_000, windowMs: 1000 },
  });
  server = await startMockServer(supplier);
  const { credentials } = mockRunTarget(supplier, server.url);
  return [
    'explore',
    '--target',
    server.url,
    '--client-id',
    credentials.clientId,
    '--client-secret',
    credentials.clientSecret,
    '--seed',
    '1',
    '--rps',
    'unlimited',
    '--budget',
    '250',
  ];
}

describe('conform explore', { timeout: BUDGET.realRun }, () => {
  it('reports a seeded fault with its smallest request and curl, writes the report, and exits 1', async () => {
    const io = capture();
    const out = join(tmpdir(), `conform-explore-${process.pid}.json`);
    const args = await exploreArgs(['explore-500-on-boundary']);
    const code = await runCli([...args, '--out', out], io);
    expect(code, io.stderr()).toBe(1);
    expect(io.stdout()).toMatch(/server-error: GET \/properties: answered 500/);
    expect(io.stdout()).toMatch(/smallest request .*GET \/properties\?limit=1000/);
    expect(io.stdout()).toMatch(/replay with --seed 1/);
    expect(io.stderr()).toMatch(/seed 1, budget 250 requests/);
    const text = await readFile(out, 'utf8');
    const report = JSON.parse(text) as { seed: number; findings: { curl: string }[] };
    expect(report.seed).toBe(1);
    expect(report.findings[0]?.curl).toMatch(/^curl .*limit=1000/);
    // The public list is read without credentials; none is written anywhere in the report.
    expect(text).not.toContain(args[args.indexOf('--client-secret') + 1]);
  });

  it('exits 0 on the conformant mock, listing the operations it tried', async () => {
    const io = capture();
    const code = await runCli(await exploreArgs([]), io);
    expect(code, io.stdout()).toBe(0);
    expect(io.stdout()).toMatch(/GET \/properties\/\{id\}\s+\d+/);
    expect(io.stdout()).toMatch(/POST \/exports .*skipped: a write: explored only in sandbox mode/);
    expect(io.stdout()).toMatch(/0 finding\(s\)/);
  });

  it('names a bad setting and exits 2', async () => {
    for (const [args, message] of [
      [['explore'], /--target is required/],
      [['explore', '--target', 'http://127.0.0.1:9', '--budget', 'lots'], /--budget "lots"/],
      [['explore', '--target', 'http://127.0.0.1:9', '--seed', 'x'], /--seed "x"/],
      [['explore', '--target', 'http://127.0.0.1:9', '--rps', '0'], /--rps must be/],
    ] as const) {
      const io = capture();
      expect(await runCli([...args], io)).toBe(2);
      expect(io.stderr()).toMatch(message);
    }
  });

  it('reads a budget of requests, time or both', () => {
    const defaults = { requests: 400, timeMs: 120_000 };
    expect(parseBudget('90s', defaults)).toEqual({ requests: 400, timeMs: 90_000 });
    expect(parseBudget('100,2m', defaults)).toEqual({ requests: 100, timeMs: 120_000 });
    expect(parseBudget(undefined, defaults)).toEqual(defaults);
  });
});

import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { BUDGET } from '@council-conform/test-budgets';
import { afterEach, describe, expect, it } from 'vitest';
import { type CliIo, runCli } from '../src/index.ts';

const repoRoot = join(import.meta.dirname, '..', '..', '..');
const tsx = join(repoRoot, 'node_modules', '.bin', 'tsx');
const bin = join(repoRoot, 'packages', 'cli', 'src', 'bin.ts');
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGTERM');
});

/** Starts `conform mock` as a real process and waits for the address it prints. */
async function startMock(args: string[]): Promise<{ url: string; output: () => string }> {
  const child = spawn(tsx, [bin, 'mock', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`mock did not start: ${output}`)), BUDGET.process);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (m && output.includes('Ctrl-C')) {
        clearTimeout(timer);
        resolve({ url: m[1] as string, output: () => output });
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('exit', (code) => reject(new Error(`mock exited ${code}: ${output}`)));
  });
}

describe('conform mock', () => {
  it('serves a conformant supplier over real HTTP and prints its tenants’ credentials', async () => {
    const { url, output } = await startMock(['--profile', 'street-reports', '--token', 'council-a-token']);
    expect(output()).toMatch(/mock-client-a\s+\S{20,}/);
    const description = await fetch(`${url}/openapi.json`);
    expect(description.status).toBe(200);
    expect(description.headers.get('link')).toContain('rel="service-desc"');
    expect(((await description.json()) as { servers: { url: string }[] }).servers[0]?.url).toBe(url);
    const withoutToken = await fetch(`${url}/reporters`);
    expect(withoutToken.status).toBe(401);
    const withToken = await fetch(`${url}/reporters?limit=2`, {
      headers: { authorization: 'Bearer council-a-token' },
    });
    expect(withToken.status).toBe(200);
    const page = (await withToken.json()) as { items: unknown[]; next: string };
    expect(page.items).toHaveLength(2);
    expect(page.next).toContain(`${url}/reporters?`);
  });

  it('applies a fault given on the command line', async () => {
    const { url } = await startMock(['--profile', 'street-reports', '--fault', 'description-missing']);
    expect((await fetch(`${url}/openapi.json`)).status).toBe(404);
  });

  it('lists the fault catalogue, and refuses unknown faults and profiles with exit 2', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t) };
    expect(await runCli(['mock', '--list-faults', '--json'], io)).toBe(0);
    const faults = JSON.parse(out.join('')) as { id: string; clause: string }[];
    expect(faults.some((f) => f.id === 'export-payment-required' && f.clause === 'right-to-data')).toBe(true);
    expect(await runCli(['mock', '--profile', 'street-reports', '--fault', 'made-up'], io)).toBe(2);
    expect(err.join('\n')).toContain('unknown fault made-up');
    expect(await runCli(['mock', '--profile', 'nope'], io)).toBe(2);
    expect(err.join('\n')).toContain('no reference spec "nope"');
  });
});

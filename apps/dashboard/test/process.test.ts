import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair } from '@council-conform/certificates';
import { BUDGET } from '@council-conform/test-budgets';
import { afterAll, beforeAll, expect, it } from 'vitest';

const main = join(import.meta.dirname, '..', 'src', 'main.ts');
const TOKEN = 'process-test-administrator-token-0123456789';
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'conform-dashboard-process-'));
  await writeFile(join(dir, 'assurer.pub'), generateKeyPair().publicKeyPem);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function startProcess(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', main], {
    env: { ...process.env, PORT: '0', DATABASE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

it('starts from the environment, serves pages, and stops cleanly on SIGTERM', {
  timeout: 2 * BUDGET.process,
}, async () => {
  const server = startProcess({
    CONFORM_CERTIFIER_KEYS: join(dir, 'assurer.pub'),
    CONFORM_DASHBOARD_ADMIN_TOKEN: TOKEN,
    CONFORM_DASHBOARD_DATA_DIR: join(dir, 'data'),
  });
  await expect
    .poll(server.output, { timeout: BUDGET.process, interval: 100 })
    .toMatch(/listening on http:\/\/\S+/);
  const url = /listening on (http:\/\/\S+)/.exec(server.output())?.[1] as string;
  expect((await fetch(`${url}/healthz`)).status).toBe(200);
  const page = await fetch(`${url}/councils`);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('assurer');
  expect(server.output()).toMatch(/certifier keys: assurer/);
  // Tokens are secrets: counted in the log, never printed.
  expect(server.output()).toMatch(/principals: 1 \(1 administrator\)/);
  expect(server.output()).not.toContain(TOKEN);
  server.child.kill('SIGTERM');
  expect(await server.exited).toBe(0);
  expect(server.output()).toMatch(/SIGTERM, finishing requests in flight/);
});

it('exits 2 naming a configuration mistake instead of starting', { timeout: BUDGET.process }, async () => {
  const server = startProcess({ CONFORM_CERTIFIER_KEYS: join(dir, 'nobody.pub') });
  expect(await server.exited).toBe(2);
  expect(server.output()).toMatch(/CONFORM_CERTIFIER_KEYS: cannot read .*nobody\.pub/);
});

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { BUDGET } from '@council-conform/test-budgets';
import { expect, it } from 'vitest';
import { TENANT_ENV } from './support.ts';

const main = join(import.meta.dirname, '..', 'src', 'main.ts');

function startProcess(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', main], {
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

it('starts from the environment, is healthy, and stops cleanly on SIGTERM', {
  timeout: 2 * BUDGET.process,
}, async () => {
  const server = startProcess(TENANT_ENV);
  await expect
    .poll(server.output, { timeout: BUDGET.process, interval: 100 })
    .toMatch(/listening on http:\/\/\S+/);
  const url = /listening on (http:\/\/\S+)/.exec(server.output())?.[1] as string;
  const health = await fetch(`${url}/healthz`);
  expect(health.status).toBe(200);
  // Credentials given by the environment are never printed.
  expect(server.output()).not.toContain(TENANT_ENV.CONFORM_TENANT_A_CLIENT_SECRET);
  server.child.kill('SIGTERM');
  expect(await server.exited).toBe(0);
  expect(server.output()).toMatch(/SIGTERM, finishing requests in flight/);
});

it('exits 2 naming a configuration mistake instead of starting', { timeout: BUDGET.process }, async () => {
  const server = startProcess({ CONFORM_SEED: 'sometimes' });
  expect(await server.exited).toBe(2);
  expect(server.output()).toMatch(/CONFORM_SEED must be "fixtures" or "none", not "sometimes"/);
});

it('exits 1 naming the database it cannot reach, with the password hidden', {
  timeout: BUDGET.process,
}, async () => {
  const server = startProcess({ DATABASE_URL: 'postgres://council:hunter2@127.0.0.1:1/conform' });
  expect(await server.exited).toBe(1);
  expect(server.output()).toMatch(
    /cannot connect to PostgreSQL at postgres:\/\/council:\*\*\*@127\.0\.0\.1:1\/conform/,
  );
  expect(server.output()).not.toContain('hunter2');
});

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair, signReport } from '@council-conform/certificates';
import { listenDashboard, openResultsStore, type ResultsStore } from '@council-conform/dashboard';
import type { RunReport } from '@council-conform/runner';
import { BUDGET } from '@council-conform/test-budgets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/index.ts';
import { capture, mockRunArgs, serveCertifiableMock } from './support.ts';

const TOKEN = 'publish-test-certifier-token-0123456789abcdef';
let dir: string;
let signedPath: string;
let store: ResultsStore;
let dashboard: Awaited<ReturnType<typeof listenDashboard>>;

async function conform(...args: string[]) {
  const io = capture();
  const code = await runCli(args, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

// A real report from a real run, signed by a certifier key the dashboard trusts.
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'conform-publish-'));
  // Certifiable, so that the certifier may sign it: https, a second tenant and the round trip.
  const served = await serveCertifiableMock(dir);
  const reportPath = join(dir, 'report.json');
  try {
    const run = await conform(
      ...mockRunArgs(served.supplier, served.url, reportPath),
      ...served.certifiableArgs,
    );
    expect(run.code, run.err).toBe(0);
  } finally {
    await served.close();
  }
  const certifier = generateKeyPair();
  const report = JSON.parse(await readFile(reportPath, 'utf8')) as RunReport;
  signedPath = join(dir, 'report.signed.json');
  await writeFile(
    signedPath,
    JSON.stringify(signReport(report, { privateKeyPem: certifier.privateKeyPem, role: 'certifier' })),
  );
  store = await openResultsStore();
  dashboard = await listenDashboard({
    store,
    port: 0,
    trustedKeys: [{ publicKeyPem: certifier.publicKeyPem, role: 'certifier', name: 'test certifier' }],
    seedPrincipals: [{ kind: 'certifier', name: 'test certifier', token: TOKEN }],
  });
}, BUDGET.realRun);

afterAll(async () => {
  await dashboard?.close();
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('conform publish', () => {
  it('uploads a signed report, which the dashboard lists as certified, and says so once it has it', async () => {
    const first = await conform('publish', signedPath, '--to', dashboard.url, '--token', TOKEN);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(/^published: certified report [0-9a-f]{64}/);
    expect(first.out).toContain(`${dashboard.url.replace(/\/$/, '')}/products/`);
    const page = await (await fetch(dashboard.url)).text();
    expect(page).toContain('Example Street Reports 4.2');
    const again = await conform('publish', signedPath, '--to', dashboard.url, '--token', TOKEN);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/^already published: certified/);
  });

  it('exits 1 with the dashboard’s reason when the report was changed after signing', async () => {
    const signed = JSON.parse(await readFile(signedPath, 'utf8')) as { report: { level: string } };
    signed.report.level = signed.report.level === 'gold' ? 'silver' : 'gold';
    const tampered = join(dir, 'tampered.signed.json');
    await writeFile(tampered, JSON.stringify(signed));
    const result = await conform('publish', tampered, '--to', dashboard.url, '--token', TOKEN);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/refused the report \(HTTP 422\): tampered: /);
  });

  it('exits 2 without a token, with a wrong one, or when the dashboard is not there', async () => {
    const saved = process.env.CONFORM_UPLOAD_TOKEN;
    delete process.env.CONFORM_UPLOAD_TOKEN;
    try {
      const none = await conform('publish', signedPath, '--to', dashboard.url);
      expect(none.code).toBe(2);
      expect(none.err).toContain('--token or CONFORM_UPLOAD_TOKEN');
    } finally {
      if (saved !== undefined) process.env.CONFORM_UPLOAD_TOKEN = saved;
    }
    const wrong = await conform(
      'publish',
      signedPath,
      '--to',
      dashboard.url,
      '--token',
      'not-a-token-we-gave-out',
    );
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain('HTTP 401');
    const away = await conform('publish', signedPath, '--to', 'http://127.0.0.1:9', '--token', TOKEN);
    expect(away.code).toBe(2);
    expect(away.err).toContain('did not take the upload');
    const missing = await conform('publish', join(dir, 'nope.json'), '--to', dashboard.url, '--token', TOKEN);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('cannot be read');
  });
});

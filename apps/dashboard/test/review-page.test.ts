import type { Server } from 'node:http';
import type { RunReport } from '@council-conform/runner';
import { BUDGET } from '@council-conform/test-budgets';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openResultsStore, type ResultsStore } from '../src/store.ts';
import {
  ADMIN_TOKEN,
  bearer,
  CERTIFIER_TOKEN,
  certify,
  type Keys,
  makeKeys,
  runAgainstMock,
  selfAssess,
  testDashboard,
  UPLOAD_TOKEN,
  withFailedCheck,
} from './support.ts';

const keys: Keys = makeKeys();
let run: RunReport;
let store: ResultsStore;
let http: Server;

beforeAll(async () => {
  run = await runAgainstMock();
  store = await openResultsStore();
  ({ http } = await testDashboard(store, keys));
}, BUDGET.realRun);
afterAll(async () => {
  await store?.close();
});

const form = (fields: Record<string, string>) =>
  request(http).post('/review').type('form').send(new URLSearchParams(fields).toString());

describe('the review page', { timeout: BUDGET.database }, () => {
  it('lists a pending key, refuses a supplier’s credential, and saves a certifier’s decision', async () => {
    const registered = await request(http)
      .post('/api/suppliers/keys')
      .set('authorization', bearer(UPLOAD_TOKEN))
      .send({ publicKeyPem: keys.supplier.publicKeyPem });
    expect(registered.status).toBe(202);
    const page = await request(http).get('/review');
    expect(page.status).toBe(200);
    expect(page.text).toContain(`data-key="${keys.supplier.keyId}"`);
    const fields = { 'key-0': keys.supplier.keyId, 'key-decision-0': 'approve' };
    const anonymous = await form(fields);
    expect(anonymous.status).toBe(401);
    expect(anonymous.text).toContain('Enter the credential LOTI issued you');
    const supplier = await form({ ...fields, token: UPLOAD_TOKEN });
    expect(supplier.status).toBe(403);
    expect((await store.key(keys.supplier.keyId))?.state).toBe('pending');
    const certifier = await form({ ...fields, token: CERTIFIER_TOKEN });
    expect(certifier.status, certifier.text).toBe(200);
    expect(certifier.text).toContain('1 decision saved');
    expect((await store.key(keys.supplier.keyId))?.state).toBe('approved');
    expect(certifier.text).not.toContain(`data-key="${keys.supplier.keyId}"`);
  });

  it('lets only an administrator list a self-assessment held in place of a certificate', async () => {
    expect(
      (
        await request(http)
          .post('/api/reports')
          .set('authorization', bearer(UPLOAD_TOKEN))
          .send(certify(run, keys))
      ).status,
    ).toBe(201);
    const failing = withFailedCheck(run, run.checks.find((c) => c.severity === 'must')?.id as string);
    const held = await request(http)
      .post('/api/reports')
      .set('authorization', bearer(UPLOAD_TOKEN))
      .send(selfAssess(failing, keys.supplier));
    expect(held.body).toMatchObject({ listed: false, held: { reason: 'review' } });
    const page = await request(http).get('/review');
    expect(page.text).toContain(`data-report="${held.body.id}"`);
    const fields = { 'report-0': held.body.id as string, 'report-decision-0': 'release' };
    const byCertifier = await form({ ...fields, token: CERTIFIER_TOKEN });
    expect(byCertifier.status).toBe(422);
    expect(byCertifier.text).toContain('Only an administrator may list a held report');
    const byAdministrator = await form({ ...fields, token: ADMIN_TOKEN });
    expect(byAdministrator.status, byAdministrator.text).toBe(200);
    expect((await store.leagueTable({ now: new Date() }))[0]).toMatchObject({ reportId: held.body.id });
  });
});

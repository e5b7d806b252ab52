import type { Server } from 'node:http';
import { canonicalJson, type SignedReport, verifySignedReport } from '@council-conform/certificates';
import type { RunReport } from '@council-conform/runner';
import { BUDGET } from '@council-conform/test-budgets';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportIdOf } from '../src/ids.ts';
import { openResultsStore, type ResultsStore } from '../src/store.ts';
import {
  ADMIN_TOKEN,
  asProduct,
  bearer,
  CERTIFIER_TOKEN,
  certify,
  type Keys,
  makeKeys,
  runAgainstMock,
  selfAssess,
  supplierToken,
  testDashboard,
  UPLOAD_TOKEN,
} from './support.ts';

const keys: Keys = makeKeys();
let run: RunReport;
let store: ResultsStore;
let http: Server;

beforeAll(async () => {
  run = await runAgainstMock();
  store = await openResultsStore();
  ({ http } = await testDashboard(store, keys, {
    suppliers: ['Self Assessing Ltd', 'Disputing Ltd', 'Someone Else Ltd'],
  }));
}, BUDGET.realRun);
afterAll(async () => {
  await store?.close();
});

const publish = (body: string | object, token: string | null = CERTIFIER_TOKEN) => {
  const call = request(http).post('/api/reports').set('content-type', 'application/json');
  if (token) call.set('authorization', bearer(token));
  return call.send(typeof body === 'string' ? body : JSON.stringify(body));
};

describe('POST /api/reports', { timeout: BUDGET.database }, () => {
  let certified: SignedReport;
  beforeAll(() => {
    certified = certify(run, keys);
  });

  it('stores a report signed by a certifier key LOTI trusts (201), and lists it as certified', async () => {
    const text = JSON.stringify(certified, null, 2);
    // The supplier publishes its own certified run.
    const answer = await publish(text, UPLOAD_TOKEN);
    expect(answer.status, answer.text).toBe(201);
    expect(answer.body).toMatchObject({
      id: reportIdOf(certified),
      created: true,
      status: 'certified',
      level: 'gold',
      supplier: 'Example Civic Software Ltd',
      product: 'Example Street Reports 4.2',
      signedBy: [{ keyId: keys.certifier.keyId, role: 'certifier', name: 'LOTI assurer' }],
    });
    expect(answer.headers.location).toBe(`/reports/${answer.body.id}.json`);
    const table = await request(http).get('/data/league-table.json');
    expect(table.body.products).toEqual([
      expect.objectContaining({ product: 'Example Street Reports 4.2', status: 'certified', level: 'gold' }),
    ]);
    // The download is the canonical form of what was verified: it verifies, and it is the same whatever
    // whitespace the upload had.
    const download = await request(http)
      .get(answer.headers.location as string)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect((download.body as Buffer).toString('utf8')).toBe(canonicalJson(certified));
    expect(
      verifySignedReport((download.body as Buffer).toString('utf8'), {
        trustedKeys: [{ publicKeyPem: keys.certifier.publicKeyPem, role: 'certifier' }],
      }).ok,
    ).toBe(true);
  });

  it('answers the same signed report again with 200 and the same id, storing it once', async () => {
    const answer = await publish(certified);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ id: reportIdOf(certified), created: false });
    const product = await store.product(answer.body.links.product.split('/').pop());
    expect(product?.reports).toHaveLength(1);
  });

  it('holds a report signed with a pending supplier key, and lists it as self-assessed once LOTI approves the key', async () => {
    const own = asProduct(run, 'Self Assessing Ltd', 'Own Streets');
    const signed = selfAssess(own, keys.supplier);
    const token = supplierToken('Self Assessing Ltd');
    // Not registered yet: nobody vouches for the key.
    expect((await publish(signed, token)).body).toMatchObject({ status: 422, reason: 'unknown-key' });
    const registered = await request(http)
      .post('/api/suppliers/keys')
      .set('authorization', bearer(token))
      .send({ publicKeyPem: keys.supplier.publicKeyPem });
    expect(registered.status, registered.text).toBe(202);
    expect(registered.body).toMatchObject({
      keyId: keys.supplier.keyId,
      role: 'supplier',
      owner: 'Self Assessing Ltd',
      state: 'pending',
    });
    const held = await publish(signed, token);
    expect(held.status, held.text).toBe(201);
    expect(held.body).toMatchObject({
      status: 'self-assessed',
      listed: false,
      held: { reason: 'pending-key' },
    });
    const before = await request(http).get('/data/league-table.json?status=self-assessed');
    expect(before.body.products).toEqual([]);
    const approved = await request(http)
      .post('/api/keys/review')
      .set('authorization', bearer(CERTIFIER_TOKEN))
      .send({ keyId: keys.supplier.keyId, approve: true });
    expect(approved.status, approved.text).toBe(200);
    expect(approved.body).toMatchObject({ state: 'approved' });
    const table = await request(http).get('/data/league-table.json?status=self-assessed');
    expect(table.body.products.map((p: { product: string }) => p.product)).toEqual(['Own Streets']);
  });

  it('refuses a supplier key self-assessing another supplier’s product, whoever uploads it', async () => {
    const signed = selfAssess(asProduct(run, 'Someone Else Ltd', 'Not Yours'), keys.supplier);
    // The key's owner publishing for someone else is refused for who it is, before the signature is read.
    const own = await publish(signed, supplierToken('Self Assessing Ltd'));
    expect(own.status).toBe(403);
    expect(own.body.detail).toMatch(/Self Assessing Ltd may act only for itself, not for "Someone Else Ltd"/);
    // The named supplier (or a certifier) uploading it is refused for the key's owner.
    for (const token of [supplierToken('Someone Else Ltd'), CERTIFIER_TOKEN]) {
      const answer = await publish(signed, token);
      expect(answer.status).toBe(422);
      expect(answer.body).toMatchObject({ reason: 'key-owner-mismatch' });
      expect(answer.body.detail).toMatch(/Someone Else Ltd.*Self Assessing Ltd/);
    }
  });

  it('refuses a report changed after signing: 422, reason tampered', async () => {
    const tampered = structuredClone(certify(asProduct(run, 'Tamper Ltd', 'Edited'), keys)) as unknown as {
      report: { checks: { status: string }[] };
    };
    (tampered.report.checks[0] as { status: string }).status = 'fail';
    const answer = await publish(tampered);
    expect(answer.status).toBe(422);
    expect(answer.type).toBe('application/problem+json');
    expect(answer.body).toMatchObject({
      reason: 'tampered',
      type: 'urn:council-conform:problem:report-refused',
    });
    expect(answer.body.detail).toMatch(/reportSha256/);
  });

  it('refuses a report signed by a key nobody registered: 422, reason unknown-key', async () => {
    const answer = await publish(selfAssess(asProduct(run, 'Stranger Ltd', 'Unknown'), keys.stranger));
    expect(answer.status).toBe(422);
    expect(answer.body.reason).toBe('unknown-key');
    expect(answer.body.detail).toContain(keys.stranger.keyId);
  });

  it('refuses an expired certificate: 422, reason expired', async () => {
    const old = certify(asProduct(run, 'Old Ltd', 'Lapsed'), keys, {
      now: new Date('2024-01-01T00:00:00Z'),
      expiresInDays: 30,
    });
    const answer = await publish(old);
    expect(answer.status).toBe(422);
    expect(answer.body).toMatchObject({ reason: 'expired' });
    expect(answer.body.detail).toMatch(/2024-01-31/);
  });

  it('refuses truncated, non-JSON and unsigned bodies as malformed, naming what is wrong', async () => {
    const text = JSON.stringify(certify(asProduct(run, 'Cut Ltd', 'Short'), keys));
    const truncated = await publish(text.slice(0, text.length / 2));
    expect(truncated.status).toBe(422);
    expect(truncated.body).toMatchObject({ reason: 'malformed' });
    expect(truncated.body.detail).toMatch(/not JSON/);
    const unsigned = await publish(run);
    expect(unsigned.body).toMatchObject({ status: 422, reason: 'malformed' });
    expect(unsigned.body.detail).toMatch(/unsigned run report/);
    const notUtf8 = await request(http)
      .post('/api/reports')
      .set('authorization', bearer())
      .set('content-type', 'application/json')
      // As bytes: superagent would otherwise serialise a Buffer as JSON.
      .serialize((body: Buffer) => body as unknown as string)
      .send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
    expect(notUtf8.body).toMatchObject({
      status: 422,
      reason: 'malformed',
      detail: 'the body is not UTF-8 text',
    });
    const wrongType = await request(http)
      .post('/api/reports')
      .set('authorization', bearer())
      .set('content-type', 'text/plain')
      .send(text);
    expect(wrongType.status).toBe(415);
  });

  it('refuses a body over 20 MB with 413, not a crash', async () => {
    const answer = await publish(`{"padding":"${'x'.repeat(21 * 1024 * 1024)}"}`);
    expect(answer.status).toBe(413);
    expect(answer.body.title).toBe('Content Too Large');
    expect((await request(http).get('/healthz')).status).toBe(200);
  });

  it('needs an upload token: 401 without one or with a wrong one, and nothing is stored', async () => {
    const signed = certify(asProduct(run, 'No Token Ltd', 'Anonymous'), keys);
    for (const token of [null, 'a-token-nobody-was-given-1234']) {
      const answer = await publish(signed, token);
      expect(answer.status).toBe(401);
      expect(answer.headers['www-authenticate']).toMatch(/^Bearer/);
    }
    expect(await store.signedReportText(reportIdOf(signed))).toBeUndefined();
    expect((await request(http).get('/api/reports')).status).toBe(405);
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After once a client has used its allowance, counting per token', async () => {
    const other = await openResultsStore();
    try {
      const { http: limited } = await testDashboard(other, keys, {
        rateLimit: { limit: 2, windowMs: 60_000 },
      });
      const call = (token: string) =>
        request(limited).post('/api/suppliers/keys').set('authorization', bearer(token)).send({});
      expect((await call(UPLOAD_TOKEN)).status).toBe(400);
      expect((await call(UPLOAD_TOKEN)).status).toBe(400);
      const refused = await call(UPLOAD_TOKEN);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
      // Another client still has its own allowance.
      expect((await call(CERTIFIER_TOKEN)).status).toBe(400);
      // Guessing tokens is limited too: unauthenticated calls count against the address.
      const guesses = await Promise.all(
        [1, 2, 3].map(() => request(limited).post('/api/reports').send('{}')),
      );
      expect(guesses.map((g) => g.status).sort()).toEqual([401, 401, 429]);
    } finally {
      await other.close();
    }
  });
});

describe('supplier keys', () => {
  it('refuses a private key, a certifier’s key, a key registered to someone else, and a key for someone else', async () => {
    const register = (body: object, token = supplierToken('Someone Else Ltd')) =>
      request(http).post('/api/suppliers/keys').set('authorization', bearer(token)).send(body);
    const privateKey = await register({ publicKeyPem: keys.stranger.privateKeyPem });
    expect(privateKey.status).toBe(422);
    expect(privateKey.body.detail).toMatch(/private key/);
    const certifier = await register({ publicKeyPem: keys.certifier.publicKeyPem });
    expect(certifier.status).toBe(409);
    const taken = await register({ publicKeyPem: keys.supplier.publicKeyPem });
    expect(taken.status).toBe(409);
    expect(taken.body.detail).toMatch(/Self Assessing Ltd/);
    // A supplier registers only its own keys, whatever name it sends.
    const forOther = await register({
      publicKeyPem: keys.stranger.publicKeyPem,
      supplier: 'Self Assessing Ltd',
    });
    expect(forOther.status).toBe(403);
    const again = await register(
      { publicKeyPem: keys.supplier.publicKeyPem },
      supplierToken('Self Assessing Ltd'),
    );
    expect(again.status).toBe(200);
    expect((await register({})).status).toBe(400);
    // An administrator registers for a supplier, which it must name; its registration needs no approval.
    expect((await register({ publicKeyPem: keys.stranger.publicKeyPem }, ADMIN_TOKEN)).status).toBe(400);
  });
});

describe('disputes', () => {
  it('opens a dispute, lets only a certifier decide it, and shows the waiver with its reason and expiry', {
    timeout: BUDGET.realRun,
  }, async () => {
    const faulty = await runAgainstMock(['dates-ddmmyyyy']);
    const failed = faulty.checks.find((c) => c.status === 'fail');
    if (!failed) throw new Error('the faulty run failed no check');
    const published = await publish(
      certify(asProduct(faulty, 'Disputing Ltd', 'Date Desk'), keys),
      CERTIFIER_TOKEN,
    );
    expect(published.status).toBe(201);
    const reportId = published.body.id as string;

    const disputer = supplierToken('Disputing Ltd');
    // Only the supplier whose product it is may dispute: not another supplier, not a certifier.
    for (const token of [UPLOAD_TOKEN, CERTIFIER_TOKEN]) {
      const foreign = await request(http)
        .post('/api/disputes')
        .set('authorization', bearer(token))
        .send({ reportId, checkId: failed.id, reason: 'not mine to say' });
      expect(foreign.status, foreign.text).toBe(403);
    }
    const opened = await request(http).post('/api/disputes').set('authorization', bearer(disputer)).send({
      reportId,
      checkId: failed.id,
      reason: 'UK councils asked for <b>DD/MM/YYYY</b> in this field',
    });
    expect(opened.status, opened.text).toBe(201);
    expect(opened.body).toMatchObject({ state: 'open', checkId: failed.id });
    const decide = (token: string, body: object) =>
      request(http)
        .post(`/api/disputes/${opened.body.id}/decision`)
        .set('authorization', bearer(token))
        .send(body);

    expect((await decide(disputer, { accept: true, reason: 'fine' })).status).toBe(403);
    expect((await decide(CERTIFIER_TOKEN, { accept: true, reason: 'no expiry' })).status).toBe(400);
    expect(
      (
        await decide(CERTIFIER_TOKEN, {
          accept: true,
          reason: 'past',
          waiverExpiresAt: '2020-01-01T00:00:00Z',
        })
      ).status,
    ).toBe(422);
    const accepted = await decide(CERTIFIER_TOKEN, {
      accept: true,
      reason: 'Agreed for the legacy export until the schema change ships',
      waiverExpiresAt: '2099-03-31T00:00:00Z',
    });
    expect(accepted.status, accepted.text).toBe(200);
    expect(accepted.body).toMatchObject({ state: 'accepted', waiverExpiresAt: '2099-03-31T00:00:00.000Z' });
    expect((await decide(CERTIFIER_TOKEN, { accept: false, reason: 'again' })).status).toBe(409);

    const page = await request(http).get(published.body.links.product);
    expect(page.status).toBe(200);
    const waivers = page.text.slice(page.text.indexOf('id="waivers"'), page.text.indexOf('id="clauses"'));
    expect(waivers).toContain('Agreed for the legacy export until the schema change ships');
    expect(waivers).toContain('31 March 2099');
    expect(waivers).toContain(failed.id);
    // The supplier's words are shown as text, never as markup.
    expect(waivers).toContain('UK councils asked for &lt;b&gt;DD/MM/YYYY&lt;/b&gt; in this field');
    expect(page.text).toContain('Waived until 31 March 2099');

    const unknown = await request(http)
      .post('/api/disputes')
      .set('authorization', bearer(disputer))
      .send({ reportId: '0'.repeat(64), checkId: failed.id, reason: 'x' });
    expect(unknown.status).toBe(404);
    const passed = faulty.checks.find((c) => c.status === 'pass');
    const nothing = await request(http)
      .post('/api/disputes')
      .set('authorization', bearer(disputer))
      .send({ reportId, checkId: passed?.id, reason: 'x' });
    expect(nothing.status).toBe(422);
    expect(nothing.body.code).toBe('CHECK_NOT_DISPUTABLE');
  });
});

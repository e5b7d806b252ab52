import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { createMemoryRecordStore, openRecordStore, type RecordStore } from '@council-conform/storage';
import { BUDGET } from '@council-conform/test-budgets';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError, readConfig } from '../src/config.ts';
import { createReferenceServer, type ReferenceServer } from '../src/server.ts';
import { TENANT_ENV, testConfig } from './support.ts';

const SPEC = 'housing-repairs';
let store: RecordStore;
let reference: ReferenceServer;
let http: Server;

async function token(tenant: 'A' | 'B' = 'A'): Promise<string> {
  const answer = await request(http)
    .post(`/${SPEC}/oauth/token`)
    .type('form')
    .send({
      grant_type: 'client_credentials',
      client_id: TENANT_ENV[`CONFORM_TENANT_${tenant}_CLIENT_ID`],
      client_secret: TENANT_ENV[`CONFORM_TENANT_${tenant}_CLIENT_SECRET`],
    });
  expect(answer.status).toBe(200);
  return answer.body.access_token as string;
}

beforeAll(async () => {
  store = await openRecordStore();
  reference = await createReferenceServer(testConfig(), store);
  http = createServer(reference.listener);
}, BUDGET.database);
afterAll(async () => {
  await reference.close();
  await store.close();
});

describe('the server as a whole', () => {
  it('reports health with its storage and lists every spec at /', async () => {
    const health = await request(http).get('/healthz');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', storage: 'pglite' });
    const index = await request(http).get('/');
    expect(index.body.specs.map((s: { id: string }) => s.id)).toContain(SPEC);
    expect(index.body.specs.length).toBe(health.body.specs.length);
  });

  it('answers an unknown path with a 404 problem naming it', async () => {
    const answer = await request(http).get('/no-such-system/things');
    expect(answer.status).toBe(404);
    expect(answer.type).toBe('application/problem+json');
    expect(answer.body.detail).toMatch(/\/no-such-system/);
  });

  it('turns away a body over 10 MB with 413, not a crash', async () => {
    const answer = await request(http)
      .post(`/${SPEC}/imports`)
      .set('content-type', 'application/json')
      .send(`{"files":"${'x'.repeat(11 * 1024 * 1024)}"}`);
    expect(answer.status).toBe(413);
    expect(answer.body.title).toBe('Content Too Large');
  });

  it('is unhealthy (503), not crashed, when storage stops answering', async () => {
    const broken = createMemoryRecordStore();
    const server = await createReferenceServer(testConfig({ CONFORM_SEED: 'none' }), {
      ...broken,
      ping: async () => {
        throw new Error('connection reset');
      },
    });
    const answer = await server.handle(new Request('http://localhost/healthz'));
    expect(answer.status).toBe(503);
    expect(((await answer.json()) as { detail: string }).detail).toMatch(/connection reset/);
    await server.close();
  });
});

describe('one spec under its base path', () => {
  it('serves its description, with servers pointing at the base path', async () => {
    const answer = await request(http).get(`/${SPEC}/openapi.json`);
    expect(answer.status).toBe(200);
    expect(answer.body.openapi).toBe('3.1.0');
    expect(JSON.stringify(answer.body.servers)).toContain(`/${SPEC}`);
  });

  it('pages public data by cursor, with rate-limit and licence headers, and no token', async () => {
    const first = await request(http).get(`/${SPEC}/properties?limit=5`);
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(5);
    expect(first.headers['ratelimit-policy']).toBe('400;w=1');
    expect(String(first.headers.link)).toMatch(/rel="license"/);
    const next = new URL(first.body.next as string);
    const second = await request(http).get(`${next.pathname}${next.search}`);
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
  });

  it('rejects a bad query with 400 problem+json naming the parameter', async () => {
    const answer = await request(http).get(`/${SPEC}/properties?limit=lots`);
    expect(answer.status).toBe(400);
    expect(answer.type).toBe('application/problem+json');
    expect(answer.body.errors).toEqual([{ pointer: '/query/limit', detail: expect.any(String) }]);
  });

  it('rejects a bad body with 400 naming the field, never a 500', async () => {
    const answer = await request(http)
      .post(`/${SPEC}/repair-requests`)
      .set('authorization', `Bearer ${await token()}`)
      .send({ priority: 'whenever' });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body.errors)).toMatch(/priority|required/);
  });

  it('keeps personal data behind a token and within its tenant', async () => {
    expect((await request(http).get(`/${SPEC}/tenancies`)).status).toBe(401);
    const a = await request(http)
      .get(`/${SPEC}/tenancies`)
      .set('authorization', `Bearer ${await token('A')}`);
    const b = await request(http)
      .get(`/${SPEC}/tenancies`)
      .set('authorization', `Bearer ${await token('B')}`);
    expect(a.status).toBe(200);
    const idsOfA = new Set(a.body.items.map((r: { id: string }) => r.id));
    expect(b.body.items.length).toBeGreaterThan(0);
    for (const record of b.body.items) expect(idsOfA.has(record.id)).toBe(false);
    const stranger = await request(http)
      .get(`/${SPEC}/tenancies/${a.body.items[0].id}`)
      .set('authorization', `Bearer ${await token('B')}`);
    expect(stranger.status).toBe(404);
  });

  it('streams a bulk export from storage whose files match the manifest’s counts and checksums', async () => {
    const auth = `Bearer ${await token()}`;
    const started = await request(http).post(`/${SPEC}/exports`).set('authorization', auth).send({});
    expect(started.status).toBe(202);
    let job = started.body;
    // Polls every 50 ms for up to BUDGET.database: streaming from PGlite to disk is slow on a loaded machine.
    for (let i = 0; i < BUDGET.database / 50 && job.status !== 'complete'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      job = (await request(http).get(`/${SPEC}/exports/${job.id}`).set('authorization', auth)).body;
    }
    expect(job.status).toBe('complete');
    const ndjson = job.manifest.files.find(
      (f: { dataset: string; format: string }) => f.dataset === 'tenancies' && f.format === 'ndjson',
    );
    const url = new URL(ndjson.url);
    const file = await request(http)
      .get(url.pathname)
      .set('authorization', auth)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    const bytes = file.body as Buffer;
    expect(bytes.length).toBe(ndjson.bytes);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(ndjson.sha256);
    expect(bytes.toString('utf8').trim().split('\n')).toHaveLength(ndjson.records);
    expect(ndjson.records).toBe(await store.count({ space: SPEC, dataset: 'tenancies', tenant: 'tenant-a' }));
  });
});

describe('the import, into an empty server', () => {
  it('stores valid records, reports rejected lines, and serves what it stored', async () => {
    const empty = createMemoryRecordStore();
    const server = await createReferenceServer(testConfig({ CONFORM_SEED: 'none' }), empty);
    const target = createServer(server.listener);
    try {
      const issued = await request(target).post(`/${SPEC}/oauth/token`).type('form').send({
        grant_type: 'client_credentials',
        client_id: TENANT_ENV.CONFORM_TENANT_A_CLIENT_ID,
        client_secret: TENANT_ENV.CONFORM_TENANT_A_CLIENT_SECRET,
      });
      const auth = `Bearer ${issued.body.access_token}`;
      const [tenancy] = (
        await request(http)
          .get(`/${SPEC}/tenancies?limit=1`)
          .set('authorization', `Bearer ${await token()}`)
      ).body.items;
      const imported = await request(target)
        .post(`/${SPEC}/imports`)
        .set('authorization', auth)
        .send({
          files: [
            {
              dataset: 'tenancies',
              format: 'ndjson',
              content: `${JSON.stringify(tenancy)}\n{"id": 7}\nnot json\n`,
            },
          ],
        });
      expect(imported.status).toBe(202);
      expect(imported.body.results[0]).toMatchObject({ dataset: 'tenancies', accepted: 1, rejected: 2 });
      expect(imported.body.results[0].errors.map((e: { line: number }) => e.line)).toEqual([2, 3]);
      const back = await request(target).get(`/${SPEC}/tenancies/${tenancy.id}`).set('authorization', auth);
      expect(back.body).toEqual(tenancy);
    } finally {
      await server.close();
    }
  });
});

describe('configuration', () => {
  it('names every mistake in the environment', () => {
    expect(() => readConfig({ PORT: 'eighty' })).toThrow(/PORT must be a whole number/);
    expect(() => readConfig({ CONFORM_SEED: 'some' })).toThrow(/CONFORM_SEED must be "fixtures" or "none"/);
    expect(() => readConfig({ CONFORM_TENANT_A_CLIENT_ID: 'a' })).toThrow(
      /all or nothing: CONFORM_TENANT_A_CLIENT_SECRET, CONFORM_TENANT_B_CLIENT_ID, CONFORM_TENANT_B_CLIENT_SECRET are missing/,
    );
    expect(() => readConfig({ DATABASE_URL: 'postgres://x/y', CONFORM_DATA_DIR: '/tmp/x' })).toThrow(
      ConfigurationError,
    );
  });

  it('makes up test credentials when none are given', () => {
    const config = readConfig({});
    expect(config.generatedCredentials).toBe(true);
    expect(config.tenants[0].clientSecret).not.toBe(readConfig({}).tenants[0].clientSecret);
    expect(config.port).toBe(8080);
  });

  it('refuses a profile it does not serve', async () => {
    await expect(
      createReferenceServer(testConfig({ CONFORM_PROFILE: 'parking-permits' }), createMemoryRecordStore()),
    ).rejects.toThrow(/CONFORM_PROFILE names no reference spec: "parking-permits"/);
  });
});

import { createHash } from 'node:crypto';
import { createSchemaValidator } from '@council-conform/openapi';
import { listSpecIds } from '@council-conform/specs';
import { describe, expect, it } from 'vitest';
import { createMockSupplier, type MockSupplier } from '../src/index.ts';
import { clientFor, getPath, listPath, readAllPages } from './client.ts';

const specs = listSpecIds();

async function runExport(client: ReturnType<typeof clientFor>, token: string) {
  const started = await client.call('/exports', {
    method: 'POST',
    token,
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  expect(started.status).toBe(202);
  const location = started.headers.get('location')!;
  expect(location).toMatch(/^\/exports\/exp_/);
  let job: {
    status: string;
    manifest?: {
      files: {
        dataset: string;
        format: string;
        url: string;
        sha256: string;
        records: number;
        bytes: number;
      }[];
    };
  } = { status: 'queued' };
  for (let attempt = 0; attempt < 5 && job.status !== 'complete'; attempt++) {
    job = (await client.json(location, { token })).body as typeof job;
  }
  expect(job.status).toBe('complete');
  return job.manifest!;
}

describe.each(specs)('conformant mock of %s', (specId) => {
  let supplier: MockSupplier;
  const setup = async () => {
    // Reading every page of a big dataset would trip the default limit; the burst test uses its own.
    supplier ??= await createMockSupplier(specId, { rateLimit: { limit: 10_000, windowMs: 1000 } });
    return { supplier, client: clientFor(supplier) };
  };

  it('serves its OpenAPI description and links it from every response', async () => {
    const { client } = await setup();
    const { response, body } = await client.json('/openapi.json');
    expect(response.status).toBe(200);
    expect((body as { openapi: string }).openapi).toBe('3.1.0');
    expect(response.headers.get('link')).toContain('</openapi.json>; rel="service-desc"');
    const security = await client.call('/.well-known/security.txt');
    expect(await security.text()).toMatch(/^Contact: /m);
  });

  it('issues tokens only for the right client secret', async () => {
    const { client, supplier } = await setup();
    expect(await client.token(0)).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const refused = await client.call('/oauth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=client_credentials&client_id=${supplier.tenants[0]!.clientId}&client_secret=wrong`,
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
  });

  it('lists every dataset in full, public ones openly and personal ones only with a token', async () => {
    const { client, supplier } = await setup();
    const token = await client.token();
    const validator = createSchemaValidator(supplier.spec.document);
    for (const dataset of supplier.spec.profile.datasets) {
      const path = listPath(supplier, dataset.id);
      if (path.includes('{')) continue; // nested lists need a parent id; the runner covers them
      const isPublic = dataset.classification === 'public';
      if (isPublic) {
        const open = await client.call(path);
        expect(open.status, `${dataset.id} without a token`).toBe(200);
        expect(open.headers.get('access-control-allow-origin')).toBe('*');
        expect(open.headers.get('link')).toContain('rel="license"');
      } else {
        const closed = await client.call(path);
        expect(closed.status, `${dataset.id} without a token`).toBe(401);
        expect(closed.headers.get('content-type')).toBe('application/problem+json');
      }
      const pageSize = dataset.listStyle === 'oruk-page' ? 'per_page' : 'limit';
      const records = await readAllPages(client, `${path}?${pageSize}=40`, token);
      expect(records.length, dataset.id).toBe((await supplier.records(dataset.id)).length);
      expect(new Set(records.map((r) => String(r[dataset.idField]))).size).toBe(records.length);
      for (const record of records.slice(0, 5)) {
        expect(validator.validate(`/components/schemas/${dataset.schema}`, record), dataset.id).toEqual([]);
      }
    }
  });

  it('reads records by id and answers 404 problem+json for an unknown one', async () => {
    const { client, supplier } = await setup();
    const token = await client.token();
    for (const dataset of supplier.spec.profile.datasets) {
      const first = (await supplier.records(dataset.id))[0]!;
      const path = getPath(supplier, dataset.id, String(first[dataset.idField]));
      if (path.includes('{')) continue;
      const { response, body } = await client.json(path, { token });
      expect(response.status, path).toBe(200);
      const record = Array.isArray(body) ? body[0] : body;
      expect((record as Record<string, unknown>)[dataset.idField]).toEqual(first[dataset.idField]);
      const missing = await client.call(getPath(supplier, dataset.id, 'no-such-record-0'), { token });
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-type')).toBe('application/problem+json');
    }
  });

  it('exports every dataset with a manifest whose counts and checksums match the files', async () => {
    const { client, supplier } = await setup();
    const token = await client.token();
    const manifest = await runExport(client, token);
    expect(new Set(manifest.files.map((f) => f.dataset))).toEqual(
      new Set(supplier.spec.profile.datasets.map((d) => d.id)),
    );
    for (const file of manifest.files) {
      const response = await client.call(file.url, { token });
      expect(response.status).toBe(200);
      const bytes = Buffer.from(await response.arrayBuffer());
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(file.sha256);
      expect(bytes.length).toBe(file.bytes);
      if (file.format === 'ndjson') {
        const lines = bytes.toString('utf8').split('\n').filter(Boolean);
        expect(lines.length).toBe(file.records);
        expect(lines.length).toBe((await supplier.records(file.dataset)).length);
      }
    }
  });

  it('limits bursts with 429 and Retry-After, and says it has no import', async () => {
    const client = clientFor(await createMockSupplier(specId));
    const burst = await Promise.all(
      Array.from({ length: 60 }, () =>
        client.call('/.well-known/security.txt', { headers: { authorization: 'Bearer burst' } }),
      ),
    );
    const limited = burst.find((r) => r.status === 429);
    expect(limited?.headers.get('retry-after')).toMatch(/^\d+$/);
    const token = await client.token();
    const importAttempt = await client.call('/imports', {
      method: 'POST',
      token,
      headers: { 'content-type': 'application/json' },
      body: '{"files":[]}',
    });
    expect(importAttempt.status).toBe(501);
  });
});

describe('records created through the API', () => {
  it('stores a raised repair under a fresh id, so it can be read back, listed and exported', async () => {
    const supplier = await createMockSupplier('housing-repairs', {
      rateLimit: { limit: 10_000, windowMs: 1000 },
    });
    const client = clientFor(supplier);
    const token = await client.token(0);
    const paths = supplier.spec.document.paths as Record<string, { post: { requestBody: unknown } }>;
    const requestBody = paths['/repair-requests']?.post.requestBody as {
      content: { 'application/json': { example: Record<string, unknown> } };
    };
    const example = requestBody.content['application/json'].example;
    const before = await readAllPages(client, listPath(supplier, 'repair_requests'), token);
    const raised = await client.json('/repair-requests', {
      method: 'POST',
      token,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...example, description_of_work: 'Front door lock jammed' }),
    });
    expect(raised.response.status).toBe(201);
    const record = raised.body as { id: string; description_of_work: string };
    expect(record.description_of_work).toBe('Front door lock jammed');
    expect(before.map((r) => r.id)).not.toContain(record.id);
    const location = raised.response.headers.get('location');
    expect(location).toBe(`/repair-requests/${record.id}`);
    const read = await client.json(location as string, { token });
    expect(read.response.status).toBe(200);
    expect(read.body).toEqual(record);
    const after = await readAllPages(client, listPath(supplier, 'repair_requests'), token);
    expect(after.map((r) => r.id)).toContain(record.id);
    const second = await client.json('/repair-requests', {
      method: 'POST',
      token,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(example),
    });
    expect((second.body as { id: string }).id).not.toBe(record.id);
    const manifest = await runExport(client, token);
    const exported = manifest.files.find((f) => f.dataset === 'repair_requests' && f.format === 'ndjson');
    expect(exported?.records).toBe(before.length + 2);
    // Another tenant's view of a personal dataset does not gain the first tenant's repair.
    const otherToken = await client.token(1);
    const other = await client.call(location as string, { token: otherToken });
    expect(other.status).not.toBe(200);
  });
});

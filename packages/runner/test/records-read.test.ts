import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunContext, type Reference, type ReferenceDataset, resolveRunConfig } from '../src/index.ts';
import { json, loopbackHttp, serve } from './support.ts';

/** What the run read is what data quality is measured on: records listed and read by id, each once. */
const LISTED = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];

let server: Awaited<ReturnType<typeof serve>>;
let listReads = 0;
beforeAll(async () => {
  server = await serve({
    '/items': (_request, response) => {
      listReads += 1;
      json(response, 200, LISTED);
    },
    '/broken': (_request, response) => json(response, 500, { title: 'broken' }),
  });
});
afterAll(() => server.close());

const dataset = (id: string): ReferenceDataset => ({
  id,
  title: id,
  schema: 'Item',
  classification: 'public',
  idField: 'id',
  list: `list-${id}`,
  get: `get-${id}`,
  listStyle: 'array',
});
const items = dataset('items');
const others = dataset('others');
const broken = dataset('broken');

const reference: Reference = {
  profile: {
    id: 'tiny',
    version: '1.0.0',
    datasets: [items, others, broken],
    operations: { required: [], optional: [] },
  },
  document: {
    openapi: '3.1.0',
    info: { title: 'tiny', version: '1.0.0' },
    paths: {
      '/items': { get: { operationId: 'list-items', responses: {} } },
      '/others': { get: { operationId: 'list-others', responses: {} } },
      '/broken': { get: { operationId: 'list-broken', responses: {} } },
    },
  },
  sha256: '0'.repeat(64),
};

const http = () => loopbackHttp(server.url);

describe('the records a run read', () => {
  it('are the crawls begun and the records kept from reads by id, each id once, reading nothing more', async () => {
    const ctx = createRunContext(resolveRunConfig({ target: server.url }), reference, http());
    try {
      expect(await ctx.recordsRead()).toEqual([]);
      await ctx.crawl(items);
      await ctx.crawl(broken);
      // Read by id: one already listed (not counted twice), one the list did not give, one of a dataset never listed.
      ctx.keepRecordRead(items, { id: 'b', extra: true });
      ctx.keepRecordRead(items, { id: 'z' });
      ctx.keepRecordRead(others, { id: 'o' });
      const before = listReads;
      const read = await ctx.recordsRead();
      expect(listReads).toBe(before);
      expect(read.map((r) => [r.dataset.id, r.records.map((record) => record.id)])).toEqual([
        ['items', ['a', 'b', 'c', 'z']],
        ['others', ['o']],
      ]);
    } finally {
      ctx.close();
    }
  });
});

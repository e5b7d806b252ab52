import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRunContext,
  type Reference,
  type ReferenceDataset,
  resolveRunConfig,
  walkDataset,
} from '../src/index.ts';
import { json, loopbackHttp, serve } from './support.ts';

/**
 * Open311 lets an unfiltered list default to the last 90 days; the profile names the query that reaches
 * every record (`allRecordsQuery`), and every walk of the list must use it, or an honest supplier's export
 * looks like it holds records "unknown to the API".
 */
const RECORDS = Array.from({ length: 30 }, (_, i) => ({
  id: `r-${i + 1}`,
  // The first ten are recent; the rest are older than any default window.
  recent: i < 10,
}));

let server: Awaited<ReturnType<typeof serve>>;
beforeAll(async () => {
  server = await serve({
    '/requests.json': (request, response) => {
      const url = new URL(request.url ?? '/', 'http://x');
      const everything = url.searchParams.get('modified_after') === '1970-01-01T00:00:00Z';
      json(
        response,
        200,
        RECORDS.filter((r) => everything || r.recent),
      );
    },
  });
});
afterAll(() => server.close());

const dataset = (allRecordsQuery?: Record<string, string>): ReferenceDataset => ({
  id: 'service_requests',
  title: 'Reports',
  schema: 'ServiceRequest',
  classification: 'public',
  idField: 'id',
  list: 'listServiceRequests',
  get: 'getServiceRequest',
  listStyle: 'array',
  ...(allRecordsQuery ? { allRecordsQuery } : {}),
});

const http = () => loopbackHttp(server.url);

describe('a list is walked with the query that reaches every record', () => {
  const operation = { method: 'GET', path: '/requests.json' };
  const walk = async (d: ReferenceDataset) => {
    const seen: string[] = [];
    await walkDataset(http(), new URL(`${server.url}/`), operation, d, 'none', (items) => {
      for (const item of items) seen.push(String(item.id));
      return undefined;
    });
    return seen;
  };

  it('reads only the default window without it, and every record with it', async () => {
    expect(await walk(dataset())).toHaveLength(10);
    expect(await walk(dataset({ modified_after: '1970-01-01T00:00:00Z' }))).toHaveLength(30);
  });

  it('is what the run context’s crawl uses', async () => {
    const withQuery = dataset({ modified_after: '1970-01-01T00:00:00Z' });
    const reference: Reference = {
      profile: {
        id: 'tiny',
        version: '1.0.0',
        datasets: [withQuery],
        operations: { required: [], optional: [] },
      },
      document: {
        openapi: '3.1.0',
        info: { title: 'tiny', version: '1.0.0' },
        paths: { '/requests.json': { get: { operationId: 'listServiceRequests', responses: {} } } },
      },
      sha256: '0'.repeat(64),
    };
    const ctx = createRunContext(resolveRunConfig({ target: server.url }), reference, http());
    try {
      expect((await ctx.crawl(withQuery)).records).toHaveLength(30);
    } finally {
      ctx.close();
    }
  });
});

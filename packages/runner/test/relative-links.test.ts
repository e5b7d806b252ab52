import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createHarnessHttp,
  createRunContext,
  Redactor,
  type Reference,
  type ReferenceDataset,
  resolveRunConfig,
  walkDataset,
} from '../src/index.ts';
import { json, serve } from './support.ts';

/**
 * A supplier whose API sits under /api and whose next links are relative (Council API Baseline 1.1 §7): each
 * resolves against the page that carried it, never against the API's base URL.
 */
let server: Awaited<ReturnType<typeof serve>>;

const dataset: ReferenceDataset = {
  id: 'repairs',
  title: 'Repairs',
  schema: 'Repair',
  classification: 'public',
  idField: 'id',
  list: 'listRepairs',
  get: 'getRepair',
};

beforeAll(async () => {
  server = await serve({
    '/api/repairs': (request, res) => {
      const cursor = new URL(request.url ?? '/', 'http://x').searchParams.get('cursor');
      // A Link header relative to this page's path, then body links relative to its last segment and its root.
      if (cursor === null)
        return json(res, 200, { items: [{ id: '1' }] }, { link: '<?cursor=abc>; rel="next"' });
      if (cursor === 'abc') return json(res, 200, { items: [{ id: '2' }], next: 'repairs?cursor=2' });
      if (cursor === '2') return json(res, 200, { items: [{ id: '3' }], next: '/v2/x?c=1' });
      return json(res, 400, {});
    },
    '/v2/x': (_q, res) =>
      json(res, 200, { items: [{ id: '4' }], next: null }, { link: '</v2/x?c=1>; rel="self"' }),
    // Where `/v2/x?c=1` would land if it were taken as a path under the target.
    '/api/v2/x': (_q, res) => json(res, 200, { items: [{ id: 'wrongly-prefixed' }], next: null }),
    '/api/loop': (_q, res) => json(res, 200, { items: [{ id: 'a' }], next: 'loop?limit=100' }),
    '/api/sideways': (_q, res) =>
      json(res, 200, { items: [{ id: 'a' }] }, { link: '<ftp://files.example/repairs>; rel="next"' }),
    '/api/': (_q, res) => json(res, 200, { name: 'relative supplier' }),
    // The description moved: /api/openapi.json redirects to a page that links to it relative to itself.
    '/api/openapi.json': (_q, res) => {
      res.writeHead(302, { location: '/api/docs/moved' });
      res.end();
    },
    '/api/docs/moved': (_q, res) =>
      json(res, 404, { title: 'Not Found' }, { link: '<v3.json>; rel="service-desc"' }),
    '/api/docs/v3.json': (_q, res) =>
      json(res, 200, { openapi: '3.1.0', info: { title: 'x', version: '1' } }),
  });
});
afterAll(() => server.close());

const target = () => new URL(`${server.url}/api/`);

function client() {
  return createHarnessHttp({
    target: target(),
    requestsPerSecond: 1000,
    requestTimeoutMs: 5_000,
    maxResponseBytes: 1024 * 1024,
    maxRetryAfterMs: 1_000,
    redactor: new Redactor(new Set()),
    signal: new AbortController().signal,
    tokenFor: async () => undefined,
  });
}

async function walk(path: string) {
  const http = client();
  const ids: string[] = [];
  const result = await walkDataset(http, target(), { method: 'GET', path }, dataset, 'none', (items) => {
    for (const item of items) ids.push(String(item.id));
    return undefined;
  });
  return { http, ids, result };
}

describe('a walk over relative next links', () => {
  it('resolves ?cursor=, a sibling segment and a root path against the page that gave each', async () => {
    const { http, ids, result } = await walk('/repairs');
    expect(result.problem).toBeUndefined();
    expect(ids).toEqual(['1', '2', '3', '4']);
    expect(result.pages).toBe(4);
    expect(http.exchanges.map((e) => e.request.url.slice(server.origin.length))).toEqual([
      '/api/repairs?limit=100',
      '/api/repairs?cursor=abc',
      '/api/repairs?cursor=2',
      '/v2/x?c=1',
    ]);
  });

  it('knows a relative link back to the first page for the loop it is, without asking again', async () => {
    const { result } = await walk('/loop');
    expect(result.problem).toBe('pagination loops: page 2 links back to loop?limit=100');
    expect(server.hits.get('/api/loop')).toBe(1);
  });

  it('stops, saying so, at a next link that is not http(s)', async () => {
    const { result } = await walk('/sideways');
    expect(result.pages).toBe(1);
    expect(result.problem).toMatch(
      /^the next link "ftp:\/\/files\.example\/repairs" given by http:\/\/127\.0\.0\.1:\d+\/api\/sideways\?limit=100 resolves to a ftp: URL; only http and https links are followed \(ex-0001\)$/,
    );
  });
});

describe('Link rel="service-desc"', () => {
  it('resolves against the answer that carried it', async () => {
    const config = resolveRunConfig({ target: `${server.url}/api` });
    const reference: Reference = {
      profile: {
        id: 'relative',
        version: '1.0.0',
        datasets: [],
        operations: { required: [], optional: [] },
      },
      document: { openapi: '3.1.0', info: { title: 'relative', version: '1.0.0' }, paths: {} },
      sha256: '0'.repeat(64),
    };
    const ctx = createRunContext(config, reference, client());
    try {
      const description = await ctx.supplierDescription();
      expect(description?.url).toBe(`${server.origin}/api/docs/v3.json`);
    } finally {
      ctx.close();
    }
  });
});

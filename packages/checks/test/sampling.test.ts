import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JsonObject } from '@council-conform/openapi';
import { type Reference, type RunReport, resolveRunConfig, runConformance } from '@council-conform/runner';
import { afterEach, describe, expect, it } from 'vitest';
import { CHECKS } from '../src/index.ts';

const pick = (...ids: string[]) => CHECKS.filter((check) => ids.includes(check.id));

/**
 * A dataset of 2,000 records in twenty pages of 100, served by a plain node:http server, where the records
 * past the 200th can be wrong: the checks that judge values must see them, however the sample falls.
 */
const RECORDS = 2_000;

const reference: Reference = {
  profile: {
    id: 'tiny',
    version: '1.0.0',
    datasets: [
      {
        id: 'things',
        title: 'Things',
        schema: 'Thing',
        classification: 'public',
        idField: 'id',
        list: 'listThings',
        get: 'getThing',
      },
    ],
    operations: { required: ['listThings', 'getThing'], optional: [] },
  },
  document: {
    openapi: '3.1.0',
    info: { title: 'tiny', version: '1.0.0' },
    paths: {
      '/things': { get: { operationId: 'listThings', responses: { '200': { description: 'a page' } } } },
      '/things/{id}': { get: { operationId: 'getThing', responses: { '200': { description: 'a thing' } } } },
    },
    components: {
      schemas: {
        Thing: {
          type: 'object',
          required: ['id', 'name', 'recorded_on'],
          properties: {
            id: { type: 'string' },
            name: { type: 'string', minLength: 1 },
            recorded_on: { type: 'string', format: 'date' },
          },
        },
      },
    },
  },
  sha256: createHash('sha256').update('tiny').digest('hex'),
};

interface Served {
  readonly url: string;
  readonly pagesRead: Set<number>;
  close(): Promise<void>;
}

let served: Served | undefined;
afterEach(async () => {
  await served?.close();
  served = undefined;
});

/** Serves the dataset; `badFrom` makes records from that number on break the schema and the date rule. */
async function serveThings(options: { badFrom?: number; failPage?: number } = {}): Promise<Served> {
  const things: JsonObject[] = Array.from({ length: RECORDS }, (_, i) => {
    const bad = options.badFrom !== undefined && i + 1 >= options.badFrom;
    return {
      id: `thing-${String(i + 1).padStart(4, '0')}`,
      name: bad ? '' : `Thing ${i + 1}`,
      recorded_on: bad ? '14/03/2026' : '2026-03-14',
    };
  });
  const pagesRead = new Set<number>();
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(JSON.stringify(body));
    };
    if (url.pathname === '/openapi.json') return send(200, reference.document);
    if (url.pathname === '/things') {
      const page = Number(url.searchParams.get('cursor') ?? '1');
      pagesRead.add(page);
      if (page === options.failPage)
        return send(500, { type: 'about:blank', title: 'Server Error', status: 500 });
      const items = things.slice((page - 1) * 100, page * 100);
      // A relative next link, as Council API Baseline 1.1 allows.
      const next = page * 100 < RECORDS ? `?cursor=${page + 1}` : null;
      return send(200, { items, next }, next ? { link: `<${next}>; rel="next"` } : {});
    }
    const one = things.find((t) => `/things/${t.id}` === url.pathname);
    return one ? send(200, one) : send(404, { type: 'about:blank', title: 'Not Found', status: 404 });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    pagesRead,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function run(
  checks: Parameters<typeof runConformance>[0]['checks'],
  seed = 'seed-a',
): Promise<RunReport> {
  if (!served) throw new Error('serve first');
  return runConformance({
    config: resolveRunConfig({
      target: served.url,
      credentials: { token: 'anything' },
      requestsPerSecond: 500,
      seed,
    }),
    reference,
    checks,
    personalFields: new Set(),
    runner: { name: 'test', version: '0' },
  });
}

const status = (report: RunReport, id: string) => report.checks.find((c) => c.id === id);

type Coverage = { pagesSampled: number[]; seed: string };
const coverageOf = (report: RunReport, id: string): Coverage | undefined =>
  (status(report, id)?.data?.sample as Coverage[] | undefined)?.[0];

describe('checks judge a sample of the whole dataset, not its first records', () => {
  it('pass a dataset whose 2,000 records are all right', async () => {
    served = await serveThings();
    const report = await run(
      pick('responses-match-reference', 'open-standards-rfc3339-dates', 'open-standards-pagination'),
    );
    for (const id of [
      'responses-match-reference',
      'open-standards-rfc3339-dates',
      'open-standards-pagination',
    ])
      expect(`${id}: ${status(report, id)?.status}`, status(report, id)?.message).toBe(`${id}: pass`);
    expect(status(report, 'open-standards-pagination')?.judged).toEqual({ count: 20, of: 'pages' });
  });

  it('fail a dataset whose records go wrong from the 201st, which a first-200 sample never sees', async () => {
    served = await serveThings({ badFrom: 201 });
    const report = await run(pick('responses-match-reference', 'open-standards-rfc3339-dates'));
    expect(status(report, 'responses-match-reference')?.status).toBe('fail');
    expect(status(report, 'open-standards-rfc3339-dates')?.status).toBe('fail');
    // The sample says where it read: the first and last pages, and pages between them by the seed.
    const coverage = coverageOf(report, 'responses-match-reference');
    expect(coverage?.pagesSampled).toEqual(expect.arrayContaining([1, 20]));
    expect(coverage?.pagesSampled).toHaveLength(6);
    expect(coverage?.seed).toBe('seed-a:things');
    expect(report.sampling.seed).toBe('seed-a');
  });

  it('draws the same pages again with the same seed, and others with another', async () => {
    served = await serveThings();
    const pages = async (seed: string) =>
      coverageOf(await run(pick('responses-match-reference'), seed), 'responses-match-reference')
        ?.pagesSampled;
    const first = await pages('replay-me');
    expect(await pages('replay-me')).toEqual(first);
    // Among a few other seeds, at least one draws other middle pages (a fixed choice would not).
    const others = await Promise.all(['b', 'c', 'd'].map((seed) => pages(seed)));
    expect(others.some((other) => JSON.stringify(other) !== JSON.stringify(first))).toBe(true);
  });

  it('fails a list that cannot reach its end: page 4 of 20 answers 500', async () => {
    served = await serveThings({ failPage: 4 });
    const report = await run(pick('open-standards-pagination'));
    const outcome = status(report, 'open-standards-pagination');
    expect(outcome?.status).toBe('fail');
    expect(outcome?.message).toMatch(/cannot reach its end/);
    expect(outcome?.violations?.[0]?.examples[0]?.message).toMatch(
      /things: the list stopped after 300 records, at page 4: \/things answered 500 .*the records after that cannot be listed/,
    );
  });
});

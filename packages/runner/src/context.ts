import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type JsonObject,
  listOperations,
  parseDocument,
  referenceSchemaValidator,
} from '@council-conform/openapi';
import { HarnessError, type HarnessHttp, type HarnessResponse, isLoopback, requestUrl } from './http.ts';
import { linkTarget, resolveLink } from './links.ts';
import type {
  CrawledDataset,
  RecordsRead,
  Reference,
  ReferenceDataset,
  ResolvedRunConfig,
  RunContext,
  SupplierDescription,
} from './types.ts';

const isObject = (value: unknown): value is JsonObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Records read per dataset before a crawl stops: enough to judge, bounded for huge production systems. */
export const CRAWL_RECORD_CAP = 5_000;
/**
 * Empty pages in a row after which a walk stops. Record caps never stop a listing that links on and on to
 * pages with nothing on them, so without this such a walk would run until the run's budget is spent.
 */
export const EMPTY_PAGE_LIMIT = 20;
const PAGE_SIZE = 100;

export function createRunContext(
  config: ResolvedRunConfig,
  reference: Reference,
  http: HarnessHttp,
  roundTrip?: { readonly target: string; readonly http: HarnessHttp },
): RunContext & { close(): void } {
  const memos = new Map<string, Promise<unknown>>();
  const memo = <T>(key: string, compute: () => Promise<T>): Promise<T> => {
    let pending = memos.get(key) as Promise<T> | undefined;
    if (!pending) {
      pending = compute();
      memos.set(key, pending);
    }
    return pending;
  };
  const operations = new Map(
    listOperations(reference.document)
      .filter((op) => op.operationId)
      .map((op) => [op.operationId as string, { method: op.method.toUpperCase(), path: op.path }]),
  );
  const hasCredentials = Boolean(config.credentials);

  const supplierDescription = () =>
    memo<SupplierDescription | undefined>('supplier-description', () => discoverSupplierDescription(http));

  const crawls = new Map<string, Promise<CrawledDataset>>();
  const crawl = (dataset: ReferenceDataset) => {
    const crawled = memo<CrawledDataset>(`crawl:${dataset.id}`, () =>
      crawlDataset(
        http,
        config.targetUrl,
        operations.get(dataset.list),
        dataset,
        hasCredentials ? 'primary' : 'none',
      ),
    );
    crawls.set(dataset.id, crawled);
    return crawled;
  };

  const readById = new Map<string, Map<string, JsonObject>>();
  const keepRecordRead = (dataset: ReferenceDataset, record: JsonObject) => {
    let kept = readById.get(dataset.id);
    if (!kept) {
      kept = new Map();
      readById.set(dataset.id, kept);
    }
    kept.set(String(record[dataset.idField]), record);
  };
  const recordsRead = async (): Promise<RecordsRead[]> => {
    const read: RecordsRead[] = [];
    for (const dataset of reference.profile.datasets) {
      const pending = crawls.get(dataset.id);
      // A crawl that broke has been reported by the check that asked for it; here it read nothing.
      const crawled = pending ? await pending.catch(() => undefined) : undefined;
      const listed = crawled?.records ?? [];
      const listedIds = new Set(listed.map((record) => String(record[dataset.idField])));
      const byId = [...(readById.get(dataset.id) ?? new Map<string, JsonObject>())]
        .filter(([id]) => !listedIds.has(id))
        .map(([, record]) => record);
      const records = [...listed, ...byId];
      if (records.length > 0) read.push({ dataset, records });
    }
    return read;
  };

  let scratch: string | undefined;
  const scratchDirectory = () => {
    scratch ??= mkdtempSync(join(tmpdir(), 'conform-run-'));
    return scratch;
  };

  return {
    config,
    reference,
    http,
    scratchDirectory,
    close: () => {
      if (scratch) rmSync(scratch, { recursive: true, force: true });
      scratch = undefined;
    },
    // The reference is the project's own: its patterns are trusted (see SchemaValidatorOptions).
    referenceValidator: referenceSchemaValidator(reference.document),
    supplierDescription,
    crawl,
    recordsRead,
    keepRecordRead,
    memo,
    operationPath: (operationId) => operations.get(operationId),
    isLoopbackHttp: config.targetUrl.protocol === 'http:' && isLoopback(config.targetUrl),
    ...(roundTrip
      ? {
          roundTrip: {
            ...roundTrip,
            crawl: (dataset: ReferenceDataset) =>
              memo<CrawledDataset>(`round-trip-crawl:${dataset.id}`, () =>
                crawlDataset(
                  roundTrip.http,
                  new URL(`${roundTrip.target}/`),
                  operations.get(dataset.list),
                  dataset,
                  'primary',
                ),
              ),
          },
        }
      : {}),
  };
}

/** A description's document when the answer is one (OpenAPI or Swagger), else undefined. */
function readDescription(response: HarnessResponse): JsonObject | undefined {
  if (response.status !== 200) return undefined;
  try {
    const parsed = parseDocument(response.text(), response.url).data;
    return typeof parsed.openapi === 'string' || typeof parsed.swagger === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The supplier's own description, where a client would look for it: /openapi.json under the target, else
 * the Link rel="service-desc" (RFC 8631) of the API root or of that failed answer. Undefined when neither
 * gives one.
 */
export async function discoverSupplierDescription(
  http: HarnessHttp,
): Promise<SupplierDescription | undefined> {
  const direct = await http.request({ url: '/openapi.json', note: 'discover the OpenAPI description' });
  const document = readDescription(direct);
  if (document) return { url: direct.url, document, exchangeId: direct.exchange.id };
  // RFC 8631: follow Link rel="service-desc" from the API root or from the failed answer itself.
  const root = await http.request({ url: '/', note: 'look for Link rel="service-desc"' });
  // Each link resolves against the answer that carried it.
  const carrier = [root, direct].find((answer) => linkTarget(answer.header('link'), 'service-desc'));
  const linked = carrier && linkTarget(carrier.header('link'), 'service-desc');
  if (!carrier || !linked) return undefined;
  let described: URL;
  try {
    described = resolveLink(linked, carrier.url, 'the Link rel="service-desc"');
  } catch (error) {
    if (error instanceof HarnessError) return undefined;
    throw error;
  }
  const viaLink = await http.request({ url: described.href, note: 'follow Link rel="service-desc"' });
  const linkedDocument = readDescription(viaLink);
  return linkedDocument
    ? { url: viaLink.url, document: linkedDocument, exchangeId: viaLink.exchange.id }
    : undefined;
}

/** What a walk over a dataset's pages found out, besides the items it handed on. */
export interface DatasetWalk {
  readonly exchangeIds: readonly string[];
  readonly pages: number;
  /** Set when the walk stopped before the last page, with why. */
  readonly problem?: string;
}

/**
 * Reads a dataset's list operation page by page in the style its profile declares, handing each page's
 * records to `visit`, and stops at the last page, a loop, an error, or when `visit` returns a reason to stop.
 * Keeps only the URLs it has visited, so what it remembers is one string per page, not per record.
 */
export async function walkDataset(
  http: HarnessHttp,
  base: URL,
  operation: { method: string; path: string } | undefined,
  dataset: ReferenceDataset,
  auth: 'primary' | 'secondary' | 'none',
  visit: (items: readonly JsonObject[]) => string | undefined,
): Promise<DatasetWalk> {
  const exchangeIds: string[] = [];
  if (!operation) return { exchangeIds, pages: 0, problem: `the reference has no operation ${dataset.list}` };
  if (operation.path.includes('{')) {
    return {
      exchangeIds,
      pages: 0,
      problem: `${operation.path} lists records under a parent; it is read through its parent`,
    };
  }
  const style = dataset.listStyle ?? 'cursor';
  // The profile's query that reaches every record goes first: a standard's default window (Open311's last
  // 90 days) would otherwise hide records the export rightly holds.
  const query = new URLSearchParams(dataset.allRecordsQuery ?? {});
  if (style === 'oruk-page') {
    query.set('page', '1');
    query.set('per_page', String(PAGE_SIZE));
  } else if (style === 'cursor') query.set('limit', String(PAGE_SIZE));
  const first = query.size > 0 ? `${operation.path}?${query}` : operation.path;
  const visited = new Set<string>();
  // The first page is a path under the target; every later one the absolute URL its link resolved to,
  // quoted in messages as the server gave it.
  let next: string | undefined = first;
  let given = first;
  let pages = 0;
  let emptyInARow = 0;
  while (next) {
    if (emptyInARow >= EMPTY_PAGE_LIMIT) {
      return {
        exchangeIds,
        pages,
        problem: `pagination does not end: ${EMPTY_PAGE_LIMIT} pages in a row held no records yet each linked to another`,
      };
    }
    const key = requestUrl(base, next).href;
    if (visited.has(key))
      return { exchangeIds, pages, problem: `pagination loops: page ${pages + 1} links back to ${given}` };
    visited.add(key);
    let response: HarnessResponse;
    try {
      response = await http.request({ url: next, auth, note: `read ${dataset.id} page ${pages + 1}` });
    } catch (error) {
      if (error instanceof HarnessError) {
        if (error.exchangeId) exchangeIds.push(error.exchangeId);
        return { exchangeIds, pages, problem: error.message };
      }
      throw error;
    }
    exchangeIds.push(response.exchange.id);
    pages += 1;
    if (response.status !== 200) {
      return {
        exchangeIds,
        pages,
        problem: `${operation.path} answered ${response.status} (${response.exchange.id})`,
      };
    }
    let body: unknown;
    try {
      body = response.json();
    } catch (error) {
      return { exchangeIds, pages, problem: (error as Error).message };
    }
    const items = Array.isArray(body)
      ? body
      : isObject(body)
        ? ((style === 'oruk-page' ? body.contents : body.items) ?? body.items ?? body.contents)
        : undefined;
    if (!Array.isArray(items)) {
      return {
        exchangeIds,
        pages,
        problem: `${operation.path} answered without a list of records (${response.exchange.id})`,
      };
    }
    emptyInARow = items.length === 0 ? emptyInARow + 1 : 0;
    const stop = visit(items.filter(isObject));
    if (stop) return { exchangeIds, pages, problem: stop };
    const bodyNext = isObject(body) && typeof body.next === 'string' ? body.next : undefined;
    const link = style === 'array' ? undefined : (linkTarget(response.header('link'), 'next') ?? bodyNext);
    if (!link) break;
    try {
      // Against the page that gave it, not the API's base URL: `?cursor=2` is this page's path (§7).
      next = resolveLink(link, response.url, 'the next link').href;
      given = link;
    } catch (error) {
      if (error instanceof HarnessError)
        return { exchangeIds, pages, problem: `${error.message} (${response.exchange.id})` };
      throw error;
    }
  }
  return { exchangeIds, pages };
}

/**
 * Every record of a dataset, read through its list operation to the end in the style its profile declares,
 * stopping (with the reason) at a loop, a repeated record, an error or the crawl cap.
 */
export async function crawlDataset(
  http: HarnessHttp,
  base: URL,
  operation: { method: string; path: string } | undefined,
  dataset: ReferenceDataset,
  auth: 'primary' | 'none',
): Promise<CrawledDataset> {
  const records: JsonObject[] = [];
  const pageStarts: number[] = [];
  const seenIds = new Set<string>();
  const walk = await walkDataset(http, base, operation, dataset, auth, (items) => {
    pageStarts.push(records.length);
    for (const item of items) {
      const id = String(item[dataset.idField]);
      if (seenIds.has(id)) return `record ${id} came back twice while paging: the pages overlap or loop`;
      seenIds.add(id);
      records.push(item);
    }
    return records.length >= CRAWL_RECORD_CAP
      ? `stopped after ${CRAWL_RECORD_CAP} records (the crawl cap)`
      : undefined;
  });
  return { dataset, records, pageStarts, ...walk };
}

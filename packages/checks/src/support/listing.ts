import type { JsonObject } from '@council-conform/openapi';
import {
  type CheckOutcome,
  CRAWL_RECORD_CAP,
  type ReferenceDataset,
  type RunContext,
  walkDataset,
} from '@council-conform/runner';
import { createRng, type Rng } from '@council-conform/synthetic-data';
import { harnessError, notJudged, TO_JUDGE } from './outcomes.ts';
import { topLevelDatasets } from './probes.ts';
import { type FieldFacts, schemaFields } from './schema-fields.ts';
import { SortedIdSpill } from './sorted-ids.ts';

/**
 * Ids read before an enumeration gives up: far beyond any council dataset, so that only a listing that
 * never ends (fresh ids on every page, for ever) reaches it before the run's time budget does.
 */
export const ENUMERATION_RECORD_CAP = 5_000_000;
/** Pages drawn at random (seeded) besides a dataset's first and last page. */
export const RANDOM_PAGES = 4;
/** Records taken from one sampled page at most, spread over the page (its first and last among them). */
export const RECORDS_PER_PAGE = 100;

/** One page of a dataset's listing that the sample drew, with the records taken from it. */
export interface SampledPage {
  /** From 1, in listing order. */
  readonly page: number;
  readonly exchangeId?: string;
  readonly records: readonly JsonObject[];
}

export interface DatasetListing {
  readonly dataset: ReferenceDataset;
  /** Every id the API listed, in bounded memory. */
  readonly ids: SortedIdSpill;
  /** Records the listing gave, to its end or to where it stopped. */
  readonly recordsListed: number;
  readonly pages: number;
  /** Set when the listing stopped before its last page, with why: only part of the API was listed. */
  readonly problem?: string;
  readonly exchangeIds: readonly string[];
  /** The first page, the last page reached and up to RANDOM_PAGES seeded random pages between them. */
  readonly sample: readonly SampledPage[];
  /** What drew the sample, for the report: `<run seed>:<dataset>`. */
  readonly seed: string;
}

/** Up to `count` indices spread evenly over `0 … length - 1`, the first and the last among them. */
function spread(length: number, count: number): number[] {
  if (length <= count) return Array.from({ length }, (_, i) => i);
  const picked = new Set<number>([length - 1]);
  for (let j = 0; picked.size < count && j < count; j++)
    picked.add(Math.floor((j * (length - 1)) / (count - 1)));
  return [...picked].sort((a, b) => a - b);
}

const takeFrom = (records: readonly JsonObject[]) =>
  spread(records.length, RECORDS_PER_PAGE).map((i) => records[i] as JsonObject);

/**
 * A seeded draw of pages from a listing whose length is known only at its end (reservoir sampling): the
 * first page is always kept, the last seen is kept as the last, and RANDOM_PAGES of those between are drawn.
 */
class PageReservoir {
  private first: SampledPage | undefined;
  private last: SampledPage | undefined;
  private readonly drawn: SampledPage[] = [];
  private between = 0;

  constructor(private readonly rng: Rng) {}

  offer(page: SampledPage): void {
    if (!this.first) {
      this.first = page;
      return;
    }
    // The page that was last until now is one of those between the first and the (new) last.
    if (this.last) this.draw(this.last);
    this.last = page;
  }

  private draw(page: SampledPage): void {
    this.between += 1;
    if (this.drawn.length < RANDOM_PAGES) this.drawn.push(page);
    else {
      const slot = this.rng.int(0, this.between - 1);
      if (slot < RANDOM_PAGES) this.drawn[slot] = page;
    }
  }

  pages(): SampledPage[] {
    return [this.first, ...this.drawn, this.last]
      .filter((p): p is SampledPage => p !== undefined)
      .sort((a, b) => a.page - b.page);
  }
}

/**
 * A dataset's whole listing, read once per run: every id it gives to its last page (however many there
 * are) and a seeded sample of its pages for the checks that judge values. The checks' shared crawl holds up
 * to CRAWL_RECORD_CAP whole records; a dataset the crawl read to its end is not read again, and one past the
 * cap is walked once more keeping only ids and the sampled pages.
 */
export function listDataset(ctx: RunContext, dataset: ReferenceDataset): Promise<DatasetListing> {
  return ctx.memo(`listing:${dataset.id}`, async () => {
    const seed = `${ctx.config.seed}:${dataset.id}`;
    const rng = createRng(seed);
    const ids = new SortedIdSpill(ctx.scratchDirectory, `api-${dataset.id}`);
    const crawl = await ctx.crawl(dataset);
    const capped = crawl.records.length >= CRAWL_RECORD_CAP;
    if (!capped) {
      for (const record of crawl.records) ids.add(String(record[dataset.idField]));
      const pageCount = crawl.pageStarts.length;
      const pageRecords = (page: number) =>
        crawl.records.slice(crawl.pageStarts[page] ?? 0, crawl.pageStarts[page + 1] ?? crawl.records.length);
      const middle = Array.from({ length: Math.max(0, pageCount - 2) }, (_, i) => i + 1);
      const chosen = new Set([
        0,
        pageCount - 1,
        ...rng.sample(middle, Math.min(RANDOM_PAGES, middle.length)),
      ]);
      const sample = [...chosen]
        .filter((page) => page >= 0 && page < pageCount)
        .sort((a, b) => a - b)
        .map((page) => {
          const exchangeId = crawl.exchangeIds[page];
          return {
            page: page + 1,
            records: takeFrom(pageRecords(page)),
            ...(exchangeId ? { exchangeId } : {}),
          };
        });
      return {
        dataset,
        ids,
        recordsListed: crawl.records.length,
        pages: crawl.pages,
        ...(crawl.problem ? { problem: crawl.problem } : {}),
        exchangeIds: crawl.exchangeIds,
        sample,
        seed,
      };
    }
    const reservoir = new PageReservoir(rng);
    let page = 0;
    let listed = 0;
    const walk = await walkDataset(
      ctx.http,
      ctx.config.targetUrl,
      ctx.operationPath(dataset.list),
      dataset,
      ctx.config.credentials ? 'primary' : 'none',
      (items) => {
        page += 1;
        listed += items.length;
        for (const item of items) ids.add(String(item[dataset.idField]));
        reservoir.offer({ page, records: takeFrom(items) });
        return ids.size >= ENUMERATION_RECORD_CAP
          ? `stopped after ${ENUMERATION_RECORD_CAP} ids: the listing does not end`
          : undefined;
      },
    );
    // Each page read is one exchange, in order; a failed read ends the walk, so page n is exchange n.
    const sample = reservoir.pages().map((p) => {
      const exchangeId = walk.exchangeIds[p.page - 1];
      return { ...p, ...(exchangeId ? { exchangeId } : {}) };
    });
    return { dataset, ids, recordsListed: listed, ...walk, sample, seed };
  });
}

/** A sampled record with what the reference declares of its fields, for the checks that judge values. */
export interface SampledRecord {
  readonly dataset: ReferenceDataset;
  readonly record: JsonObject;
  /** `dataset/id`, for a violation's location. */
  readonly label: string;
  readonly page: number;
  /** The reference's facts about each property name of the dataset's schema. */
  readonly fields: ReadonlyMap<string, FieldFacts>;
  readonly exchangeId?: string;
}

/** What a sample covered, per dataset, for a check's report data. */
export interface SampleCoverage {
  readonly dataset: string;
  readonly recordsListed: number;
  readonly pagesListed: number;
  readonly pagesSampled: readonly number[];
  readonly recordsSampled: number;
  readonly seed: string;
  readonly listingStopped?: string;
}

/**
 * The sampled records of every top-level dataset (first, last and seeded random pages of each), with the
 * exchanges of the sampled pages and what the sample covered.
 */
export async function sampleRecords(ctx: RunContext): Promise<{
  records: SampledRecord[];
  exchangeIds: string[];
  coverage: SampleCoverage[];
}> {
  const records: SampledRecord[] = [];
  const exchangeIds: string[] = [];
  const coverage: SampleCoverage[] = [];
  for (const dataset of topLevelDatasets(ctx)) {
    const listing = await listDataset(ctx, dataset);
    const fields = schemaFields(ctx.reference.document, dataset.schema);
    let taken = 0;
    for (const page of listing.sample) {
      if (page.exchangeId) exchangeIds.push(page.exchangeId);
      for (const record of page.records) {
        taken += 1;
        records.push({
          dataset,
          record,
          label: `${dataset.id}/${String(record[dataset.idField])}`,
          page: page.page,
          fields,
          ...(page.exchangeId ? { exchangeId: page.exchangeId } : {}),
        });
      }
    }
    coverage.push({
      dataset: dataset.id,
      recordsListed: listing.recordsListed,
      pagesListed: listing.pages,
      pagesSampled: listing.sample.map((p) => p.page),
      recordsSampled: taken,
      seed: listing.seed,
      ...(listing.problem ? { listingStopped: listing.problem } : {}),
    });
  }
  return { records, exchangeIds, coverage };
}

/**
 * Why a check that judges records has none: the lists stopped (an error, said by the pagination check), or
 * they answered and were empty, which a run against an empty sandbox cannot judge. Undefined when records
 * were read.
 */
export function noRecordsOutcome(
  records: number,
  coverage: readonly SampleCoverage[],
  exchangeIds: readonly string[],
): CheckOutcome | undefined {
  if (records > 0) return undefined;
  const stopped = coverage.filter((c) => c.listingStopped);
  if (stopped.length > 0)
    return harnessError(
      `no records could be read: ${stopped.map((c) => `${c.dataset}: ${c.listingStopped}`).join('; ')}`,
      { exchangeIds },
    );
  return notJudged('every list answered with no records, so there are no values to judge', TO_JUDGE.data, {
    exchangeIds,
  });
}

/** The words docs/checks.md and the checks use for the sample, kept in one place. */
export const SAMPLE_WORDS = `the first and last pages of every dataset’s list and ${RANDOM_PAGES} pages between them drawn at random with the run’s seed (the report’s sampling.seed; --seed replays it), up to ${RECORDS_PER_PAGE} records spread over each page`;

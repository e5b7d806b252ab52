import {
  CRAWL_RECORD_CAP,
  type ReferenceDataset,
  type RunContext,
  walkDataset,
} from '@council-conform/runner';
import { SortedIdSpill } from './sorted-ids.ts';

/**
 * Ids read before an enumeration gives up: far beyond any council dataset, so that only a listing that
 * never ends (fresh ids on every page, for ever) reaches it before the run's time budget does.
 */
export const ENUMERATION_RECORD_CAP = 5_000_000;

export interface IdEnumeration {
  /** Every id the API listed, in bounded memory. */
  readonly ids: SortedIdSpill;
  /** Set when the listing stopped before its last page, with why: only part of the API was enumerated. */
  readonly problem?: string;
  readonly pages: number;
  readonly exchangeIds: readonly string[];
}

/**
 * Every record id a dataset's list operation gives, to its last page, however many there are. The checks'
 * shared crawl stops at CRAWL_RECORD_CAP records and keeps whole records; completeness needs every id and
 * nothing else. A dataset the crawl already read to the end is not read again.
 */
export function enumerateIds(ctx: RunContext, dataset: ReferenceDataset): Promise<IdEnumeration> {
  return ctx.memo(`enumerate:${dataset.id}`, async () => {
    const ids = new SortedIdSpill(ctx.scratchDirectory, `api-${dataset.id}`);
    const crawl = await ctx.crawl(dataset);
    const capped = crawl.records.length >= CRAWL_RECORD_CAP;
    if (!capped) {
      for (const record of crawl.records) ids.add(String(record[dataset.idField]));
      return {
        ids,
        ...(crawl.problem ? { problem: crawl.problem } : {}),
        pages: crawl.pages,
        exchangeIds: crawl.exchangeIds,
      };
    }
    const walk = await walkDataset(
      ctx.http,
      ctx.config.targetUrl,
      ctx.operationPath(dataset.list),
      dataset,
      ctx.config.credentials ? 'primary' : 'none',
      (items) => {
        for (const item of items) ids.add(String(item[dataset.idField]));
        return ids.size >= ENUMERATION_RECORD_CAP
          ? `stopped after ${ENUMERATION_RECORD_CAP} ids: the listing does not end`
          : undefined;
      },
    );
    return { ids, ...walk };
  });
}

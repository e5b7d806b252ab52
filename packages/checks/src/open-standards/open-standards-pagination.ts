import { type Check, type RunContext, ViolationCollector } from '@council-conform/runner';
import { isObject } from '../support/json.ts';
import { type DatasetListing, listDataset } from '../support/listing.ts';
import { harnessError, judge, judged, notApplicable } from '../support/outcomes.ts';
import { parsedBody, samplePage } from '../support/pages.ts';
import { topLevelDatasets } from '../support/probes.ts';

/** The walk's words for a list that comes back on itself. */
const LOOPS = /loops|came back twice|overlap/i;

/**
 * Whether a listing that stopped early stopped because of the supplier (an error answer, a body with no
 * records, pages that never end) or because of the run (its budget, the network): the last page asked for
 * tells. A request that got no answer at all is the run's to explain, never the supplier's fault.
 */
function stoppedBySupplier(ctx: RunContext, listing: DatasetListing): boolean {
  if (/time budget/i.test(listing.problem ?? '')) return false;
  const lastId = listing.exchangeIds[listing.exchangeIds.length - 1];
  const last = lastId ? ctx.http.exchanges.find((e) => e.id === lastId) : undefined;
  return last?.response !== undefined;
}

/** The total an Open Referral UK page declares for its whole list, when it declares one. */
function declaredTotal(body: unknown): number | undefined {
  return isObject(body) && typeof body.total_items === 'number' && Number.isInteger(body.total_items)
    ? body.total_items
    : undefined;
}

export const openStandardsPagination: Check = {
  id: 'open-standards-pagination',
  clause: 'open-standards',
  severity: 'must',
  title: 'Paged lists reach their end without loops',
  description:
    'Follows every paged dataset list from its first page by its next links to the last page, however many there are, and expects to get there: no page visited twice, no record twice, no page that answers an error or no records where the next page should be, and no fewer records than the list itself declares (an Open Referral UK page’s total_items). A list that stops half way hides the rest of the council’s data however honest its pages look.',
  sampling: 'Every page of every paged list, to its end.',
  async run(ctx) {
    const datasets = topLevelDatasets(ctx).filter((d) => (d.listStyle ?? 'cursor') !== 'array');
    if (datasets.length === 0)
      return notApplicable(`${ctx.reference.profile.id} has no paged lists read from the top`);
    const violations = new ViolationCollector();
    const exchangeIds: string[] = [];
    const unjudged: string[] = [];
    let lists = 0;
    let pages = 0;
    for (const dataset of datasets) {
      const listing = await listDataset(ctx, dataset);
      const lastId = listing.exchangeIds[listing.exchangeIds.length - 1];
      const at = { location: dataset.list, ...(lastId ? { exchangeId: lastId } : {}) };
      if (lastId) exchangeIds.push(lastId);
      if (listing.problem && LOOPS.test(listing.problem)) {
        lists += 1;
        violations.add('the list loops', { message: `${dataset.id}: ${listing.problem}`, ...at });
        continue;
      }
      if (listing.problem && !stoppedBySupplier(ctx, listing)) {
        unjudged.push(`${dataset.id}: ${listing.problem}`);
        continue;
      }
      lists += 1;
      pages += listing.pages;
      if (listing.problem) {
        violations.add('the list cannot reach its end', {
          message: `${dataset.id}: the list stopped after ${listing.recordsListed} records, at page ${listing.pages}: ${listing.problem}; the records after that cannot be listed`,
          ...at,
        });
        continue;
      }
      const first = await samplePage(ctx, dataset);
      const total = first?.status === 200 ? declaredTotal(parsedBody(first)) : undefined;
      if (total !== undefined && total > listing.recordsListed)
        violations.add('the list reaches fewer records than it declares', {
          message: `${dataset.id}: the list declares ${total} records (total_items) but its pages reach ${listing.recordsListed}`,
          location: dataset.list,
          ...(first ? { exchangeId: first.exchange.id } : {}),
        });
    }
    // A list the run could not follow is not a list that passed.
    if (unjudged.length > 0 && violations.isEmpty)
      return harnessError(`not every list could be followed to judge it: ${unjudged.join('; ')}`, {
        exchangeIds,
      });
    return judge(
      violations,
      {
        pass: `${lists} paged lists reach their end (${pages} pages, no page or record twice)`,
        fail: 'paged lists do not reach their end; every next link must lead to a page of records, and the last page must have no next link',
      },
      { exchangeIds, judged: judged(pages, 'pages'), data: { lists, pages } },
    );
  },
};

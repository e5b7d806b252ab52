import { type Check, linkTarget, ViolationCollector } from '@council-conform/runner';
import { isObject } from '../support/json.ts';
import { harnessError, judge, judged } from '../support/outcomes.ts';
import { parsedBody, SAMPLE_PAGE_SIZE, samplePage } from '../support/pages.ts';
import { topLevelDatasets } from '../support/probes.ts';

/** Members of an Open Referral UK page (ORUK 3.0 `Page`). */
const ORUK_PAGE = ['total_items', 'total_pages', 'page_number', 'size', 'first_page', 'last_page', 'empty'];

function describeShape(body: unknown): string {
  if (Array.isArray(body)) return 'a bare array';
  if (!isObject(body)) return body === undefined ? 'no JSON' : 'a JSON scalar';
  return `an object with ${Object.keys(body).slice(0, 8).join(', ') || 'no members'}`;
}

export const seamlessPaginationShape: Check = {
  id: 'seamless-pagination-shape',
  clause: 'seamless',
  severity: 'must',
  title: 'Every list pages the way its profile says',
  description:
    'Reads a two-record page of every dataset list and expects the page shape the profile declares for it: a cursor page `{items, next}` with a Link rel="next" header while more records follow, an Open Referral UK page envelope, or a bare array. One client paging code then serves every list.',
  sampling: 'A two-record first page of every dataset’s list.',
  async run(ctx) {
    const violations = new ViolationCollector();
    const exchangeIds: string[] = [];
    let lists = 0;
    for (const dataset of topLevelDatasets(ctx)) {
      const response = await samplePage(ctx, dataset);
      if (response?.status !== 200) continue;
      lists += 1;
      exchangeIds.push(response.exchange.id);
      const style = dataset.listStyle ?? 'cursor';
      const body = parsedBody(response);
      const where = { location: response.url, exchangeId: response.exchange.id };
      const wrong = (expected: string) =>
        violations.add(`${dataset.id} is not ${expected}`, {
          message: `${dataset.id}: expected ${expected}, got ${describeShape(body)}`,
          ...where,
        });
      if (style === 'array') {
        if (!Array.isArray(body)) wrong('a bare array');
        continue;
      }
      if (style === 'oruk-page') {
        if (!isObject(body) || !Array.isArray(body.contents) || ORUK_PAGE.some((m) => !(m in body)))
          wrong('an Open Referral UK page (contents, total_items, page_number, …)');
        continue;
      }
      if (!isObject(body) || !Array.isArray(body.items) || !('next' in body)) {
        wrong('a cursor page {items, next}');
        continue;
      }
      const next = body.next;
      if (next !== null && typeof next !== 'string') wrong('a cursor page whose next is a URL or null');
      // Whether more records follow is known from the crawl: then the page must say where they are.
      const more = (await ctx.crawl(dataset)).records.length > SAMPLE_PAGE_SIZE;
      if (more && typeof next !== 'string') {
        violations.add(`${dataset.id} gives no next link while records follow`, {
          message: `${dataset.id}: a ${SAMPLE_PAGE_SIZE}-record page has next ${JSON.stringify(next)} though more records follow`,
          ...where,
        });
      } else if (typeof next === 'string' && !linkTarget(response.header('link'), 'next')) {
        violations.add(`${dataset.id} sends no Link rel="next"`, {
          message: `${dataset.id}: the page has a next cursor but no Link rel="next" header`,
          ...where,
        });
      }
    }
    if (lists === 0) return harnessError('no list answered 200 to compare its page shape', { exchangeIds });
    return judge(
      violations,
      {
        pass: `${lists} lists page in the shape their profile declares`,
        fail: 'lists do not page the way the profile declares; use one page shape for every list',
      },
      { exchangeIds, judged: judged(lists, 'list pages') },
    );
  },
};

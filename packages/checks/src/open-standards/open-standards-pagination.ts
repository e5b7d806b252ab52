import { type Check, ViolationCollector } from '@council-conform/runner';
import { harnessError, judge, notApplicable } from '../support/outcomes.ts';
import { topLevelDatasets } from '../support/probes.ts';

/** The crawl's words for a list that does not end cleanly. */
const LOOPS = /loops|came back twice|overlap/i;

export const openStandardsPagination: Check = {
  id: 'open-standards-pagination',
  clause: 'open-standards',
  severity: 'must',
  title: 'Paged lists reach their end without loops',
  description:
    'Follows every paged dataset list from its first page by its next links to the end and expects no page to be visited twice and no record to come back twice, so a council can read its whole dataset and know it has.',
  async run(ctx) {
    const datasets = topLevelDatasets(ctx).filter((d) => (d.listStyle ?? 'cursor') !== 'array');
    if (datasets.length === 0)
      return notApplicable(`${ctx.reference.profile.id} has no paged lists read from the top`);
    const violations = new ViolationCollector();
    const exchangeIds: string[] = [];
    const notes: string[] = [];
    let judged = 0;
    let pages = 0;
    for (const dataset of datasets) {
      const crawl = await ctx.crawl(dataset);
      const last = crawl.exchangeIds[crawl.exchangeIds.length - 1];
      if (last) exchangeIds.push(last);
      if (crawl.problem && LOOPS.test(crawl.problem)) {
        judged += 1;
        violations.add('the list loops', {
          message: `${dataset.id}: ${crawl.problem}`,
          location: dataset.list,
          ...(last ? { exchangeId: last } : {}),
        });
        continue;
      }
      // A crawl stopped for another reason (an error answer, the cap) says nothing about loops.
      if (crawl.problem) {
        notes.push(`${dataset.id}: ${crawl.problem}`);
        if (crawl.pages <= 1) continue;
      }
      judged += 1;
      pages += crawl.pages;
    }
    if (judged === 0)
      return harnessError(`no list could be followed to its end: ${notes.join('; ')}`, { exchangeIds });
    return judge(
      violations,
      {
        pass: `${judged} paged lists reach their end (${pages} pages, no page or record twice)${notes.length ? `; not judged: ${notes.join('; ')}` : ''}`,
        fail: 'paged lists loop; the last page must have no next link and pages must not overlap',
      },
      { exchangeIds, data: { lists: judged, pages } },
    );
  },
};

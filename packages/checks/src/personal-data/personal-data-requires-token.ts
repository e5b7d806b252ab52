import { type Auth, type Check, type RunContext, ViolationCollector } from '@council-conform/runner';
import { judge, notApplicable } from '../support/outcomes.ts';
import { isPublic, topLevelDatasets } from '../support/probes.ts';

/** Reads every personal dataset's list and first record with the given (absent or bad) credentials. */
export async function probePersonalReads(ctx: RunContext, auth: Auth, label: string) {
  const violations = new ViolationCollector();
  const exchangeIds: string[] = [];
  const datasets = topLevelDatasets(ctx).filter((d) => !isPublic(d));
  for (const dataset of datasets) {
    const list = ctx.operationPath(dataset.list);
    const crawl = await ctx.crawl(dataset);
    const first = crawl.records[0];
    const get = ctx.operationPath(dataset.get);
    const urls = [
      list?.path,
      first && get
        ? get.path.replace(/\{[^}]+\}/, encodeURIComponent(String(first[dataset.idField])))
        : undefined,
    ];
    for (const url of urls) {
      if (!url) continue;
      const response = await ctx.http.request({ url, auth, note: `read ${dataset.id} ${label}` });
      exchangeIds.push(response.exchange.id);
      if (response.status !== 401 && response.status !== 403) {
        violations.add(`answered ${response.status} ${label}`, {
          message: `${dataset.id}: ${response.status} ${label} (expected 401 or 403)`,
          location: url,
          exchangeId: response.exchange.id,
        });
      }
    }
  }
  return { violations, exchangeIds, datasets };
}

export const personalDataRequiresToken: Check = {
  id: 'personal-data-requires-token',
  clause: 'personal-data',
  severity: 'must',
  title: 'Personal data is refused without a token',
  description:
    'Reads every personal and special-category dataset, list and record, with no credentials; the API must answer 401 or 403. Anything else hands residents’ data to anyone who asks.',
  async run(ctx) {
    const { violations, exchangeIds, datasets } = await probePersonalReads(ctx, 'none', 'without a token');
    if (datasets.length === 0) return notApplicable(`${ctx.reference.profile.id} has no personal datasets`);
    return judge(
      violations,
      {
        pass: `${datasets.length} personal datasets refuse anonymous reads`,
        fail: 'personal data is readable without a token',
      },
      { exchangeIds },
    );
  },
};

import { type Auth, type Check, type RunContext, ViolationCollector } from '@council-conform/runner';
import { listDataset } from '../support/listing.ts';
import { judge, judged, notApplicable } from '../support/outcomes.ts';
import { isPublic, topLevelDatasets } from '../support/probes.ts';

/**
 * Reads every personal dataset's list, its first record and its last sampled record by id with the given
 * (absent or bad) credentials: a record further down may sit behind a different code path (a migration, an
 * archive) than the first.
 */
export async function probePersonalReads(ctx: RunContext, auth: Auth, label: string) {
  const violations = new ViolationCollector();
  const exchangeIds: string[] = [];
  const datasets = topLevelDatasets(ctx).filter((d) => !isPublic(d));
  for (const dataset of datasets) {
    const list = ctx.operationPath(dataset.list);
    const get = ctx.operationPath(dataset.get);
    const sampled = (await listDataset(ctx, dataset)).sample.flatMap((page) => page.records);
    const ids = [
      ...new Set([sampled[0], sampled[sampled.length - 1]].map((r) => r && String(r[dataset.idField]))),
    ];
    const urls = [
      list?.path,
      ...ids.map((id) => (id && get ? get.path.replace(/\{[^}]+\}/, encodeURIComponent(id)) : undefined)),
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
    'Reads every personal and special-category dataset, list and records, with no credentials; the API must answer 401 or 403. Anything else hands residents’ data to anyone who asks.',
  sampling:
    'Per personal dataset: its list, its first record and the last record of its last sampled page, each read by id.',
  async run(ctx) {
    const { violations, exchangeIds, datasets } = await probePersonalReads(ctx, 'none', 'without a token');
    if (datasets.length === 0) return notApplicable(`${ctx.reference.profile.id} has no personal datasets`);
    return judge(
      violations,
      {
        pass: `${datasets.length} personal datasets refuse anonymous reads`,
        fail: 'personal data is readable without a token',
      },
      { exchangeIds, judged: judged(exchangeIds.length, 'anonymous reads') },
    );
  },
};

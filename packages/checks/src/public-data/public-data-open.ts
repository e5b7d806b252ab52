import { type Check, ViolationCollector } from '@council-conform/runner';
import { judge, judged, notApplicable } from '../support/outcomes.ts';
import { anonymousList, isPublic, topLevelDatasets } from '../support/probes.ts';

export const publicDataOpen: Check = {
  id: 'public-data-open',
  clause: 'public-data',
  severity: 'must',
  title: 'Public data answers without credentials',
  description:
    'Reads every public dataset with no credentials at all. Data a council publishes anyway must not sit behind a token, a key or a partner agreement.',
  sampling: 'The first page of every public dataset’s list, read without credentials.',
  async run(ctx) {
    const datasets = topLevelDatasets(ctx).filter(isPublic);
    if (datasets.length === 0) return notApplicable(`${ctx.reference.profile.id} has no public datasets`);
    const violations = new ViolationCollector();
    const exchangeIds: string[] = [];
    for (const dataset of datasets) {
      const response = await anonymousList(ctx, dataset);
      if (!response) continue;
      exchangeIds.push(response.exchange.id);
      if (response.status !== 200) {
        violations.add(`answered ${response.status} without credentials`, {
          message: `${dataset.id}: ${response.status} for an anonymous read`,
          location: response.url,
          exchangeId: response.exchange.id,
        });
      }
    }
    return judge(
      violations,
      {
        pass: `${datasets.length} public datasets answer anonymous reads`,
        fail: 'public data needs credentials',
      },
      { exchangeIds, judged: judged(exchangeIds.length, 'public datasets') },
    );
  },
};

import { type Check, ViolationCollector } from '@council-conform/runner';
import { judge, judged, notApplicable } from '../support/outcomes.ts';
import { anonymousList, isPublic, topLevelDatasets } from '../support/probes.ts';

export const publicDataCors: Check = {
  id: 'public-data-cors',
  clause: 'public-data',
  severity: 'must',
  title: 'Public data can be used from any web page (CORS)',
  description:
    'Public responses must send Access-Control-Allow-Origin: * so that councils, residents and civic developers can use the data from a browser.',
  sampling: 'The first page of every public dataset’s list, read without credentials.',
  async run(ctx) {
    const datasets = topLevelDatasets(ctx).filter(isPublic);
    if (datasets.length === 0) return notApplicable(`${ctx.reference.profile.id} has no public datasets`);
    const violations = new ViolationCollector();
    const exchangeIds: string[] = [];
    for (const dataset of datasets) {
      const response = await anonymousList(ctx, dataset);
      if (response?.status !== 200) continue;
      exchangeIds.push(response.exchange.id);
      if (response.header('access-control-allow-origin') !== '*') {
        violations.add('no Access-Control-Allow-Origin: *', {
          message: `${dataset.id}: Access-Control-Allow-Origin is ${response.header('access-control-allow-origin') ?? 'absent'}`,
          location: response.url,
          exchangeId: response.exchange.id,
        });
      }
    }
    if (exchangeIds.length === 0)
      return notApplicable('no public dataset answered anonymously (see public-data-open)');
    return judge(
      violations,
      { pass: 'public responses allow any origin', fail: 'public responses block browsers' },
      { exchangeIds, judged: judged(exchangeIds.length, 'public responses') },
    );
  },
};

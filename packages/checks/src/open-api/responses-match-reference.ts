import { type Check, ViolationCollector } from '@council-conform/runner';
import { harnessError, judge } from '../support/outcomes.ts';
import { topLevelDatasets } from '../support/probes.ts';

/** Records validated per dataset: enough to find systematic shape errors, bounded for large systems. */
const SAMPLE = 100;

export const responsesMatchReference: Check = {
  id: 'responses-match-reference',
  clause: 'open-api',
  severity: 'must',
  title: 'Live records match the reference schemas',
  description:
    'Reads every dataset through its list operation and validates records against the profile’s reference schemas (the first 100 per dataset). A record that does not match the standard cannot be used by another system without bespoke work.',
  async run(ctx) {
    const violations = new ViolationCollector();
    const exchangeIds: string[] = [];
    let checked = 0;
    for (const dataset of topLevelDatasets(ctx)) {
      const crawl = await ctx.crawl(dataset);
      exchangeIds.push(...crawl.exchangeIds.slice(0, 1));
      for (const record of crawl.records.slice(0, SAMPLE)) {
        checked += 1;
        for (const error of ctx.referenceValidator.validate(
          `/components/schemas/${dataset.schema}`,
          record,
        )) {
          violations.add(`${dataset.id}: ${error.message.replace(/\/\d+(?=\/|\s|$)/g, '/*')}`, {
            message: error.message,
            location: `${dataset.id}/${String(record[dataset.idField])}#${error.pointer}`,
            ...(crawl.exchangeIds[0] ? { exchangeId: crawl.exchangeIds[0] } : {}),
          });
        }
      }
    }
    if (checked === 0)
      return harnessError('no records could be read to compare with the reference schemas', { exchangeIds });
    return judge(
      violations,
      {
        pass: `${checked} records across ${topLevelDatasets(ctx).length} datasets match the reference schemas`,
        fail: `records do not match the reference schemas`,
      },
      { exchangeIds, data: { recordsChecked: checked } },
    );
  },
};

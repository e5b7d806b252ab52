import { type Check, linkTarget, ViolationCollector } from '@council-conform/runner';
import { isObject } from '../support/json.ts';
import { judge, judged, notApplicable } from '../support/outcomes.ts';
import { anonymousList, isPublic, topLevelDatasets } from '../support/probes.ts';

export const publicDataLicence: Check = {
  id: 'public-data-licence',
  clause: 'public-data',
  severity: 'must',
  title: 'Public data carries an open licence',
  description:
    'The description declares a licence (info.license) and public responses link it with Link rel="license", so anyone reusing the data knows they may. The baseline licence is the Open Government Licence v3.0.',
  sampling:
    'The published description’s info.license, and the first page of every public dataset’s list read without credentials.',
  async run(ctx) {
    const datasets = topLevelDatasets(ctx).filter(isPublic);
    if (datasets.length === 0) return notApplicable(`${ctx.reference.profile.id} has no public datasets`);
    const violations = new ViolationCollector();
    const exchangeIds: string[] = [];
    const description = await ctx.supplierDescription();
    if (description) {
      exchangeIds.push(description.exchangeId);
      const info = isObject(description.document.info) ? description.document.info : {};
      const licence = isObject(info.license) ? info.license : undefined;
      if (!licence || (typeof licence.url !== 'string' && typeof licence.identifier !== 'string')) {
        violations.add('no licence in the description', {
          message: 'info.license has no url or identifier',
          location: '/info/license',
          exchangeId: description.exchangeId,
        });
      }
    }
    for (const dataset of datasets) {
      const response = await anonymousList(ctx, dataset);
      if (response?.status !== 200) continue;
      exchangeIds.push(response.exchange.id);
      if (!linkTarget(response.header('link'), 'license')) {
        violations.add('no Link rel="license" on public responses', {
          message: `${dataset.id}: no licence link`,
          location: response.url,
          exchangeId: response.exchange.id,
        });
      }
    }
    return judge(
      violations,
      { pass: 'public data declares an open licence', fail: 'public data has no licence' },
      { exchangeIds, judged: judged(exchangeIds.length, 'descriptions and public responses') },
    );
  },
};

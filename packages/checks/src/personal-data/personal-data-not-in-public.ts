import { type Check, ViolationCollector } from '@council-conform/runner';
import { personalFieldsOf } from '../reference.ts';
import { walkJson } from '../support/json.ts';
import { judge, notApplicable } from '../support/outcomes.ts';
import { explicitlyPublicNames, PERSONAL_PATTERNS } from '../support/personal.ts';
import { anonymousList, isPublic, topLevelDatasets } from '../support/probes.ts';

export const personalDataNotInPublic: Check = {
  id: 'personal-data-not-in-public',
  clause: 'personal-data',
  severity: 'must',
  title: 'No personal data in public responses',
  description:
    'Scans every public response for fields the reference classifies as personal and for personal data in free text (e-mail addresses, phone numbers, National Insurance numbers, dates of birth). Case notes pasted into public fields are how most such leaks happen.',
  async run(ctx) {
    const datasets = topLevelDatasets(ctx).filter(isPublic);
    if (datasets.length === 0) return notApplicable(`${ctx.reference.profile.id} has no public datasets`);
    const allowed = explicitlyPublicNames(ctx.reference.document);
    const violations = new ViolationCollector();
    const exchangeIds: string[] = [];
    for (const dataset of datasets) {
      const personal = personalFieldsOf(ctx.reference.document, dataset.schema);
      const response = await anonymousList(ctx, dataset);
      const crawl = await ctx.crawl(dataset);
      exchangeIds.push(...(response ? [response.exchange.id] : []), ...crawl.exchangeIds.slice(0, 1));
      crawl.records.forEach((record) => {
        const at = `${dataset.id}/${String(record[dataset.idField])}`;
        walkJson(record, (pointer, key, value) => {
          if (value === null || value === undefined || value === '') return;
          if (key && personal.has(key)) {
            violations.add(`personal field "${key}" in public ${dataset.id}`, {
              message: `${at} carries ${key}`,
              location: `${at}#${pointer}`,
            });
            return;
          }
          if (typeof value !== 'string' || (key && allowed.has(key)) || !/\s/.test(value)) return;
          for (const { kind, pattern } of PERSONAL_PATTERNS) {
            if (pattern.test(value)) {
              violations.add(`${kind} in free text of public ${dataset.id}`, {
                message: `${at}: ${key ?? 'value'} contains ${kind}`,
                location: `${at}#${pointer}`,
              });
            }
          }
        });
      });
    }
    return judge(
      violations,
      { pass: 'no personal data found in public responses', fail: 'public responses carry personal data' },
      { exchangeIds },
    );
  },
};

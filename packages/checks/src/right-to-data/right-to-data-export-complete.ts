import { type Check, ViolationCollector } from '@council-conform/runner';
import { createRng } from '@council-conform/synthetic-data';
import { analyseExport, runExport } from '../support/export.ts';
import { judge, notApplicable } from '../support/outcomes.ts';
import { topLevelDatasets } from '../support/probes.ts';

/** In readonly mode, this many exported ids per dataset are read back by id (seeded, stated in the report). */
export const READONLY_SAMPLE = 25;

export const rightToDataExportComplete: Check = {
  id: 'right-to-data-export-complete',
  clause: 'right-to-data',
  severity: 'must',
  title: 'The export holds exactly the records the API holds',
  description:
    'Compares record ids both ways: every record the API lists must be in the export, and every exported record must be one the API knows. In readonly mode a seeded random sample of exported records is also read back by id; the sample size and seed are in the report.',
  async run(ctx) {
    const run = await runExport(ctx);
    if (run.outcome !== 'completed') return notApplicable(`no completed export to inspect (${run.message})`);
    const analyses = await analyseExport(ctx);
    const violations = new ViolationCollector();
    const exchangeIds: string[] = [];
    const seed = `${ctx.reference.profile.id}:${run.start?.exchange.startedAt ?? ''}`;
    let compared = 0;
    for (const dataset of topLevelDatasets(ctx)) {
      const file = analyses.find(
        (a) => a.file.dataset === dataset.id && a.file.format === 'ndjson' && a.status === 200,
      );
      if (!file) continue;
      const crawl = await ctx.crawl(dataset);
      if (crawl.problem) continue; // an incomplete listing cannot judge completeness; pagination checks report it
      compared += 1;
      const apiIds = new Set(crawl.records.map((r) => String(r[dataset.idField])));
      for (const id of apiIds) {
        if (!file.ids.has(id))
          violations.add(`${dataset.id}: listed by the API but missing from the export`, {
            message: `record ${id}`,
            location: `${dataset.id}/${id}`,
          });
      }
      for (const id of file.ids) {
        if (!apiIds.has(id))
          violations.add(`${dataset.id}: in the export but unknown to the API`, {
            message: `record ${id}`,
            location: `${dataset.id}/${id}`,
          });
      }
      if (ctx.config.mode === 'readonly') {
        const get = ctx.operationPath(dataset.get);
        const rng = createRng(`${seed}:${dataset.id}`);
        const ids = [...file.ids];
        for (let i = 0; get && i < Math.min(READONLY_SAMPLE, ids.length); i++) {
          const id = ids[rng.int(0, ids.length - 1)] as string;
          const response = await ctx.http.request({
            url: get.path.replace(/\{[^}]+\}/, encodeURIComponent(id)),
            auth: 'primary',
            note: `read back exported ${dataset.id} ${id}`,
          });
          exchangeIds.push(response.exchange.id);
          if (response.status !== 200) {
            violations.add(`${dataset.id}: exported record not readable by id`, {
              message: `record ${id}: HTTP ${response.status}`,
              location: `${dataset.id}/${id}`,
              exchangeId: response.exchange.id,
            });
          }
        }
      }
    }
    if (compared === 0)
      return notApplicable('no dataset could be both listed in full and found in the export');
    return judge(
      violations,
      {
        pass: `the export and the API hold the same records in ${compared} datasets`,
        fail: 'the export and the API disagree about which records exist',
      },
      {
        exchangeIds,
        data: ctx.config.mode === 'readonly' ? { sampleSize: READONLY_SAMPLE, seed } : { comparison: 'full' },
      },
    );
  },
};

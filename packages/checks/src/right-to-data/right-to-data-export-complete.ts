import { type Check, ViolationCollector } from '@council-conform/runner';
import { createRng } from '@council-conform/synthetic-data';
import { enumerateIds } from '../support/enumerate.ts';
import { analyseExport, runExport } from '../support/export.ts';
import { judge, notApplicable } from '../support/outcomes.ts';
import { topLevelDatasets } from '../support/probes.ts';
import { compareSortedIds, idsAtPositions } from '../support/sorted-ids.ts';

/** In readonly mode, this many exported ids per dataset are read back by id (seeded, stated in the report). */
export const READONLY_SAMPLE = 25;

interface DatasetComparison {
  readonly dataset: string;
  readonly listed: number;
  readonly exported: number;
  readonly missingFromExport: number;
  readonly unknownToApi: number;
  readonly exportedTwice: number;
  /** Set when the API's listing stopped early: only its listed part was compared. */
  readonly listingStopped?: string;
}

export const rightToDataExportComplete: Check = {
  id: 'right-to-data-export-complete',
  clause: 'right-to-data',
  severity: 'must',
  title: 'The export holds exactly the records the API holds',
  description:
    'Lists every record id the API gives, to the last page however many there are, and compares it with every id in the export both ways, as two sorted streams so that neither is held in memory: every record the API lists must be in the export once, and every exported record must be one the API lists. In readonly mode a seeded random sample of exported records is also read back by id; the sample size and seed are in the report.',
  async run(ctx) {
    const run = await runExport(ctx);
    if (run.outcome !== 'completed') return notApplicable(`no completed export to inspect (${run.message})`);
    const analyses = await analyseExport(ctx);
    const violations = new ViolationCollector();
    const exchangeIds: string[] = [];
    const seed = `${ctx.reference.profile.id}:${run.start?.exchange.startedAt ?? ''}`;
    const comparisons: DatasetComparison[] = [];
    const unjudged: string[] = [];
    for (const dataset of topLevelDatasets(ctx)) {
      const file = analyses.find(
        (a) => a.file.dataset === dataset.id && a.file.format === 'ndjson' && a.status === 200,
      );
      if (!file) continue;
      const listing = await enumerateIds(ctx, dataset);
      const missingKind = `${dataset.id}: listed by the API but missing from the export`;
      const result = await compareSortedIds(listing.ids.sorted(), file.ids.sorted(), {
        onlyLeft: (id) =>
          violations.add(missingKind, { message: `record ${id}`, location: `${dataset.id}/${id}` }),
        // Unknown to the API can only be said of a listing read to its end.
        onlyRight: (id) => {
          if (!listing.problem)
            violations.add(`${dataset.id}: in the export but unknown to the API`, {
              message: `record ${id}`,
              location: `${dataset.id}/${id}`,
            });
        },
        duplicateRight: (id) =>
          violations.add(`${dataset.id}: exported more than once`, {
            message: `record ${id}`,
            location: `${dataset.id}/${id}`,
          }),
      });
      const comparison: DatasetComparison = {
        dataset: dataset.id,
        listed: result.onlyLeft + result.both,
        exported: result.onlyRight + result.both,
        missingFromExport: result.onlyLeft,
        unknownToApi: listing.problem ? 0 : result.onlyRight,
        exportedTwice: result.duplicatesRight,
        ...(listing.problem ? { listingStopped: listing.problem } : {}),
      };
      if (listing.problem && result.onlyLeft === 0 && result.duplicatesRight === 0) {
        // A partial listing that found nothing wrong proves nothing about the rest; pagination checks say why.
        unjudged.push(`${dataset.id} (the API listing stopped: ${listing.problem})`);
        continue;
      }
      comparisons.push(comparison);
      if (ctx.config.mode === 'readonly') {
        const get = ctx.operationPath(dataset.get);
        const rng = createRng(`${seed}:${dataset.id}`);
        const distinctExported = comparison.exported;
        const positions = Array.from({ length: Math.min(READONLY_SAMPLE, distinctExported) }, () =>
          rng.int(0, distinctExported - 1),
        );
        const sample = get ? await idsAtPositions(file.ids.sorted(), positions) : [];
        for (const id of sample) {
          const response = await ctx.http.request({
            url: (get as { path: string }).path.replace(/\{[^}]+\}/, encodeURIComponent(id)),
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
    if (comparisons.length === 0)
      return notApplicable(
        `no dataset could be both listed in full and found in the export${unjudged.length > 0 ? `: ${unjudged.join('; ')}` : ''}`,
      );
    const records = comparisons.reduce((sum, c) => sum + c.listed, 0);
    return judge(
      violations,
      {
        pass: `the export and the API hold the same ${records} records in ${comparisons.length} datasets`,
        fail: 'the export and the API disagree about which records exist',
      },
      {
        exchangeIds,
        data: {
          comparisons,
          ...(unjudged.length > 0 ? { notCompared: unjudged } : {}),
          ...(ctx.config.mode === 'readonly'
            ? { sampleSize: READONLY_SAMPLE, seed }
            : { comparison: 'full' }),
        },
      },
    );
  },
};

import { type Check, ViolationCollector } from '@council-conform/runner';
import { createRng } from '@council-conform/synthetic-data';
import { analyseExport, openFormatFiles, runExport } from '../support/export.ts';
import { listDataset } from '../support/listing.ts';
import { judge, judged, notApplicable, notJudged, TO_JUDGE } from '../support/outcomes.ts';
import { topLevelDatasets } from '../support/probes.ts';
import { compareSortedIds, idsAtPositions } from '../support/sorted-ids.ts';

/** In readonly mode, this many exported ids per dataset are read back by id (seeded, stated in the report). */
export const READONLY_SAMPLE = 25;

interface FileComparison {
  readonly file: string;
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
  title: 'Every export file holds exactly the records the API holds',
  description:
    'Lists every record id the API gives, to the last page however many there are (with the profile’s query that reaches every record, past a standard’s default window), and compares it with the ids of every export file of the dataset, NDJSON and CSV alike, both ways, as sorted streams so that neither is held in memory: every record the API lists must be in each file once, and every exported record must be one the API lists. A CSV that drops records is as incomplete as an NDJSON file that does, however honest its manifest. In readonly mode a seeded random sample of exported records is also read back by id; the sample size and seed are in the report.',
  sampling:
    'Every id of every dataset’s list and every id of every NDJSON and CSV export file, whole; in readonly mode also 25 exported ids per dataset drawn with the run’s seed and read back by id.',
  async run(ctx) {
    const run = await runExport(ctx);
    if (run.outcome !== 'completed') return notApplicable(`no completed export to inspect (${run.message})`);
    const analyses = await analyseExport(ctx);
    const violations = new ViolationCollector();
    const exchangeIds: string[] = [];
    const seed = `${ctx.config.seed}:export-complete`;
    const comparisons: FileComparison[] = [];
    const unjudged: string[] = [];
    for (const dataset of topLevelDatasets(ctx)) {
      const files = openFormatFiles(analyses, dataset.id);
      if (files.length === 0) continue;
      const listing = await listDataset(ctx, dataset);
      for (const file of files) {
        const name = `${dataset.id}.${file.file.format}`;
        if (file.exchangeId) exchangeIds.push(file.exchangeId);
        if (!file.idColumn) {
          violations.add(`${name}: no ${dataset.idField} column`, {
            message: `${name} has no ${dataset.idField} column, so none of its records can be matched to the API`,
            location: file.file.url,
          });
          continue;
        }
        const missingKind = `${name}: listed by the API but missing from the file`;
        const result = await compareSortedIds(listing.ids.sorted(), file.ids.sorted(), {
          onlyLeft: (id) =>
            violations.add(missingKind, { message: `record ${id}`, location: `${dataset.id}/${id}` }),
          // Unknown to the API can only be said of a listing read to its end.
          onlyRight: (id) => {
            if (!listing.problem)
              violations.add(`${name}: in the file but unknown to the API`, {
                message: `record ${id}`,
                location: `${dataset.id}/${id}`,
              });
          },
          duplicateRight: (id) =>
            violations.add(`${name}: exported more than once`, {
              message: `record ${id}`,
              location: `${dataset.id}/${id}`,
            }),
        });
        const comparison: FileComparison = {
          file: name,
          listed: result.onlyLeft + result.both,
          exported: result.onlyRight + result.both,
          missingFromExport: result.onlyLeft,
          unknownToApi: listing.problem ? 0 : result.onlyRight,
          exportedTwice: result.duplicatesRight,
          ...(listing.problem ? { listingStopped: listing.problem } : {}),
        };
        if (listing.problem && result.onlyLeft === 0 && result.duplicatesRight === 0) {
          // A partial listing that found nothing wrong proves nothing about the rest; pagination checks say why.
          unjudged.push(`${name} (the API listing stopped: ${listing.problem})`);
          continue;
        }
        comparisons.push(comparison);
        if (ctx.config.mode !== 'readonly' || file.file.format !== 'ndjson') continue;
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
    if (comparisons.length === 0 && violations.isEmpty)
      return notApplicable(
        `no dataset could be both listed in full and found in the export${unjudged.length > 0 ? `: ${unjudged.join('; ')}` : ''}`,
      );
    const records = comparisons.reduce((sum, c) => sum + c.exported, 0);
    if (records === 0 && violations.isEmpty)
      return notJudged(
        'the API lists no records and the export holds none, so completeness cannot be judged',
        TO_JUDGE.data,
        { exchangeIds },
      );
    return judge(
      violations,
      {
        pass: `${comparisons.length} export files hold exactly the records the API lists (${records} records in all)`,
        fail: 'the export files and the API disagree about which records exist',
      },
      {
        exchangeIds,
        judged: judged(records, 'exported records'),
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

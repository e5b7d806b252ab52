import { type Check, ViolationCollector } from '@council-conform/runner';
import { CSV_MEDIA_TYPE, NDJSON_MEDIA_TYPE, runExport } from '../support/export.ts';
import { judge, judged, notApplicable } from '../support/outcomes.ts';

export const rightToDataExportFormats: Check = {
  id: 'right-to-data-export-formats',
  clause: 'right-to-data',
  severity: 'must',
  title: 'Every dataset is exported in NDJSON and CSV',
  description:
    'The manifest of the completed export lists every dataset of the profile in both baseline open formats: NDJSON (application/x-ndjson) and CSV (text/csv, RFC 4180), UTF-8. A spreadsheet in a vendor format is not an open export.',
  sampling: 'The manifest of the completed export.',
  async run(ctx) {
    const run = await runExport(ctx);
    if (run.outcome !== 'completed')
      return notApplicable(`no completed export to inspect (${run.message})`, {
        exchangeIds: run.exchangeIds.slice(-1),
      });
    const violations = new ViolationCollector();
    for (const dataset of ctx.reference.profile.datasets) {
      for (const [format, mediaType] of [
        ['ndjson', NDJSON_MEDIA_TYPE],
        ['csv', CSV_MEDIA_TYPE],
      ] as const) {
        const file = run.files.find((f) => f.dataset === dataset.id && f.format === format);
        if (!file)
          violations.add(`no ${format.toUpperCase()} file`, {
            message: `${dataset.id} has no ${format} file in the manifest`,
            location: `manifest/${dataset.id}`,
          });
        else if (!file.mediaType.toLowerCase().startsWith(mediaType)) {
          violations.add(`${format} file with the wrong media type`, {
            message: `${dataset.id}.${format} is "${file.mediaType}"`,
            location: file.url,
          });
        }
      }
    }
    const proprietary = run.files.filter((f) => f.format !== 'ndjson' && f.format !== 'csv');
    for (const file of proprietary) {
      violations.add('file in a non-baseline format', {
        message: `${file.dataset}: ${file.format} (${file.mediaType})`,
        location: file.url,
      });
    }
    return judge(
      violations,
      {
        pass: `all ${ctx.reference.profile.datasets.length} datasets are exported as NDJSON and CSV`,
        fail: 'the export is not in the open formats',
      },
      { exchangeIds: run.exchangeIds.slice(-1), judged: judged(run.files.length, 'manifest entries') },
    );
  },
};

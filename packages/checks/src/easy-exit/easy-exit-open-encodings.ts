import { type Check, ViolationCollector } from '@council-conform/runner';
import { analyseExport, runExport } from '../support/export.ts';
import { judge, judged, notApplicable } from '../support/outcomes.ts';

export const easyExitOpenEncodings: Check = {
  id: 'easy-exit-open-encodings',
  clause: 'easy-exit',
  severity: 'must',
  title: 'Export files use no proprietary encodings',
  description:
    'Every export file is strict UTF-8; CSV files follow RFC 4180 (a header row, quoted cells, the same number of fields on every row); no value is a dd/mm/yyyy date by the rule open-standards-rfc3339-dates judges the API with (a date field, or a whole value, written day first; a date inside prose is words); nothing comes in a vendor format. Otherwise another system cannot load the data without repair.',
  sampling:
    'Every byte of every export file; the values of every record in which a dd/mm/yyyy date appears (two-digit day and month).',
  async run(ctx) {
    const run = await runExport(ctx);
    if (run.outcome !== 'completed') return notApplicable(`no completed export to inspect (${run.message})`);
    const violations = new ViolationCollector();
    const exchangeIds: string[] = run.exchangeIds.slice(-1);
    for (const file of run.files) {
      if (file.format !== 'ndjson' && file.format !== 'csv') {
        violations.add('vendor format', {
          message: `${file.dataset} comes as ${file.format} (${file.mediaType})`,
          location: file.url,
        });
      }
    }
    let files = 0;
    for (const analysis of await analyseExport(ctx)) {
      if (analysis.status !== 200) continue;
      files += 1;
      const where = `${analysis.file.dataset}.${analysis.file.format}`;
      const ex = analysis.exchangeId ? { exchangeId: analysis.exchangeId } : {};
      if (analysis.exchangeId) exchangeIds.push(analysis.exchangeId);
      if (!analysis.utf8)
        violations.add('not valid UTF-8', {
          message: `${where} has bytes that are not UTF-8 (Windows-1252?)`,
          location: analysis.file.url,
          ...ex,
        });
      for (const problem of analysis.csvProblems) {
        violations.add('CSV breaks RFC 4180', {
          message: `${where} record ${problem.record} ${problem.message}`,
          location: `${analysis.file.url}#row=${problem.record}`,
          ...ex,
        });
      }
      if (analysis.dayFirstDates > 0) {
        const first = analysis.dayFirstExamples
          .slice(0, 3)
          .map((d) => `record ${d.record} ${d.field}`)
          .join(', ');
        violations.add('dd/mm/yyyy dates', {
          message: `${where} has ${analysis.dayFirstDates} dates written day first (${first}); use RFC 3339`,
          location: analysis.file.url,
          ...ex,
        });
      }
    }
    return judge(
      violations,
      {
        pass: `every export file (${files}) is UTF-8 in open, standard encodings`,
        fail: 'export files need repair before another system can load them',
      },
      { exchangeIds, judged: judged(files, 'export files') },
    );
  },
};

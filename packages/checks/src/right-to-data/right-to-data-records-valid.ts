import { type Check, ViolationCollector } from '@council-conform/runner';
import { analyseExport, runExport } from '../support/export.ts';
import { judge, judged, notApplicable, notJudged, TO_JUDGE } from '../support/outcomes.ts';

export const rightToDataRecordsValid: Check = {
  id: 'right-to-data-records-valid',
  clause: 'right-to-data',
  severity: 'must',
  title: 'Every exported record is valid against the reference schema',
  description:
    'Parses each NDJSON export file line by line as it streams in and validates every record against the dataset’s reference schema, never holding the file in memory. The first invalid records are reported with their line numbers and JSON pointers.',
  sampling: 'Every record of every NDJSON export file.',
  async run(ctx) {
    const run = await runExport(ctx);
    if (run.outcome !== 'completed') return notApplicable(`no completed export to inspect (${run.message})`);
    const files = (await analyseExport(ctx)).filter((a) => a.file.format === 'ndjson' && a.status === 200);
    if (files.length === 0)
      return notApplicable('the export has no NDJSON files to validate (see right-to-data-export-formats)');
    const violations = new ViolationCollector();
    let records = 0;
    for (const analysis of files) {
      records += analysis.records;
      for (const invalid of analysis.invalid) {
        violations.add(`${analysis.file.dataset}: invalid records`, {
          message: `line ${invalid.line}: ${invalid.message}`,
          location: `${analysis.file.url}#line=${invalid.line}`,
          ...(analysis.exchangeId ? { exchangeId: analysis.exchangeId } : {}),
        });
      }
      // Count the invalid records past the examples kept, so the total is right.
      for (let i = analysis.invalid.length; i < analysis.invalidCount; i++) {
        violations.add(`${analysis.file.dataset}: invalid records`, { message: 'further invalid record' });
      }
    }
    if (records === 0)
      return notJudged('the export’s NDJSON files hold no records to validate', TO_JUDGE.data, {
        exchangeIds: files.flatMap((a) => (a.exchangeId ? [a.exchangeId] : [])),
      });
    return judge(
      violations,
      {
        pass: `all ${records} exported records are valid against the reference schemas`,
        fail: 'exported records are not valid',
      },
      {
        exchangeIds: files.flatMap((a) => (a.exchangeId ? [a.exchangeId] : [])),
        judged: judged(records, 'exported records'),
        data: { records },
      },
    );
  },
};

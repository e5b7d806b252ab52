import { type Check, ViolationCollector } from '@council-conform/runner';
import { analyseExport, runExport } from '../support/export.ts';
import { judge, judged, notApplicable } from '../support/outcomes.ts';

export const rightToDataManifestIntegrity: Check = {
  id: 'right-to-data-manifest-integrity',
  clause: 'right-to-data',
  severity: 'must',
  title: 'The manifest’s counts and checksums match the files',
  description:
    'Downloads every export file, streaming, and compares its SHA-256, byte size and record count with the manifest. A manifest that does not match its files cannot prove an export is whole.',
  sampling: 'Every file the manifest lists, whole.',
  async run(ctx) {
    const run = await runExport(ctx);
    if (run.outcome !== 'completed') return notApplicable(`no completed export to inspect (${run.message})`);
    const violations = new ViolationCollector();
    const exchangeIds: string[] = [];
    for (const analysis of await analyseExport(ctx)) {
      const { file } = analysis;
      const where = `${file.dataset}.${file.format}`;
      if (analysis.exchangeId) exchangeIds.push(analysis.exchangeId);
      const ex = analysis.exchangeId ? { exchangeId: analysis.exchangeId } : {};
      if (analysis.error || analysis.status !== 200) {
        violations.add('file could not be downloaded', {
          message: `${where}: ${analysis.error ?? `HTTP ${analysis.status}`}`,
          location: file.url,
          ...ex,
        });
        continue;
      }
      if (analysis.sha256 !== file.sha256)
        violations.add('SHA-256 differs from the manifest', {
          message: `${where}: the file hashes to ${analysis.sha256.slice(0, 12)}…, the manifest says ${file.sha256.slice(0, 12)}…`,
          location: file.url,
          ...ex,
        });
      if (analysis.bytes !== file.bytes)
        violations.add('byte size differs from the manifest', {
          message: `${where}: ${analysis.bytes} bytes, the manifest says ${file.bytes}`,
          location: file.url,
          ...ex,
        });
      if ((file.format === 'ndjson' || file.format === 'csv') && analysis.records !== file.records) {
        violations.add('record count differs from the manifest', {
          message: `${where}: ${analysis.records} records, the manifest says ${file.records}`,
          location: file.url,
          ...ex,
        });
      }
    }
    return judge(
      violations,
      {
        pass: `every file matches its manifest entry (${run.files.length} files)`,
        fail: 'the manifest does not match the files',
      },
      {
        exchangeIds,
        judged: judged(run.files.length, 'export files'),
      },
    );
  },
};

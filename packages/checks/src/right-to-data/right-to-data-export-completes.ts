import type { Check } from '@council-conform/runner';
import { runExport } from '../support/export.ts';
import { fail, judged, notApplicable, pass } from '../support/outcomes.ts';

export const rightToDataExportCompletes: Check = {
  id: 'right-to-data-export-completes',
  clause: 'right-to-data',
  severity: 'must',
  title: 'The export completes within its time budget',
  description:
    'Polls the export job (honouring Retry-After) until it reports "complete" with a manifest, within the export budget (10 minutes unless the run sets another). A job that never finishes is an export in name only.',
  sampling: 'One export job, polled to its end.',
  async run(ctx) {
    const run = await runExport(ctx);
    const exchangeIds = run.exchangeIds.slice(-3);
    if (run.outcome === 'refused')
      return notApplicable(`the export never started (${run.message}; see right-to-data-export-free)`, {
        exchangeIds,
      });
    if (run.outcome !== 'completed')
      return fail(run.message, { exchangeIds, data: { elapsedMs: run.elapsedMs } });
    if (run.files.length === 0) return fail('the export completed with an empty manifest', { exchangeIds });
    return pass(
      `the export completed in ${Math.round(run.elapsedMs / 100) / 10} s with ${run.files.length} files`,
      { exchangeIds, data: { elapsedMs: run.elapsedMs }, judged: judged(1, 'export jobs') },
    );
  },
};

import type { JsonObject } from '@council-conform/openapi';
import { type Check, ViolationCollector } from '@council-conform/runner';
import { personalFieldNames } from '../reference.ts';
import { analyseExport, runExport } from '../support/export.ts';
import { judge, notApplicable } from '../support/outcomes.ts';
import { isPersonalValue } from '../support/personal.ts';
import { topLevelDatasets } from '../support/probes.ts';

const INSTANT = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/**
 * The baseline's normalisation: one instant written two ways is the same value, as is an amount written
 * "12.50" or 12.5, and an identifier with or without spaces.
 */
export function normalise(value: unknown, key?: string): unknown {
  if (typeof value === 'string') {
    if (INSTANT.test(value)) return value.length === 10 ? value : new Date(value).toISOString();
    if (
      /^-?\d+(\.\d+)?$/.test(value) &&
      key !== undefined &&
      /(amount|value|charge|cost|price|total|balance)/i.test(key)
    )
      return Number(value);
    if (key !== undefined && /^(uprn|usrn)$/i.test(key)) return value.replace(/\s+/g, '');
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => normalise(v, key));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = normalise((value as JsonObject)[k], k);
    return out;
  }
  return value;
}

export const rightToDataExportFidelity: Check = {
  id: 'right-to-data-export-fidelity',
  clause: 'right-to-data',
  severity: 'must',
  title: 'Exported values equal the API’s values',
  description:
    'For a sample of up to 200 records per dataset found both in the export and through the API, compares every field after the baseline’s normalisation (dates, money, identifiers). An export that differs from the live data is not the council’s data.',
  async run(ctx) {
    const run = await runExport(ctx);
    if (run.outcome !== 'completed') return notApplicable(`no completed export to inspect (${run.message})`);
    const analyses = await analyseExport(ctx);
    const personal = personalFieldNames(ctx.reference.document);
    const violations = new ViolationCollector();
    let compared = 0;
    for (const dataset of topLevelDatasets(ctx)) {
      const file = analyses.find(
        (a) => a.file.dataset === dataset.id && a.file.format === 'ndjson' && a.status === 200,
      );
      if (!file) continue;
      const byId = new Map((await ctx.crawl(dataset)).records.map((r) => [String(r[dataset.idField]), r]));
      for (const [id, exported] of file.sample) {
        const live = byId.get(id);
        if (!live) continue;
        compared += 1;
        for (const key of new Set([...Object.keys(exported), ...Object.keys(live)])) {
          const a = JSON.stringify(normalise(exported[key], key));
          const b = JSON.stringify(normalise(live[key], key));
          if (a === b) continue;
          // The report shows the difference, but never a personal value.
          const shown = isPersonalValue(personal, `/${key}`, [exported[key], live[key]])
            ? 'values differ (personal field, values withheld)'
            : `export ${truncate(a)} vs API ${truncate(b)}`;
          violations.add(`${dataset.id}.${key} differs between export and API`, {
            message: `${dataset.id}/${id}: ${shown}`,
            location: `${dataset.id}/${id}#/${key}`,
          });
        }
      }
    }
    if (compared === 0) return notApplicable('no record was found both in the export and through the API');
    return judge(
      violations,
      {
        pass: `${compared} records are identical in the export and the API`,
        fail: 'exported values differ from the API',
      },
      { data: { recordsCompared: compared } },
    );
  },
};

function truncate(text: string | undefined): string {
  const value = text ?? 'absent';
  return value.length > 60 ? `${value.slice(0, 57)}…` : value;
}

import type { JsonObject } from '@council-conform/openapi';
import { type Check, type RunContext, ViolationCollector } from '@council-conform/runner';
import { personalFieldNames } from '../reference.ts';
import { analyseExport, openFormatFiles, runExport } from '../support/export.ts';
import { listDataset } from '../support/listing.ts';
import { judge, judged, notApplicable } from '../support/outcomes.ts';
import { isPersonalValue } from '../support/personal.ts';
import { readRecordById, topLevelDatasets } from '../support/probes.ts';
import { omittableInLists } from '../support/schema-fields.ts';

const INSTANT = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?$/;
/** Records per dataset read by id to compare the fields its list view left out (x-omittable-in-lists). */
export const OMITTED_FIELD_READS = 10;

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

/**
 * An API value as the baseline's CSV carries it, normalised so that the two can be compared: nothing for
 * null or absent, JSON text for nested values (read back as JSON), the text of a number or a boolean.
 */
function fromCsv(cell: unknown, api: unknown, key: string): unknown {
  if (typeof cell !== 'string') return cell === undefined ? '(no such column)' : cell;
  if (api !== null && typeof api === 'object') {
    try {
      return normalise(JSON.parse(cell), key);
    } catch {
      return cell;
    }
  }
  if (typeof api === 'number' && cell.trim() !== '' && Number.isFinite(Number(cell))) return Number(cell);
  return normalise(cell, key);
}

function asCsv(api: unknown, key: string): unknown {
  if (api === null || api === undefined) return '';
  if (typeof api === 'object') return normalise(api, key);
  if (typeof api === 'number') return api;
  if (typeof api === 'boolean') return String(api);
  return normalise(api, key);
}

/**
 * The API's record of each sampled id, with the fields its list view may leave out filled from a read by id
 * (for the first OMITTED_FIELD_READS records that lack them): each field is compared where the spec says it
 * is carried.
 */
async function apiRecords(ctx: RunContext, datasetId: string, exchangeIds: string[]) {
  const dataset = topLevelDatasets(ctx).find((d) => d.id === datasetId);
  const byId = new Map<string, JsonObject>();
  if (!dataset) return { byId, omittable: new Set<string>() };
  const listing = await listDataset(ctx, dataset);
  for (const page of listing.sample)
    for (const record of page.records) byId.set(String(record[dataset.idField]), record);
  const omittable = omittableInLists(ctx.reference.document, dataset.schema);
  if (omittable.size === 0) return { byId, omittable };
  let reads = 0;
  for (const [id, record] of byId) {
    if (reads >= OMITTED_FIELD_READS) break;
    if ([...omittable].every((field) => field in record)) continue;
    reads += 1;
    const read = await readRecordById(
      ctx,
      dataset,
      id,
      ctx.config.credentials ? 'primary' : 'none',
      `read ${dataset.id} ${id} by id for the fields its list leaves out`,
    );
    if (read) exchangeIds.push(read.response.exchange.id);
    const full = read?.record;
    if (!full) continue;
    const filled = { ...record };
    for (const field of omittable) if (!(field in filled) && field in full) filled[field] = full[field];
    byId.set(id, filled);
  }
  return { byId, omittable };
}

export const rightToDataExportFidelity: Check = {
  id: 'right-to-data-export-fidelity',
  clause: 'right-to-data',
  severity: 'must',
  title: 'Exported values equal the API’s values, in every format',
  description:
    'For the records of the API sample (the first, last and seeded random pages of every list), finds each in every export file, NDJSON and CSV alike, and compares every field after the baseline’s normalisation (dates, money, identifiers; in CSV, nested values as JSON text). A field the reference marks `x-omittable-in-lists` is compared with the record read by id when the list leaves it out. An export that differs from the live data is not the council’s data, whichever format a council happens to open.',
  sampling:
    'The records of the API sample (first, last and four seeded random pages of each list, up to 100 records a page), found by id in each NDJSON and CSV export file; up to 10 records a dataset read by id for the fields a list may leave out.',
  async run(ctx) {
    const run = await runExport(ctx);
    if (run.outcome !== 'completed') return notApplicable(`no completed export to inspect (${run.message})`);
    const analyses = await analyseExport(ctx);
    const personal = personalFieldNames(ctx.reference.document);
    const violations = new ViolationCollector();
    const exchangeIds: string[] = [];
    const perFile: Record<string, number> = {};
    let compared = 0;
    for (const dataset of topLevelDatasets(ctx)) {
      const files = openFormatFiles(analyses, dataset.id);
      if (files.length === 0) continue;
      const { byId, omittable } = await apiRecords(ctx, dataset.id, exchangeIds);
      for (const file of files) {
        const name = `${dataset.id}.${file.file.format}`;
        const csv = file.file.format === 'csv';
        if (file.exchangeId) exchangeIds.push(file.exchangeId);
        let matched = 0;
        for (const [id, exported] of file.sample) {
          const live = byId.get(id);
          if (!live) continue;
          matched += 1;
          const keys = new Set([...Object.keys(live), ...Object.keys(exported)]);
          for (const key of keys) {
            // A field the list may leave out, and no read by id filled: not carried here, so not compared.
            if (omittable.has(key) && !(key in live)) continue;
            const a = JSON.stringify(
              csv ? fromCsv(exported[key], live[key], key) : normalise(exported[key], key),
            );
            const b = JSON.stringify(csv ? asCsv(live[key], key) : normalise(live[key], key));
            if (a === b) continue;
            // The report shows the difference, but never a personal value. A CSV cell is never quoted: in a
            // row whose quoting broke, the cell under a public column may hold a resident's name or e-mail.
            const shown = isPersonalValue(personal, `/${key}`, [exported[key], live[key]])
              ? 'values differ (personal field, values withheld)'
              : csv
                ? `the CSV cell is not the API's ${truncate(b)}`
                : `${file.file.format} ${truncate(a)} vs API ${truncate(b)}`;
            violations.add(`${name}: ${key} differs from the API`, {
              message: `${dataset.id}/${id}: ${shown}`,
              location: `${dataset.id}/${id}#/${key}`,
              ...(file.exchangeId ? { exchangeId: file.exchangeId } : {}),
            });
          }
        }
        perFile[name] = matched;
        compared += matched;
      }
    }
    if (compared === 0)
      return notApplicable('no record of the API sample was found in any export file to compare', {
        exchangeIds,
      });
    return judge(
      violations,
      {
        pass: `${compared} sampled records are identical in the export and the API, across ${Object.keys(perFile).length} files`,
        fail: 'exported values differ from the API',
      },
      { exchangeIds, judged: judged(compared, 'exported records'), data: { recordsCompared: perFile } },
    );
  },
};

function truncate(text: string | undefined): string {
  const value = text ?? 'absent';
  return value.length > 60 ? `${value.slice(0, 57)}…` : value;
}

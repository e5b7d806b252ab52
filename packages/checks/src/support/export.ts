import { setTimeout as sleep } from 'node:timers/promises';
import type { JsonObject } from '@council-conform/openapi';
import {
  HarnessError,
  type HarnessResponse,
  parseRetryAfter,
  type ReferenceDataset,
  type RunContext,
  resolveLink,
} from '@council-conform/runner';
import { ByteTally } from './byte-tally.ts';
import { CsvByteReader, CsvStreamChecker } from './csv-stream.ts';
import { judgeDateValue } from './dates.ts';
import { isObject } from './json.ts';
import { listDataset } from './listing.ts';
import { NdjsonRecordPipeline, type NdjsonTotals } from './ndjson-pipeline.ts';
import type { InvalidRecord } from './ndjson-records.ts';
import { topLevelDatasets } from './probes.ts';
import { schemaFields } from './schema-fields.ts';
import { SortedIdSpill } from './sorted-ids.ts';

export const NDJSON_MEDIA_TYPE = 'application/x-ndjson';
export const CSV_MEDIA_TYPE = 'text/csv';
/** How long the runner waits for an export to complete unless the run config says otherwise. */
export const DEFAULT_EXPORT_BUDGET_MS = 10 * 60_000;

export interface ManifestFile {
  readonly dataset: string;
  readonly format: string;
  readonly mediaType: string;
  readonly records: number;
  readonly bytes: number;
  readonly sha256: string;
  readonly url: string;
}

export interface ExportRun {
  /** `refused`: the start was not accepted; `incomplete`: no completed job within the budget. */
  readonly outcome: 'completed' | 'refused' | 'failed' | 'incomplete';
  readonly message: string;
  readonly exchangeIds: readonly string[];
  readonly start?: HarnessResponse;
  readonly job?: JsonObject;
  readonly files: readonly ManifestFile[];
  readonly elapsedMs: number;
}

function manifestFiles(job: JsonObject, jobUrl: string): ManifestFile[] {
  const manifest = isObject(job.manifest) ? job.manifest : undefined;
  const files = manifest && Array.isArray(manifest.files) ? manifest.files : [];
  return files.filter(isObject).map((file) => ({
    dataset: String(file.dataset ?? ''),
    format: String(file.format ?? ''),
    mediaType: String(file.mediaType ?? ''),
    records: Number(file.records ?? Number.NaN),
    bytes: Number(file.bytes ?? Number.NaN),
    sha256: String(file.sha256 ?? ''),
    url: resolvedOrAsGiven(String(file.url ?? ''), jobUrl),
  }));
}

/**
 * A manifest's file URL resolved against the job answer that listed it (baseline §7, §11); as given when it
 * does not resolve, so that its download refuses it by name.
 */
function resolvedOrAsGiven(url: string, jobUrl: string): string {
  try {
    return resolveLink(url, jobUrl).href;
  } catch {
    return url;
  }
}

/** Starts one bulk export and polls it to the end, once per run; every right-to-data check reads the result. */
export function runExport(ctx: RunContext): Promise<ExportRun> {
  return ctx.memo('export:run', () => startAndAwaitExport(ctx, 'start a bulk export of every dataset'));
}

/**
 * Starts a bulk export and polls it to the end: a fresh one each call (the write workflow's, after its
 * writes, for either tenant).
 */
export async function startAndAwaitExport(
  ctx: RunContext,
  note: string,
  auth: 'primary' | 'secondary' = 'primary',
): Promise<ExportRun> {
  const exchangeIds: string[] = [];
  const began = Date.now();
  const budget = Math.min(ctx.config.exportBudgetMs ?? DEFAULT_EXPORT_BUDGET_MS, ctx.config.runBudgetMs);
  const start = await ctx.http.request({
    url: '/exports',
    method: 'POST',
    auth,
    headers: { 'content-type': 'application/json' },
    body: '{}',
    note,
  });
  exchangeIds.push(start.exchange.id);
  const location = start.header('location');
  if (start.status !== 202 || !location) {
    return {
      outcome: 'refused',
      message: `POST /exports answered ${start.status}${location ? '' : ' without a Location header'}`,
      exchangeIds,
      start,
      files: [],
      elapsedMs: Date.now() - began,
    };
  }
  let wait = 250;
  for (let poll = 1; ; poll++) {
    const response = await ctx.http.request({
      url: resolveLink(location, start.url, 'the Location of POST /exports').href,
      auth,
      note: `poll the export (${poll})`,
    });
    exchangeIds.push(response.exchange.id);
    let job: JsonObject | undefined;
    try {
      const body = response.json();
      job = isObject(body) ? body : undefined;
    } catch {
      job = undefined;
    }
    if (response.status === 200 && job?.status === 'complete') {
      return {
        outcome: 'completed',
        message: `completed after ${poll} poll(s)`,
        exchangeIds,
        start,
        job,
        files: manifestFiles(job, response.url),
        elapsedMs: Date.now() - began,
      };
    }
    if (response.status === 200 && job?.status === 'failed') {
      return {
        outcome: 'failed',
        message: `the export job reports status "failed"`,
        exchangeIds,
        start,
        job,
        files: [],
        elapsedMs: Date.now() - began,
      };
    }
    if (response.status !== 200) {
      return {
        outcome: 'failed',
        message: `polling the export answered ${response.status}`,
        exchangeIds,
        start,
        files: [],
        elapsedMs: Date.now() - began,
      };
    }
    const retryAfter = parseRetryAfter(response.header('retry-after'));
    wait = Math.min(retryAfter ?? wait * 2, 10_000);
    if (Date.now() - began + wait > budget) {
      return {
        outcome: 'incomplete',
        message: `the export was still "${String(job?.status ?? 'unknown')}" after ${Math.round((Date.now() - began) / 1000)} s, over the ${Math.round(budget / 1000)} s budget`,
        exchangeIds,
        start,
        ...(job ? { job } : {}),
        files: [],
        elapsedMs: Date.now() - began,
      };
    }
    await sleep(wait);
  }
}

export interface FileAnalysis {
  readonly file: ManifestFile;
  readonly exchangeId?: string;
  readonly status: number;
  readonly contentType: string;
  readonly bytes: number;
  readonly sha256: string;
  /** NDJSON lines or CSV rows after the header. */
  readonly records: number;
  readonly utf8: boolean;
  /** NDJSON: records that are not JSON or not valid against the reference schema (the first few). */
  readonly invalid: readonly InvalidRecord[];
  readonly invalidCount: number;
  readonly csvProblems: readonly { record: number; message: string }[];
  /** dd/mm/yyyy-shaped bytes anywhere in the file, prose included (what ByteTally counts). */
  readonly ddmmyyyyDates: number;
  /** Values the shared date rule finds written day first (support/dates.ts), with where the first are. */
  readonly dayFirstDates: number;
  readonly dayFirstExamples: readonly { readonly record: number; readonly field: string }[];
  /** NDJSON and CSV: every record id, for completeness (sorted on demand, spilled to disk when many). */
  readonly ids: SortedIdSpill;
  /** CSV: false when the header has no column for the dataset's id field, so no record can be matched. */
  readonly idColumn: boolean;
  /**
   * The records the fidelity sample asks for (`fidelityIds`), by id: parsed NDJSON records, or CSV rows as
   * column → cell text.
   */
  readonly sample: ReadonlyMap<string, JsonObject>;
  readonly error?: string;
}

/** A dataset's export files in the baseline's open formats (NDJSON, CSV) that downloaded, every one of them. */
export const openFormatFiles = (analyses: readonly FileAnalysis[], datasetId: string): FileAnalysis[] =>
  analyses.filter(
    (a) =>
      a.file.dataset === datasetId &&
      (a.file.format === 'ndjson' || a.file.format === 'csv') &&
      a.status === 200,
  );

/**
 * The ids of the records every export file is compared by, per dataset: those of the API sample (the first,
 * last and seeded random pages of its list), so an export that goes wrong past its first records is seen.
 */
export function fidelityIds(ctx: RunContext): Promise<ReadonlyMap<string, ReadonlySet<string>>> {
  return ctx.memo('export:fidelity-ids', async () => {
    const wanted = new Map<string, Set<string>>();
    for (const dataset of topLevelDatasets(ctx)) {
      const listing = await listDataset(ctx, dataset);
      wanted.set(
        dataset.id,
        new Set(listing.sample.flatMap((page) => page.records.map((r) => String(r[dataset.idField])))),
      );
    }
    return wanted;
  });
}

/**
 * Downloads every file of the completed export once, streaming: hash, byte and record counts, strict UTF-8,
 * RFC 4180 structure, each NDJSON record parsed and validated against its reference schema and each CSV row
 * read into cells as it arrives, every id of every format kept for completeness and the records of the
 * fidelity sample kept whole. Only ids, counts, the first problems and that sample stay in memory.
 */
export function analyseExport(ctx: RunContext): Promise<FileAnalysis[]> {
  return ctx.memo('export:analysis', async () => {
    const run = await runExport(ctx);
    if (run.outcome !== 'completed') return [];
    const datasets = new Map<string, ReferenceDataset>(ctx.reference.profile.datasets.map((d) => [d.id, d]));
    const wanted = await fidelityIds(ctx);
    const out: FileAnalysis[] = [];
    for (const file of run.files) {
      out.push(await analyseFile(ctx, file, datasets.get(file.dataset), wanted.get(file.dataset)));
    }
    return out;
  });
}

/** Day-first dates kept with where they are; the rest only counted. */
const DATES_KEPT = 10;

/**
 * The same text in a string of its own. A CSV cell is a slice of the decoded chunk it came from, and V8 keeps
 * the whole chunk alive for as long as the slice is held: the 50,000 ids held before each spill to disk kept
 * about 87 MiB of CSV text alive (a heap of 97 MiB where copies of the ids need 10 MiB).
 */
const ownCopy = (text: string): string => ` ${text}`.slice(1);

async function analyseFile(
  ctx: RunContext,
  file: ManifestFile,
  dataset: ReferenceDataset | undefined,
  keep: ReadonlySet<string> | undefined,
): Promise<FileAnalysis> {
  const ids = new SortedIdSpill(ctx.scratchDirectory, `export-${file.dataset}-${file.format}`);
  const sample = new Map<string, JsonObject>();
  const isCsv = file.format === 'csv' || /text\/csv/i.test(file.mediaType);
  const isNdjson = !isCsv && (file.format === 'ndjson' || /ndjson/i.test(file.mediaType));
  const fields = dataset ? schemaFields(ctx.reference.document, dataset.schema) : undefined;
  // Every byte of every format, whole NDJSON batches or network chunks; dates only in the open text formats.
  const tally = new ByteTally({ countDates: isCsv || isNdjson });
  let idColumn = true;
  let csvDates = 0;
  const csvDateExamples: { record: number; field: string }[] = [];
  const csv = isCsv
    ? new CsvStreamChecker(10, (cells, record) => {
        const header = csv?.header ?? [];
        const at = dataset ? header.indexOf(dataset.idField) : -1;
        if (at === -1) idColumn = false;
        // A row with more or fewer cells than the header has shifted: no cell of it is where its column
        // says (its "id" may be a resident's name), so it is not read as a record; RFC 4180 judges it.
        else if (cells.length === header.length) {
          const id = ownCopy(cells[at] ?? '');
          ids.add(id);
          if (keep?.has(id))
            sample.set(id, Object.fromEntries(header.map((column, i) => [column, ownCopy(cells[i] ?? '')])));
        }
        for (const [i, cell] of cells.entries()) {
          if (cell.length < 8 || cell.length > 19) continue;
          const column = header[i];
          const verdict = judgeDateValue(cell, column ? fields?.get(column)?.formats : undefined);
          if (!verdict.date || verdict.ok || !verdict.dayFirst) continue;
          csvDates += 1;
          if (csvDateExamples.length < DATES_KEPT)
            csvDateExamples.push({ record, field: column ?? `column ${i + 1}` });
        }
      })
    : undefined;
  const csvBytes = csv ? new CsvByteReader(csv) : undefined;
  const ndjson = isNdjson
    ? new NdjsonRecordPipeline({
        validator: ctx.referenceValidator,
        ...(dataset
          ? { schemaPointer: `/components/schemas/${dataset.schema}`, idField: dataset.idField }
          : {}),
        ...(keep ? { keep } : {}),
        ...(fields ? { fields } : {}),
        ids,
        sample,
        tally,
      })
    : undefined;
  let totals: NdjsonTotals | undefined;

  try {
    const url = resolveLink(
      file.url,
      ctx.config.targetUrl,
      `the manifest's URL of ${file.dataset}.${file.format}`,
    );
    const result = await ctx.http.download(
      {
        url: url.href,
        auth: 'primary',
        note: `download export file ${file.dataset}.${file.format}`,
        // A pre-signed URL on another origin is followed, without the token (§11).
        redirects: 'follow-without-credentials',
      },
      (chunk) => {
        if (ndjson) return ndjson.write(chunk);
        tally.add(chunk);
        csvBytes?.write(chunk);
      },
    );
    // Ended whatever the status, so that its last bytes reach the tally.
    const ndjsonTotals = ndjson?.end();
    if (result.status === 200) {
      if (ndjsonTotals) totals = ndjsonTotals;
      else csvBytes?.end();
    }
    // The checksum reported is of what was read (of nothing, when nothing was).
    const bytes = tally.totals();
    return {
      file,
      exchangeId: result.exchange.id,
      status: result.status,
      contentType: result.headers['content-type'] ?? '',
      bytes: result.bytes,
      sha256: bytes.sha256,
      records: csv ? csv.records : (totals?.records ?? 0),
      utf8: bytes.utf8,
      invalid: totals?.invalid ?? [],
      invalidCount: totals?.invalidCount ?? 0,
      csvProblems: csv?.problems ?? [],
      ddmmyyyyDates: bytes.ddmmyyyyDates,
      dayFirstDates: csv ? csvDates : (totals?.dayFirstDates ?? 0),
      dayFirstExamples: csv
        ? csvDateExamples
        : (totals?.dayFirstExamples ?? []).map((d) => ({ record: d.line, field: d.pointer })),
      ids,
      idColumn: csv ? idColumn && csv.header !== undefined : true,
      sample,
    };
  } catch (error) {
    if (!(error instanceof HarnessError)) throw error;
    // What the bytes read before the failure showed; no check judges a failed download by them.
    const partial = tally.totals();
    return {
      file,
      ...(error.exchangeId ? { exchangeId: error.exchangeId } : {}),
      status: 0,
      contentType: '',
      bytes: 0,
      sha256: '',
      records: 0,
      utf8: partial.utf8,
      invalid: [],
      invalidCount: 0,
      csvProblems: [],
      ddmmyyyyDates: partial.ddmmyyyyDates,
      dayFirstDates: 0,
      dayFirstExamples: [],
      ids,
      idColumn: true,
      sample,
      error: error.message,
    };
  }
}

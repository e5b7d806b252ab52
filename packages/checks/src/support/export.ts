import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JsonObject } from '@council-conform/openapi';
import {
  HarnessError,
  type HarnessResponse,
  parseRetryAfter,
  type ReferenceDataset,
  type RunContext,
} from '@council-conform/runner';
import { CsvStreamChecker } from './csv-stream.ts';
import { isObject } from './json.ts';
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

function manifestFiles(job: JsonObject): ManifestFile[] {
  const manifest = isObject(job.manifest) ? job.manifest : undefined;
  const files = manifest && Array.isArray(manifest.files) ? manifest.files : [];
  return files.filter(isObject).map((file) => ({
    dataset: String(file.dataset ?? ''),
    format: String(file.format ?? ''),
    mediaType: String(file.mediaType ?? ''),
    records: Number(file.records ?? Number.NaN),
    bytes: Number(file.bytes ?? Number.NaN),
    sha256: String(file.sha256 ?? ''),
    url: String(file.url ?? ''),
  }));
}

/** Starts one bulk export and polls it to the end, once per run; every right-to-data check reads the result. */
export function runExport(ctx: RunContext): Promise<ExportRun> {
  return ctx.memo('export:run', async () => {
    const exchangeIds: string[] = [];
    const began = Date.now();
    const budget = Math.min(ctx.config.exportBudgetMs ?? DEFAULT_EXPORT_BUDGET_MS, ctx.config.runBudgetMs);
    const start = await ctx.http.request({
      url: '/exports',
      method: 'POST',
      auth: 'primary',
      headers: { 'content-type': 'application/json' },
      body: '{}',
      note: 'start a bulk export of every dataset',
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
        url: new URL(location, ctx.config.targetUrl).toString(),
        auth: 'primary',
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
          files: manifestFiles(job),
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
  });
}

export interface InvalidRecord {
  readonly line: number;
  readonly message: string;
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
  readonly ddmmyyyyDates: number;
  /** NDJSON: every record id, for completeness (sorted on demand, spilled to disk when there are many). */
  readonly ids: SortedIdSpill;
  /** NDJSON: up to `FIDELITY_SAMPLE` records by id, for fidelity. */
  readonly sample: ReadonlyMap<string, JsonObject>;
  readonly error?: string;
}

export const FIDELITY_SAMPLE = 200;
const DDMMYYYY = /(?<![\d/])(0[1-9]|[12]\d|3[01])\/(0[1-9]|1[0-2])\/\d{4}(?![\d/])/g;

const isDigit = (code: number) => code >= 0x30 && code <= 0x39;

/** dd/mm/yyyy dates in `text`. Most text has none: finding no `9/99/` first is far cheaper than the regex. */
function countDdmmyyyy(text: string): number {
  for (let at = text.indexOf('/'); at !== -1; at = text.indexOf('/', at + 1)) {
    if (
      text.charCodeAt(at + 3) === 0x2f &&
      isDigit(text.charCodeAt(at - 1)) &&
      isDigit(text.charCodeAt(at + 1))
    )
      return text.match(DDMMYYYY)?.length ?? 0;
  }
  return 0;
}

/**
 * Downloads every file of the completed export once, streaming: hash, byte and record counts, strict UTF-8,
 * RFC 4180 structure, and each NDJSON record parsed and validated against its reference schema as it
 * arrives. Only ids, counts, the first problems and a bounded sample stay in memory.
 */
export function analyseExport(ctx: RunContext): Promise<FileAnalysis[]> {
  return ctx.memo('export:analysis', async () => {
    const run = await runExport(ctx);
    if (run.outcome !== 'completed') return [];
    const datasets = new Map<string, ReferenceDataset>(ctx.reference.profile.datasets.map((d) => [d.id, d]));
    const out: FileAnalysis[] = [];
    for (const file of run.files) {
      out.push(await analyseFile(ctx, file, datasets.get(file.dataset)));
    }
    return out;
  });
}

async function analyseFile(
  ctx: RunContext,
  file: ManifestFile,
  dataset: ReferenceDataset | undefined,
): Promise<FileAnalysis> {
  const hash = createHash('sha256');
  let utf8 = true;
  // Strict UTF-8 for every format but NDJSON, which checks each run of whole lines itself.
  const utf8Check = new Utf8Check();
  // Text for CSV, and for NDJSON once a byte is not UTF-8: decoded leniently, bad bytes as U+FFFD.
  let lenient: StringDecoder | undefined;
  let pending = '';
  // NDJSON while every byte so far is UTF-8: the bytes of the line begun but not yet ended.
  let carry: Buffer[] = [];
  let records = 0;
  let line = 0;
  let invalidCount = 0;
  let ddmmyyyyDates = 0;
  const invalid: InvalidRecord[] = [];
  const ids = new SortedIdSpill(ctx.scratchDirectory, `export-${file.dataset}-${file.format}`);
  const sample = new Map<string, JsonObject>();
  const isCsv = file.format === 'csv' || /text\/csv/i.test(file.mediaType);
  const isNdjson = file.format === 'ndjson' || /ndjson/i.test(file.mediaType);
  const csv = isCsv ? new CsvStreamChecker() : undefined;
  const schemaPointer = dataset ? `/components/schemas/${dataset.schema}` : undefined;

  const noteInvalid = (message: string) => {
    invalidCount += 1;
    if (invalid.length < 10) invalid.push({ line, message });
  };
  const handleLine = (text: string) => {
    line += 1;
    // An object line starts with "{", which is not white space: trim only what might be blank.
    if (text.charCodeAt(0) !== 0x7b && text.trim() === '') return;
    records += 1;
    ddmmyyyyDates += countDdmmyyyy(text);
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch (error) {
      noteInvalid(`not JSON: ${(error as Error).message}`);
      return;
    }
    if (!isObject(record)) {
      noteInvalid('not a JSON object');
      return;
    }
    if (schemaPointer) {
      const errors = ctx.referenceValidator.validate(schemaPointer, record);
      if (errors.length > 0)
        noteInvalid(
          errors
            .slice(0, 3)
            .map((e) => e.message)
            .join('; '),
        );
    }
    if (dataset) {
      const id = String(record[dataset.idField]);
      ids.add(id);
      if (sample.size < FIDELITY_SAMPLE) sample.set(id, record);
    }
  };

  // NDJSON after the first byte that is not UTF-8: lines split from the lenient text, as they arrive.
  const handleText = (text: string) => {
    pending += text;
    let start = 0;
    let newline = pending.indexOf('\n');
    while (newline !== -1) {
      handleLine(pending.slice(start, newline));
      start = newline + 1;
      newline = pending.indexOf('\n', start);
    }
    pending = pending.slice(start);
  };
  // Every whole line so far was valid UTF-8 and is handled, so a lenient decoder would now hold only the
  // line begun (`carry`): start one from there, so the text is what it would have been all along.
  const fallBack = (rest: Buffer) => {
    utf8 = false;
    lenient = new StringDecoder('utf8');
    pending = carry.length > 0 ? lenient.write(Buffer.concat(carry)) : '';
    carry = [];
    handleText(lenient.write(rest));
  };
  // NDJSON while the bytes are UTF-8: lines are cut from the bytes at each \n (never inside a UTF-8
  // sequence) and decoded one by one, so an ASCII line stays a one-byte string for JSON.parse.
  const handleBytes = (chunk: Buffer) => {
    let newline = chunk.indexOf(0x0a);
    if (newline === -1) {
      carry.push(Buffer.from(chunk));
      return;
    }
    let start = 0;
    if (carry.length > 0) {
      carry.push(chunk.subarray(0, newline + 1));
      const first = Buffer.concat(carry);
      carry.pop();
      if (!isUtf8(first)) {
        fallBack(chunk);
        return;
      }
      carry = [];
      handleLine(first.toString('utf8', 0, first.length - 1));
      start = newline + 1;
      newline = chunk.indexOf(0x0a, start);
    }
    const last = chunk.lastIndexOf(0x0a);
    if (last >= start) {
      if (!isUtf8(chunk.subarray(start, last + 1))) {
        fallBack(chunk.subarray(start));
        return;
      }
      while (newline !== -1) {
        handleLine(chunk.toString('utf8', start, newline));
        start = newline + 1;
        newline = chunk.indexOf(0x0a, start);
      }
    }
    if (start < chunk.length) carry.push(Buffer.from(chunk.subarray(start)));
  };

  const url = new URL(file.url, ctx.config.targetUrl).toString();
  try {
    const result = await ctx.http.download(
      { url, auth: 'primary', note: `download export file ${file.dataset}.${file.format}` },
      (chunk) => {
        hash.update(chunk);
        if (csv) {
          if (!utf8Check.write(chunk)) utf8 = false;
          lenient ??= new StringDecoder('utf8');
          const text = lenient.write(chunk);
          csv.write(text);
          ddmmyyyyDates += countDdmmyyyy(text);
        } else if (isNdjson) {
          if (lenient) handleText(lenient.write(chunk));
          else handleBytes(chunk);
        } else if (!utf8Check.write(chunk)) utf8 = false;
      },
    );
    if (result.status === 200) {
      if (csv) {
        if (!utf8Check.end()) utf8 = false;
        csv.write(lenient?.end() ?? '');
        csv.end();
      } else if (isNdjson) {
        if (!lenient && carry.length > 0) {
          const last = Buffer.concat(carry);
          if (isUtf8(last)) {
            carry = [];
            pending = last.toString('utf8');
          } else fallBack(Buffer.alloc(0));
        }
        pending += lenient?.end() ?? '';
        if (pending !== '') handleLine(pending);
      } else if (!utf8Check.end()) utf8 = false;
    }
    return {
      file,
      exchangeId: result.exchange.id,
      status: result.status,
      contentType: result.headers['content-type'] ?? '',
      bytes: result.bytes,
      sha256: hash.digest('hex'),
      records: csv ? csv.records : records,
      utf8,
      invalid,
      invalidCount,
      csvProblems: csv?.problems ?? [],
      ddmmyyyyDates,
      ids,
      sample,
    };
  } catch (error) {
    if (!(error instanceof HarnessError)) throw error;
    return {
      file,
      ...(error.exchangeId ? { exchangeId: error.exchangeId } : {}),
      status: 0,
      contentType: '',
      bytes: 0,
      sha256: '',
      records: 0,
      utf8,
      invalid,
      invalidCount,
      csvProblems: [],
      ddmmyyyyDates,
      ids,
      sample,
      error: error.message,
    };
  }
}

/**
 * Strict UTF-8 over a byte stream, as a fatal TextDecoder would judge it, without decoding: each chunk is
 * checked up to a sequence its end cuts short, which is carried into the next.
 */
class Utf8Check {
  private valid = true;
  private tail: Buffer | undefined;

  /** False once a byte so far is not UTF-8. */
  write(chunk: Buffer): boolean {
    if (!this.valid) return false;
    const bytes = this.tail ? Buffer.concat([this.tail, chunk]) : chunk;
    const cut = incompleteFrom(bytes);
    this.tail = cut < bytes.length ? Buffer.from(bytes.subarray(cut)) : undefined;
    if (!isUtf8(bytes.subarray(0, cut))) {
      this.valid = false;
      this.tail = undefined;
    }
    return this.valid;
  }

  /** False when a byte was not UTF-8 or the stream ends inside a sequence. */
  end(): boolean {
    if (this.tail) this.valid = false;
    this.tail = undefined;
    return this.valid;
  }
}

/** Where a multi-byte sequence that the end of `bytes` cuts short begins; `bytes.length` when none does. */
function incompleteFrom(bytes: Buffer): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back] as number;
    if ((byte & 0xc0) === 0x80) continue;
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return length > back ? bytes.length - back : bytes.length;
  }
  return bytes.length;
}

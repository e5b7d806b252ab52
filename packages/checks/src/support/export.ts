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
  /** NDJSON: every record id, for completeness. */
  readonly ids: ReadonlySet<string>;
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
  const ids = new IdSet();
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

/**
 * The set of every exported id, kept off the JavaScript heap: a million ids as strings in a Set cost about
 * 80 MB and slow every garbage collection down as they grow; here they take about 40 MB of typed arrays
 * that the collector never walks. A ReadonlySet like any other: same values, in insertion order.
 */
export class IdSet implements ReadonlySet<string> {
  private units = new Uint16Array(1 << 16);
  private used = 0;
  /** Where each id's code units start in `units`; id i ends where id i + 1 starts. */
  private starts = new Uint32Array(1 << 12);
  private hashes = new Uint32Array(1 << 12);
  /** Open addressing, linear probing: 0 is empty, otherwise the id's index + 1. */
  private slots = new Int32Array(1 << 13);
  private count = 0;

  get size(): number {
    return this.count;
  }

  private hashOf(id: string): number {
    let hash = 0x811c9dc5;
    for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
    return hash >>> 0;
  }

  private equals(index: number, id: string, hash: number): boolean {
    if (this.hashes[index] !== hash) return false;
    const start = this.starts[index] as number;
    const end = index + 1 < this.count ? (this.starts[index + 1] as number) : this.used;
    if (end - start !== id.length) return false;
    for (let i = 0; i < id.length; i++) if (this.units[start + i] !== id.charCodeAt(i)) return false;
    return true;
  }

  /** The slot holding `id`, or the empty slot where it would go. */
  private slotOf(id: string, hash: number): number {
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot] as number;
      if (entry === 0 || this.equals(entry - 1, id, hash)) return slot;
    }
  }

  has(id: string): boolean {
    return typeof id === 'string' && this.slots[this.slotOf(id, this.hashOf(id))] !== 0;
  }

  add(id: string): this {
    const hash = this.hashOf(id);
    const slot = this.slotOf(id, hash);
    if (this.slots[slot] !== 0) return this;
    if (this.used + id.length > this.units.length) {
      const units = new Uint16Array(Math.max(this.units.length * 2, this.used + id.length));
      units.set(this.units.subarray(0, this.used));
      this.units = units;
    }
    for (let i = 0; i < id.length; i++) this.units[this.used + i] = id.charCodeAt(i);
    if (this.count === this.starts.length) {
      const starts = new Uint32Array(this.starts.length * 2);
      starts.set(this.starts);
      this.starts = starts;
      const hashes = new Uint32Array(this.hashes.length * 2);
      hashes.set(this.hashes);
      this.hashes = hashes;
    }
    this.starts[this.count] = this.used;
    this.hashes[this.count] = hash;
    this.used += id.length;
    this.count += 1;
    this.slots[slot] = this.count;
    if (this.count * 2 > this.slots.length) this.rehash();
    return this;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let index = 0; index < this.count; index++) {
      let slot = (this.hashes[index] as number) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = index + 1;
    }
    this.slots = slots;
  }

  private at(index: number): string {
    const start = this.starts[index] as number;
    const end = index + 1 < this.count ? (this.starts[index + 1] as number) : this.used;
    let out = '';
    for (let from = start; from < end; from += 4096)
      out += String.fromCharCode(...this.units.subarray(from, Math.min(end, from + 4096)));
    return out;
  }

  *values(): SetIterator<string> {
    for (let index = 0; index < this.count; index++) yield this.at(index);
  }

  keys(): SetIterator<string> {
    return this.values();
  }

  *entries(): SetIterator<[string, string]> {
    for (const id of this.values()) yield [id, id];
  }

  [Symbol.iterator](): SetIterator<string> {
    return this.values();
  }

  forEach(callback: (value: string, key: string, set: ReadonlySet<string>) => void, thisArg?: unknown): void {
    for (const id of this.values()) callback.call(thisArg, id, id, this);
  }
}

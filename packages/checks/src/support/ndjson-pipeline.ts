import type { JsonObject, SchemaValidator } from '@council-conform/openapi';
import type { ByteTally } from './byte-tally.ts';
import {
  type DayFirstDate,
  INVALID_KEPT,
  type InvalidRecord,
  NdjsonRecordAnalyser,
} from './ndjson-records.ts';
import type { FieldFacts } from './schema-fields.ts';
import type { SortedIdSpill } from './sorted-ids.ts';

/**
 * Lines are judged in batches of about this many bytes. Judging each network chunk as it came (64 KiB or
 * less) cost a quarter more per record in the export benchmark: fewer, larger batches keep the hot loop hot.
 */
export const BATCH_BYTES = 1024 * 1024;

export interface NdjsonTotals {
  readonly records: number;
  readonly invalid: readonly InvalidRecord[];
  readonly invalidCount: number;
  readonly dayFirstDates: number;
  readonly dayFirstExamples: readonly DayFirstDate[];
}

export interface NdjsonPipelineOptions {
  readonly validator: SchemaValidator;
  readonly schemaPointer?: string;
  readonly idField?: string;
  /** Ids of the records to keep whole in `sample` (the fidelity sample). */
  readonly keep?: ReadonlySet<string>;
  readonly fields?: ReadonlyMap<string, FieldFacts>;
  readonly ids: SortedIdSpill;
  readonly sample: Map<string, JsonObject>;
  /** The file's byte-level checks, given each batch in order; the caller reads their totals. */
  readonly tally: ByteTally;
}

/**
 * An NDJSON download, judged as it arrives: cuts the byte stream into batches of whole lines, tallies each
 * batch's bytes (SHA-256, UTF-8, dates) and judges its records. Ids go to the spill and sample records to
 * the sample; everything else is totalled. Memory is one batch, gathered into the same memory every time,
 * and the line it ends in.
 */
export class NdjsonRecordPipeline {
  private parts: Buffer[] = [];
  private size = 0;
  /** The first this many parts hold no newline: a line longer than a batch is searched once, not per chunk. */
  private partsWithoutNewline = 0;
  private memory = Buffer.allocUnsafeSlow(0);
  private readonly analyser: NdjsonRecordAnalyser;
  private lineOffset = 0;
  private records = 0;
  private invalidCount = 0;
  private readonly invalid: InvalidRecord[] = [];
  private dayFirstDates = 0;
  private readonly dayFirstExamples: DayFirstDate[] = [];

  constructor(private readonly options: NdjsonPipelineOptions) {
    this.analyser = new NdjsonRecordAnalyser({
      ...(options.schemaPointer
        ? { validator: options.validator, schemaPointer: options.schemaPointer }
        : {}),
      ...(options.idField !== undefined ? { idField: options.idField } : {}),
      ...(options.keep ? { keep: options.keep } : {}),
      ...(options.fields ? { fields: options.fields } : {}),
    });
  }

  write(chunk: Buffer): void {
    this.parts.push(chunk);
    this.size += chunk.length;
    if (this.size < BATCH_BYTES) return;
    const cut = this.lastLineEnd();
    // One line longer than a batch so far: keep gathering it.
    if (cut > 0) this.judge(cut);
  }

  /** Judges what is left (a last line without a newline) and gives the totals. */
  end(): NdjsonTotals {
    if (this.size > 0) this.judge(this.size);
    return {
      records: this.records,
      invalid: this.invalid,
      invalidCount: this.invalidCount,
      dayFirstDates: this.dayFirstDates,
      dayFirstExamples: this.dayFirstExamples,
    };
  }

  /** How many bytes gathered so far end with the last newline among them; 0 when none has one. */
  private lastLineEnd(): number {
    let end = this.size;
    for (let i = this.parts.length - 1; i >= this.partsWithoutNewline; i--) {
      const part = this.parts[i] as Buffer;
      end -= part.length;
      const at = part.lastIndexOf(0x0a);
      if (at !== -1) return end + at + 1;
    }
    this.partsWithoutNewline = this.parts.length;
    return 0;
  }

  /** Judges the first `bytes` gathered; the rest stays gathered. */
  private judge(bytes: number): void {
    const batch = this.gather(bytes);
    const candidateDates = this.options.tally.add(batch);
    const result = this.analyser.analyse(batch, candidateDates > 0);
    this.records += result.records;
    this.invalidCount += result.invalidCount;
    for (const entry of result.invalid)
      if (this.invalid.length < INVALID_KEPT)
        this.invalid.push({ line: this.lineOffset + entry.line, message: entry.message });
    this.dayFirstDates += result.dayFirstDates;
    for (const entry of result.dayFirstExamples)
      if (this.dayFirstExamples.length < INVALID_KEPT)
        this.dayFirstExamples.push({ line: this.lineOffset + entry.line, pointer: entry.pointer });
    this.lineOffset += result.lines;
    for (const id of result.ids) this.options.ids.add(id);
    for (const [id, record] of result.sample) this.options.sample.set(id, record);
  }

  /**
   * The first `bytes` gathered, copied into the same memory every time rather than concatenated into new
   * memory: gathering a 2 GB file into fresh buffers faulted in 2 GB of new pages, a twentieth of the export
   * benchmark's time.
   */
  private gather(bytes: number): Buffer {
    if (this.memory.length < bytes) this.memory = Buffer.allocUnsafeSlow(Math.max(bytes, 2 * BATCH_BYTES));
    let at = 0;
    let rest: Buffer[] = [];
    for (const [i, part] of this.parts.entries()) {
      const take = Math.min(part.length, bytes - at);
      part.copy(this.memory, at, 0, take);
      at += take;
      if (take < part.length) {
        rest = [part.subarray(take), ...this.parts.slice(i + 1)];
        break;
      }
    }
    this.parts = rest;
    this.partsWithoutNewline = 0;
    this.size -= bytes;
    return this.memory.subarray(0, bytes);
  }
}

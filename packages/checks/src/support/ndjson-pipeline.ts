import { isUtf8 } from 'node:buffer';
import type { Hash } from 'node:crypto';
import type { JsonObject, SchemaValidator } from '@council-conform/openapi';
import { INVALID_KEPT, type InvalidRecord, NdjsonRecordAnalyser } from './ndjson-records.ts';
import type { SortedIdSpill } from './sorted-ids.ts';

/**
 * Lines are judged in batches of about this many bytes. Judging each network chunk as it came (64 KiB or
 * less) cost a quarter more per record in the export benchmark: fewer, larger batches keep the hot loop hot.
 */
export const BATCH_BYTES = 1024 * 1024;

export interface NdjsonTotals {
  readonly records: number;
  readonly utf8: boolean;
  readonly invalid: readonly InvalidRecord[];
  readonly invalidCount: number;
  readonly ddmmyyyyDates: number;
}

export interface NdjsonPipelineOptions {
  readonly validator: SchemaValidator;
  readonly schemaPointer?: string;
  readonly idField?: string;
  readonly sampleSize: number;
  readonly ids: SortedIdSpill;
  readonly sample: Map<string, JsonObject>;
  /**
   * Fed every byte, in order, a batch at a time: hashing 1 MiB batches instead of each network chunk (often
   * 16 KiB) took the export benchmark's hashing from 5% of the time to under 2%.
   */
  readonly hash?: Hash;
}

/**
 * An NDJSON download, judged as it arrives: cuts the byte stream into batches of whole lines, checks each
 * batch is strict UTF-8, and has each judged in order. Ids go to the spill and sample records to the
 * sample; everything else is totalled. Memory is one batch and the line it ends in.
 */
export class NdjsonRecordPipeline {
  private parts: Buffer[] = [];
  private size = 0;
  private utf8 = true;
  private records = 0;
  private invalidCount = 0;
  private ddmmyyyyDates = 0;
  private readonly invalid: InvalidRecord[] = [];
  private readonly analyser: NdjsonRecordAnalyser;

  constructor(private readonly options: NdjsonPipelineOptions) {
    this.analyser = new NdjsonRecordAnalyser({
      ...(options.schemaPointer
        ? { validator: options.validator, schemaPointer: options.schemaPointer }
        : {}),
      ...(options.idField !== undefined ? { idField: options.idField } : {}),
      sampleSize: options.sampleSize,
    });
  }

  write(chunk: Buffer): void {
    this.parts.push(chunk);
    this.size += chunk.length;
    if (this.size < BATCH_BYTES) return;
    const all = this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts, this.size);
    const cut = all.lastIndexOf(0x0a) + 1;
    if (cut === 0) {
      // One line longer than a batch so far: keep gathering it.
      this.parts = [all];
      return;
    }
    this.parts = cut < all.length ? [all.subarray(cut)] : [];
    this.size = all.length - cut;
    this.judge(all.subarray(0, cut));
  }

  /** Judges what is left (a last line without a newline) and gives the totals. */
  end(): NdjsonTotals {
    if (this.size > 0) this.judge(Buffer.concat(this.parts, this.size));
    this.parts = [];
    this.size = 0;
    return {
      records: this.records,
      utf8: this.utf8,
      invalid: this.invalid,
      invalidCount: this.invalidCount,
      ddmmyyyyDates: this.ddmmyyyyDates,
    };
  }

  private judge(batch: Buffer): void {
    this.options.hash?.update(batch);
    if (this.utf8 && !isUtf8(batch)) this.utf8 = false;
    const result = this.analyser.analyse(batch);
    this.records += result.records;
    this.invalidCount += result.invalidCount;
    this.ddmmyyyyDates += result.ddmmyyyyDates;
    for (const entry of result.invalid) if (this.invalid.length < INVALID_KEPT) this.invalid.push(entry);
    for (const id of result.ids) this.options.ids.add(id);
    for (const [id, record] of result.sample)
      if (this.options.sample.size < this.options.sampleSize) this.options.sample.set(id, record);
  }
}

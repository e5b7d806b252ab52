import type { JsonObject, SchemaValidator } from '@council-conform/openapi';
import { isObject } from './json.ts';

export interface InvalidRecord {
  /** From 1: in a batch's result, within the batch; in a file's totals, within the file. */
  readonly line: number;
  readonly message: string;
}

/** The first this many invalid records are kept with their line numbers; the rest are only counted. */
export const INVALID_KEPT = 10;

/** What one batch of whole NDJSON lines held. */
export interface NdjsonBatchResult {
  /** Lines in the batch, blank ones included. */
  readonly lines: number;
  readonly records: number;
  readonly invalidCount: number;
  readonly invalid: readonly InvalidRecord[];
  /** Every record's id, in file order. */
  readonly ids: readonly string[];
  /** Records by id, while the fidelity sample still wants them. */
  readonly sample: readonly (readonly [string, JsonObject])[];
}

export interface NdjsonRecordOptions {
  readonly validator?: SchemaValidator;
  /** JSON pointer of the record schema in the reference; none when the dataset is unknown. */
  readonly schemaPointer?: string;
  readonly idField?: string;
  readonly sampleSize: number;
}

/**
 * Judges NDJSON records batch by batch, each batch being whole lines (the last batch may end without a
 * newline): parses and validates every record, and hands back ids and a bounded sample. Lines are numbered
 * from 1 within each batch; the pipeline numbers them within the file. What needs only the bytes (checksum,
 * UTF-8, date formats) is ByteTally's.
 */
export class NdjsonRecordAnalyser {
  private kept = 0;
  private sampled = 0;

  constructor(private readonly options: NdjsonRecordOptions) {}

  analyse(bytes: Uint8Array): NdjsonBatchResult {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const { validator, schemaPointer, idField, sampleSize } = this.options;
    let line = 0;
    let records = 0;
    let invalidCount = 0;
    const invalid: InvalidRecord[] = [];
    const ids: string[] = [];
    const sample: [string, JsonObject][] = [];
    const noteInvalid = (message: string) => {
      invalidCount += 1;
      if (this.kept < INVALID_KEPT) {
        this.kept += 1;
        invalid.push({ line, message });
      }
    };
    let start = 0;
    while (start < buffer.length) {
      let end = buffer.indexOf(0x0a, start);
      if (end === -1) end = buffer.length;
      // Each line decoded on its own: an ASCII line stays a one-byte string, which JSON.parse reads fastest,
      // and a line is never cut inside a UTF-8 sequence (0x0a is never part of one). Bytes that are not
      // UTF-8 become U+FFFD, exactly as decoding the whole stream leniently would make them.
      const text = buffer.toString('utf8', start, end);
      start = end + 1;
      line += 1;
      // An object line starts with "{", which is not white space: trim only what might be blank.
      if (text.charCodeAt(0) !== 0x7b && text.trim() === '') continue;
      records += 1;
      let record: unknown;
      try {
        record = JSON.parse(text);
      } catch (error) {
        noteInvalid(`not JSON: ${(error as Error).message}`);
        continue;
      }
      if (!isObject(record)) {
        noteInvalid('not a JSON object');
        continue;
      }
      if (validator && schemaPointer) {
        const errors = validator.validate(schemaPointer, record);
        if (errors.length > 0)
          noteInvalid(
            errors
              .slice(0, 3)
              .map((e) => e.message)
              .join('; '),
          );
      }
      if (idField !== undefined) {
        const id = String(record[idField]);
        ids.push(id);
        if (this.sampled < sampleSize) {
          this.sampled += 1;
          sample.push([id, record]);
        }
      }
    }
    return { lines: line, records, invalidCount, invalid, ids, sample };
  }
}

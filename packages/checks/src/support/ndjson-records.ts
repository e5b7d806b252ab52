import type { JsonObject, SchemaValidator } from '@council-conform/openapi';
import { isObject } from './json.ts';

export interface InvalidRecord {
  readonly line: number;
  readonly message: string;
}

/** The first this many invalid records are kept with their line numbers; the rest are only counted. */
export const INVALID_KEPT = 10;

/** What one batch of whole NDJSON lines held. */
export interface NdjsonBatchResult {
  readonly records: number;
  readonly invalidCount: number;
  readonly invalid: readonly InvalidRecord[];
  readonly ddmmyyyyDates: number;
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

const DDMMYYYY = /(?<![\d/])(0[1-9]|[12]\d|3[01])\/(0[1-9]|1[0-2])\/\d{4}(?![\d/])/g;
const isDigit = (code: number) => code >= 0x30 && code <= 0x39;

/** dd/mm/yyyy dates in `text`. Most text has none: finding no `9/99/` first is far cheaper than the regex. */
export function countDdmmyyyy(text: string): number {
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
 * Judges NDJSON records batch by batch, each batch being whole lines (the last batch may end without a
 * newline): parses and validates every record, counts dd/mm/yyyy dates, and hands back ids and a bounded
 * sample. The same code runs on the main thread for small exports and in a worker thread for large ones,
 * so the two can never judge differently. Lines are numbered across batches from 1.
 */
export class NdjsonRecordAnalyser {
  private line = 0;
  private kept = 0;
  private sampled = 0;

  constructor(private readonly options: NdjsonRecordOptions) {}

  analyse(bytes: Uint8Array): NdjsonBatchResult {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const { validator, schemaPointer, idField, sampleSize } = this.options;
    let records = 0;
    let invalidCount = 0;
    let ddmmyyyyDates = 0;
    const invalid: InvalidRecord[] = [];
    const ids: string[] = [];
    const sample: [string, JsonObject][] = [];
    const noteInvalid = (message: string) => {
      invalidCount += 1;
      if (this.kept < INVALID_KEPT) {
        this.kept += 1;
        invalid.push({ line: this.line, message });
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
      this.line += 1;
      // An object line starts with "{", which is not white space: trim only what might be blank.
      if (text.charCodeAt(0) !== 0x7b && text.trim() === '') continue;
      records += 1;
      ddmmyyyyDates += countDdmmyyyy(text);
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
    return { records, invalidCount, invalid, ddmmyyyyDates, ids, sample };
  }
}

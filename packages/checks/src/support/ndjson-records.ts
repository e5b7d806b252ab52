import type { JsonObject, SchemaValidator } from '@council-conform/openapi';
import { judgeDateValue } from './dates.ts';
import { isObject, walkJson } from './json.ts';
import type { FieldFacts } from './schema-fields.ts';

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
  /** Records whose id the fidelity sample wants. */
  readonly sample: readonly (readonly [string, JsonObject])[];
  /** Values the shared date rule (support/dates.ts) finds written day first, and the first few of them. */
  readonly dayFirstDates: number;
  readonly dayFirstExamples: readonly DayFirstDate[];
}

/** A day-first date found in an export: where it is, never the value (it may be a date of birth). */
export interface DayFirstDate {
  readonly line: number;
  readonly pointer: string;
}

export interface NdjsonRecordOptions {
  readonly validator?: SchemaValidator;
  /** JSON pointer of the record schema in the reference; none when the dataset is unknown. */
  readonly schemaPointer?: string;
  readonly idField?: string;
  /** Which records to keep whole, by id: the fidelity sample drawn from the API. */
  readonly keep?: ReadonlySet<string>;
  /** The reference's facts about the record's fields, for the date rule. */
  readonly fields?: ReadonlyMap<string, FieldFacts>;
}

/**
 * Judges NDJSON records batch by batch, each batch being whole lines (the last batch may end without a
 * newline): parses and validates every record, and hands back ids and a bounded sample. Lines are numbered
 * from 1 within each batch; the pipeline numbers them within the file. What needs only the bytes (checksum,
 * UTF-8, date formats) is ByteTally's.
 */
export class NdjsonRecordAnalyser {
  private kept = 0;
  private datesKept = 0;

  constructor(private readonly options: NdjsonRecordOptions) {}

  /**
   * `datesLikely`: the batch's bytes hold something shaped like dd/mm/yyyy (ByteTally counts them without
   * decoding), so its records' values are walked for the date rule; a batch without one is not walked.
   */
  analyse(bytes: Uint8Array, datesLikely = true): NdjsonBatchResult {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const { validator, schemaPointer, idField, keep, fields } = this.options;
    let dayFirstDates = 0;
    const dayFirstExamples: DayFirstDate[] = [];
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
        if (keep?.has(id)) sample.push([id, record]);
      }
      if (datesLikely) {
        walkJson(record, (pointer, key, value) => {
          if (typeof value !== 'string' || value.length < 8 || value.length > 19) return;
          const verdict = judgeDateValue(value, key ? fields?.get(key)?.formats : undefined);
          if (!verdict.date || verdict.ok || !verdict.dayFirst) return;
          dayFirstDates += 1;
          if (this.datesKept < INVALID_KEPT) {
            this.datesKept += 1;
            dayFirstExamples.push({ line, pointer });
          }
        });
      }
    }
    return { lines: line, records, invalidCount, invalid, ids, sample, dayFirstDates, dayFirstExamples };
  }
}

import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { countDdmmyyyyBytes } from './ddmmyyyy.ts';

/** What the byte-level checks found over a whole file. */
export interface ByteTotals {
  readonly sha256: string;
  /** False when a byte was not strict UTF-8, or the file ends inside a sequence. */
  readonly utf8: boolean;
  readonly ddmmyyyyDates: number;
}

/**
 * The checks that need only a file's bytes, not its records: SHA-256, strict UTF-8 and dd/mm/yyyy dates,
 * fed the file in order, cut anywhere. A UTF-8 sequence cut between two pieces is carried into the next; a
 * date cut between two is not counted, so the NDJSON pipeline feeds batches of whole lines, and the CSV
 * path counts as its text decoder always did, chunk by chunk.
 */
export class ByteTally {
  private readonly hash = createHash('sha256');
  private readonly utf8 = new Utf8Check();
  private ddmmyyyyDates = 0;

  constructor(private readonly options: { readonly countDates: boolean } = { countDates: true }) {}

  /** Tallies the bytes; returns how many dd/mm/yyyy dates they hold (0 when dates are not counted). */
  add(bytes: Buffer): number {
    this.hash.update(bytes);
    this.utf8.write(bytes);
    if (!this.options.countDates) return 0;
    const dates = countDdmmyyyyBytes(bytes);
    this.ddmmyyyyDates += dates;
    return dates;
  }

  /** Once, at the end. */
  totals(): ByteTotals {
    return { sha256: this.hash.digest('hex'), utf8: this.utf8.end(), ddmmyyyyDates: this.ddmmyyyyDates };
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

import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { countDdmmyyyyBytes } from './ddmmyyyy.ts';

/** What the byte-level checks found over a whole file. */
export interface ByteTotals {
  readonly sha256: string;
  /** False once any batch was not strict UTF-8. */
  readonly utf8: boolean;
  readonly ddmmyyyyDates: number;
}

/**
 * The checks that need only a file's bytes, not its records: SHA-256, strict UTF-8 and dd/mm/yyyy dates.
 * Fed batches that each end at a line end, so no UTF-8 sequence or date is ever cut between two batches.
 */
export class ByteTally {
  private readonly hash = createHash('sha256');
  private utf8 = true;
  private ddmmyyyyDates = 0;

  add(batch: Buffer): void {
    this.hash.update(batch);
    if (this.utf8 && !isUtf8(batch)) this.utf8 = false;
    this.ddmmyyyyDates += countDdmmyyyyBytes(batch);
  }

  totals(): ByteTotals {
    return { sha256: this.hash.digest('hex'), utf8: this.utf8, ddmmyyyyDates: this.ddmmyyyyDates };
  }
}

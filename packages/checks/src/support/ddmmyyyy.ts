/**
 * What the export checks call a dd/mm/yyyy date: a day 01-31, a month 01-12 and four digits for the year,
 * not inside a longer run of digits and slashes (so `/12/01/2024` in a URL path is not one). The definition
 * countDdmmyyyyBytes counts by, and the tests hold it to.
 */
export const DDMMYYYY = /(?<![\d/])(0[1-9]|[12]\d|3[01])\/(0[1-9]|1[0-2])\/\d{4}(?![\d/])/g;

const SLASH = 0x2f;

/** The digit at `at`, or -1 for anything else or outside the bytes. */
function digitAt(bytes: Uint8Array, at: number): number {
  const byte = at >= 0 && at < bytes.length ? (bytes[at] as number) : -1;
  return byte >= 0x30 && byte <= 0x39 ? byte - 0x30 : -1;
}

/** Neither a digit nor a slash, or outside the bytes: where the pattern's look-arounds let a date end. */
function boundaryAt(bytes: Uint8Array, at: number): boolean {
  return at < 0 || at >= bytes.length || (digitAt(bytes, at) === -1 && bytes[at] !== SLASH);
}

/**
 * The matches of DDMMYYYY in UTF-8 bytes, counted without decoding them and found from each slash. Two dates
 * never share a slash (the second would need a slash just before its day), so judging each slash alone
 * finds exactly the regex's non-overlapping matches.
 */
export function countDdmmyyyyBytes(bytes: Buffer): number {
  let count = 0;
  for (let at = bytes.indexOf(SLASH); at !== -1; at = bytes.indexOf(SLASH, at + 1)) {
    if (bytes[at + 3] !== SLASH) continue;
    const d1 = digitAt(bytes, at - 2);
    const d2 = digitAt(bytes, at - 1);
    const m1 = digitAt(bytes, at + 1);
    const m2 = digitAt(bytes, at + 2);
    if (d1 === -1 || d2 === -1 || m1 === -1 || m2 === -1) continue;
    const day = d1 * 10 + d2;
    const month = m1 * 10 + m2;
    if (day < 1 || day > 31 || month < 1 || month > 12) continue;
    if (!boundaryAt(bytes, at - 3)) continue;
    let year = 0;
    while (year < 4 && digitAt(bytes, at + 4 + year) !== -1) year += 1;
    if (year < 4 || !boundaryAt(bytes, at + 8)) continue;
    count += 1;
    at += 7;
  }
  return count;
}

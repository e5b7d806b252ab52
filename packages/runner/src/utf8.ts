/**
 * Offset of the first byte that starts a malformed UTF-8 sequence, for a message a supplier can act on
 * ("byte 0xe9 at offset 21"); 0 when none is found.
 */
export function firstInvalidUtf8Byte(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i] as number;
    const tail = lead < 0x80 ? 0 : lead >> 5 === 6 ? 1 : lead >> 4 === 14 ? 2 : lead >> 3 === 30 ? 3 : -1;
    if (tail < 0) return i;
    for (let k = 1; k <= tail; k += 1) if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    i += tail + 1;
  }
  return 0;
}

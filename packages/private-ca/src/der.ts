/**
 * The few DER (ITU-T X.690) encodings an X.509 certificate needs. Every value is encoded in its one
 * distinguished form: definite lengths in the fewest bytes, INTEGERs minimal and two's complement.
 */

/** A tag, its length and its contents. */
export function der(tag: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  let length: Buffer;
  if (body.length < 0x80) length = Buffer.from([body.length]);
  else {
    const bytes: number[] = [];
    for (let n = body.length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
    length = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), length, body]);
}

export const sequence = (...parts: Buffer[]): Buffer => der(0x30, ...parts);
export const set = (...parts: Buffer[]): Buffer => der(0x31, ...parts);
export const octetString = (value: Buffer): Buffer => der(0x04, value);
export const boolean = (value: boolean): Buffer => der(0x01, Buffer.from([value ? 0xff : 0x00]));
/** A BIT STRING of whole bytes (no unused bits). */
export const bitString = (value: Buffer): Buffer => der(0x03, Buffer.from([0]), value);

/**
 * A non-negative INTEGER from its big-endian bytes, in its shortest form: no leading zero byte unless the
 * next byte's top bit is set (it would read as negative without it). A needless leading zero is not DER, and
 * OpenSSL refuses a certificate whose serial number carries one.
 */
export function unsignedInteger(value: Buffer): Buffer {
  let start = 0;
  while (start < value.length - 1 && value[start] === 0) start += 1;
  const bytes = value.subarray(start);
  const first = bytes[0] ?? 0;
  return der(0x02, first & 0x80 || bytes.length === 0 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

export function objectIdentifier(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const groups = [arc & 0x7f];
    for (let n = arc >> 7; n > 0; n >>= 7) groups.unshift((n & 0x7f) | 0x80);
    bytes.push(...groups);
  }
  return der(0x06, Buffer.from(bytes));
}

/**
 * A certificate's validity time: UTCTime (YYMMDDHHMMSSZ) for 1950 to 2049, GeneralizedTime
 * (YYYYMMDDHHMMSSZ) otherwise, as RFC 5280 §4.1.2.5 requires; whole seconds.
 */
export function time(at: Date): Buffer {
  const digits = at.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const year = at.getUTCFullYear();
  return year >= 1950 && year <= 2049
    ? der(0x17, Buffer.from(`${digits.slice(2)}Z`, 'ascii'))
    : der(0x18, Buffer.from(`${digits}Z`, 'ascii'));
}

/** A Name holding one common name (a UTF8String). */
export function commonName(text: string): Buffer {
  return sequence(set(sequence(objectIdentifier('2.5.4.3'), der(0x0c, Buffer.from(text, 'utf8')))));
}

/** One X.509v3 extension: its OID, whether it is critical, and its DER value wrapped in an OCTET STRING. */
export function extension(id: string, value: Buffer, critical = false): Buffer {
  return sequence(objectIdentifier(id), ...(critical ? [boolean(true)] : []), octetString(value));
}

import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { der, time, unsignedInteger } from '../src/der.ts';
import { createPrivateCa } from '../src/index.ts';

const hex = (buffer: Buffer) => buffer.toString('hex');

describe('DER', () => {
  it('writes an INTEGER in its shortest form: no needless leading zero, a zero before a set top bit', () => {
    expect(hex(unsignedInteger(Buffer.from([0x05])))).toBe('020105');
    expect(hex(unsignedInteger(Buffer.from([0x00, 0x05])))).toBe('020105');
    expect(hex(unsignedInteger(Buffer.from([0x00, 0x00, 0x7f, 0x01])))).toBe('02027f01');
    expect(hex(unsignedInteger(Buffer.from([0x80])))).toBe('02020080');
    expect(hex(unsignedInteger(Buffer.from([0x00, 0x80])))).toBe('02020080');
    expect(hex(unsignedInteger(Buffer.from([0x00])))).toBe('020100');
    expect(hex(unsignedInteger(Buffer.from([0x00, 0x00])))).toBe('020100');
  });

  it('writes lengths in the fewest bytes', () => {
    expect(hex(der(0x04, Buffer.alloc(0x7f))).slice(0, 4)).toBe('047f');
    expect(hex(der(0x04, Buffer.alloc(0x80))).slice(0, 6)).toBe('048180');
    expect(hex(der(0x04, Buffer.alloc(0x100))).slice(0, 8)).toBe('04820100');
  });

  it('writes UTCTime up to 2049 and GeneralizedTime from 2050', () => {
    expect(time(new Date('2049-12-31T23:59:59.900Z')).toString('latin1').slice(2)).toBe('491231235959Z');
    expect(time(new Date('2050-01-01T00:00:00Z')).toString('latin1').slice(2)).toBe('20500101000000Z');
    expect(time(new Date('2050-01-01T00:00:00Z'))[0]).toBe(0x18);
  });
});

/** The serial number's content bytes, read from the DER: Certificate → TBSCertificate → [0] version → serial. */
function serialBytes(certificate: X509Certificate): Buffer {
  const raw = certificate.raw;
  let at = 0;
  const header = () => {
    const tag = raw[at] as number;
    let length = raw[at + 1] as number;
    at += 2;
    if (length & 0x80) {
      const count = length & 0x7f;
      length = raw.readUIntBE(at, count);
      at += count;
    }
    return { tag, length };
  };
  header(); // Certificate SEQUENCE
  header(); // TBSCertificate SEQUENCE
  const version = header();
  at += version.length;
  const serial = header();
  expect(serial.tag).toBe(0x02);
  return raw.subarray(at, at + serial.length);
}

describe('serial numbers', () => {
  // The hostile tests once made a serial with a needless leading zero 1 time in 256, which OpenSSL refused:
  // 600 certificates would hit that more than twice on average.
  it('are positive and minimal in every certificate, CA and server alike', () => {
    const ca = createPrivateCa();
    const certificates = [new X509Certificate(ca.certificatePem)];
    for (let i = 0; i < 600; i++)
      certificates.push(
        new X509Certificate(ca.issueServerCertificate({ hosts: ['127.0.0.1'] }).certificatePem),
      );
    const serials = new Set<string>();
    for (const certificate of certificates) {
      const serial = serialBytes(certificate);
      expect(serial.length).toBe(16);
      expect(serial[0]).toBeGreaterThanOrEqual(0x01);
      expect(serial[0]).toBeLessThanOrEqual(0x7f);
      serials.add(hex(serial));
    }
    expect(serials.size).toBe(certificates.length);
  });
});

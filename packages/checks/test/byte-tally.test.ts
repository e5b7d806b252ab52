import { createHash } from 'node:crypto';
import { createRng } from '@council-conform/synthetic-data';
import { describe, expect, it } from 'vitest';
import { ByteTally } from '../src/support/byte-tally.ts';

/** `bytes` fed to a tally in pieces cut at random places (a CSV download arrives so). */
function tallied(bytes: Buffer, seed: string, countDates = true) {
  const tally = new ByteTally({ countDates });
  const rng = createRng(seed);
  for (let at = 0; at < bytes.length; ) {
    const size = rng.int(1, 7);
    tally.add(bytes.subarray(at, at + size));
    at += size;
  }
  return tally.totals();
}

describe('ByteTally', () => {
  const text = Buffer.from('id,name,when\r\n1,Zoë Ñúñez ✓ 😀,31/12/2024\r\n2,"Dŵr, Caerdydd",2024-12-31\r\n');

  it('hashes and judges UTF-8 the same however the bytes are cut, a sequence cut between pieces included', () => {
    for (const seed of ['cut-a', 'cut-b', 'cut-c']) {
      const totals = tallied(text, seed, false);
      expect(totals).toEqual({
        sha256: createHash('sha256').update(text).digest('hex'),
        utf8: true,
        ddmmyyyyDates: 0,
      });
    }
  });

  it('finds a byte that is not UTF-8, and a file that ends inside a sequence', () => {
    const windows1252 = Buffer.concat([text, Buffer.from([0x93, 0x0a])]);
    expect(tallied(windows1252, 'cut-d').utf8).toBe(false);
    const cutShort = text.subarray(0, text.indexOf('😀') + 2);
    expect(tallied(cutShort, 'cut-e').utf8).toBe(false);
  });

  it('counts dd/mm/yyyy dates in whole pieces, and none when asked not to', () => {
    const tally = new ByteTally();
    for (const line of text.toString().split('\n')) tally.add(Buffer.from(`${line}\n`));
    expect(tally.totals().ddmmyyyyDates).toBe(1);
    const off = new ByteTally({ countDates: false });
    off.add(text);
    expect(off.totals().ddmmyyyyDates).toBe(0);
  });
});

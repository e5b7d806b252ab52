import { describe, expect, it } from 'vitest';
import { CertificateError, canonicalJson } from '../src/index.ts';
import { random } from './support.ts';

/** The double whose IEEE 754 bits are the given hex, as RFC 8785 Appendix B lists them. */
function fromBits(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

describe('canonicalJson (RFC 8785)', () => {
  it('serialises the numbers of RFC 8785 Appendix B as ECMAScript does', () => {
    const table: [string, string][] = [
      ['0000000000000000', '0'],
      ['8000000000000000', '0'],
      ['0000000000000001', '5e-324'],
      ['8000000000000001', '-5e-324'],
      ['7fefffffffffffff', '1.7976931348623157e+308'],
      ['ffefffffffffffff', '-1.7976931348623157e+308'],
      ['4340000000000000', '9007199254740992'],
      ['c340000000000000', '-9007199254740992'],
      ['4430000000000000', '295147905179352830000'],
      ['44b52d02c7e14af5', '9.999999999999997e+22'],
      ['44b52d02c7e14af6', '1e+23'],
      ['44b52d02c7e14af7', '1.0000000000000001e+23'],
      ['444b1ae4d6e2ef4e', '999999999999999700000'],
      ['444b1ae4d6e2ef4f', '999999999999999900000'],
      ['444b1ae4d6e2ef50', '1e+21'],
      ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
      ['3eb0c6f7a0b5ed8d', '0.000001'],
      ['41b3de4355555553', '333333333.3333332'],
      ['41b3de4355555554', '333333333.33333325'],
      ['41b3de4355555555', '333333333.3333333'],
      ['41b3de4355555556', '333333333.3333334'],
      ['41b3de4355555557', '333333333.33333343'],
      ['becbf647612f3696', '-0.0000033333333333333333'],
      ['43143ff3c1cb0959', '1424953923781206.2'],
    ];
    for (const [bits, text] of table) expect(canonicalJson(fromBits(bits)), bits).toBe(text);
  });

  it('refuses the values of Appendix B that JSON cannot carry: NaN and Infinity', () => {
    for (const bits of ['7fffffffffffffff', '7ff0000000000000', 'fff0000000000000']) {
      expect(() => canonicalJson({ value: fromBits(bits) }), bits).toThrow(CertificateError);
    }
    expect(() => canonicalJson([1, Number.NaN])).toThrow(/NaN at \$\[1\]/);
  });

  it('writes the example of RFC 8785 3.2.2: numbers, escapes and literals, sorted, without whitespace', () => {
    const input = JSON.parse(
      '{\n  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n' +
        '  "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",\n  "literals": [null, true, false]\n}',
    );
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts keys by UTF-16 code units as in RFC 8785 3.2.3, emoji surrogates before U+FB33', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    const canonical = canonicalJson(input);
    expect(canonical).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
    // The UTF-8 of the sorted keys, from the RFC: "\r" 1 U+0080 U+00F6 U+20AC U+1F600 U+FB33.
    const keyBytes = [...canonical.matchAll(/"([^"]*)":/g)].map((m) =>
      Buffer.from(m[1]!, 'utf8').toString('hex'),
    );
    expect(keyBytes).toEqual(['5c72', '31', 'c280', 'c3b6', 'e282ac', 'f09f9880', 'efacb3']);
  });

  it('keeps array order, nests, and writes -0 as 0 and empty containers as they are', () => {
    expect(canonicalJson({ b: [3, 1, { z: -0, a: [] }], a: {} })).toBe('{"a":{},"b":[3,1,{"a":[],"z":0}]}');
    expect(canonicalJson('x\u2028y\u007f')).toBe('"x\u2028y\u007f"');
    expect(canonicalJson('\u0000\u001f')).toBe('"\\u0000\\u001f"');
  });

  it('refuses what JSON cannot carry, naming where, with a CertificateError', () => {
    const cases: [unknown, RegExp][] = [
      [{ a: undefined }, /undefined at \$\.a /],
      [[() => 1], /a function at \$\[0\]/],
      [{ n: 10n }, /a bigint at \$\.n/],
      [{ s: Symbol('x') }, /a symbol at \$\.s/],
      [{ when: new Date(0) }, /a Date object at \$\.when/],
      [{ 'odd key': { m: new Map() } }, /a Map object at \$\["odd key"\]\.m/],
      [{ text: 'half \ud800 a pair' }, /lone UTF-16 surrogate at \$\.text/],
      // biome-ignore lint/suspicious/noSparseArray: a hole is what is under test.
      [[1, , 3], /undefined at \$\[1\]/],
      [undefined, /undefined at \$ /],
    ];
    for (const [value, message] of cases) {
      let thrown: unknown;
      try {
        canonicalJson(value);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, String(message)).toBeInstanceOf(CertificateError);
      expect((thrown as CertificateError).reason).toBe('malformed');
      expect((thrown as CertificateError).message).toMatch(message);
    }
  });

  it('refuses cycles but not a value shared by two members', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: [shared] })).toBe('{"a":{"x":1},"b":[{"x":1}]}');
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = { back: cyclic };
    expect(() => canonicalJson(cyclic)).toThrow(/a cycle\) at \$\.self\.back/);
  });

  it('accepts objects without a prototype', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { b: 1, a: 2 });
    expect(canonicalJson(bare)).toBe('{"a":2,"b":1}');
  });
});

const ALPHABET = [
  'a',
  'b',
  'Z',
  '1',
  '_',
  ' ',
  '"',
  '\\',
  '\n',
  '\u0000',
  'é',
  '€',
  '\u2028',
  '😀',
  'דּ',
  '\u007f',
];

function randomValue(next: () => number, depth: number): unknown {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const text = () => Array.from({ length: Math.floor(next() * 6) }, () => pick(ALPHABET)).join('');
  const kind = depth >= 4 ? Math.floor(next() * 4) : Math.floor(next() * 6);
  switch (kind) {
    case 0:
      return pick([null, true, false]);
    case 1:
      // Integers, fractions and extremes: the range where number serialisation differs between languages.
      return pick([
        () => Math.floor((next() - 0.5) * 2 ** 53),
        () => (next() - 0.5) * 10 ** Math.floor(next() * 40 - 20),
        () => pick([0, -0, 5e-324, 1e21, 1e-7, Number.MAX_VALUE, -Number.MIN_VALUE]),
      ])();
    case 2:
    case 3:
      return text();
    case 4:
      return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: Math.floor(next() * 5) }, () => [text(), randomValue(next, depth + 1)]),
      );
  }
}

/** The same value with every object's keys inserted in reverse. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([key, member]) => [key, reversedKeys(member)]),
    );
  return value;
}

describe('canonicalJson on generated values', () => {
  it('is a fixed point through JSON.parse and ignores key order, for 200 seeded values', () => {
    const next = random(8785);
    let sawReordering = 0;
    for (let index = 0; index < 200; index += 1) {
      const value = randomValue(next, 0);
      const canonical = canonicalJson(value);
      expect(canonicalJson(JSON.parse(canonical)), `value ${index}`).toBe(canonical);
      const reversed = reversedKeys(value);
      if (JSON.stringify(reversed) !== JSON.stringify(value)) sawReordering += 1;
      expect(canonicalJson(reversed), `value ${index} with keys reversed`).toBe(canonical);
      // Same data as JSON.stringify gives, only sorted: nothing dropped or added.
      expect(JSON.parse(canonical), `value ${index}`).toEqual(JSON.parse(JSON.stringify(value)));
    }
    // Guards the generator: a property that never met a reordered object would prove nothing about order.
    expect(sawReordering).toBeGreaterThan(20);
  });
});

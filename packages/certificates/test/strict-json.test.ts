import { describe, expect, it } from 'vitest';
import { parseStrictJson } from '../src/index.ts';
import { random as seeded } from './support.ts';

/** The refusal's message, or a failure naming the value read when there was none. */
function refusal(text: string): { problem: string; message: string } {
  const result = parseStrictJson(text);
  if (result.ok) throw new Error(`expected ${text} to be refused, read ${JSON.stringify(result.value)}`);
  return { problem: result.problem, message: result.message };
}

describe('parseStrictJson refuses what JSON.parse reads unsoundly', () => {
  it('refuses a repeated member name anywhere, even with an equal value, naming the object by its path', () => {
    // JSON.parse keeps the last one: the first is what a person or another reader may see instead.
    expect(JSON.parse('{"level":"gold","level":"silver"}')).toEqual({ level: 'silver' });
    expect(refusal('{"level":"gold","level":"silver"}')).toEqual({
      problem: 'duplicate-key',
      message: 'duplicate key "level" at $: readers disagree on which value counts',
    });
    expect(refusal('{"certificate":{"level":"gold","supplier":"x","level":"silver"}}').message).toMatch(
      /^duplicate key "level" at \$\.certificate:/,
    );
    expect(refusal('{"report":{"checks":[{"id":1},{"id":2,"id":2}]}}').message).toMatch(
      /^duplicate key "id" at \$\.report\.checks\[1\]:/,
    );
    expect(refusal('[0,{"a b":{"":1,"":1}}]').message).toMatch(/^duplicate key "" at \$\[1\]\["a b"\]:/);
    // Escapes are read before names are compared: "\u006c" is "l".
    expect(refusal('{"level":1,"\\u006cevel":1}').message).toMatch(/^duplicate key "level" at \$:/);
    // The same name in two different objects is no repetition.
    expect(parseStrictJson('{"a":{"id":1},"b":{"id":1}}')).toEqual({
      ok: true,
      value: { a: { id: 1 }, b: { id: 1 } },
    });
  });

  it('refuses an integer past ±(2^53 − 1), however written, naming its path and what it reads as', () => {
    expect(JSON.parse('9007199254740993')).toBe(9007199254740992);
    expect(refusal('{"report":{"x":9007199254740993}}')).toEqual({
      problem: 'inexact-number',
      message:
        'the number 9007199254740993 at $.report.x cannot be held exactly: it is an integer beyond ±9007199254740991, past which a double skips integers (it reads as 9007199254740992)',
    });
    const large = ['9007199254740992', '-9007199254740992', '1e16', '12345678901234567000', '1e+21'];
    // The largest double is an integer too, and its neighbours are 2^971 apart.
    for (const text of [...large, '1.7976931348623157e308'])
      expect(refusal(`[${text}]`), text).toMatchObject({
        problem: 'inexact-number',
        message: expect.stringMatching(new RegExp(`^the number ${text.replace('+', '\\+')} at \\$\\[0\\]`)),
      });
    expect(parseStrictJson('[9007199254740991,-9007199254740991]')).toEqual({
      ok: true,
      value: [Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER],
    });
  });

  it('refuses a literal that is not the decimal of the double it reads as: extra digits, overflow, underflow', () => {
    expect(refusal('{"d":0.10000000000000000001}').message).toBe(
      'the number 0.10000000000000000001 at $.d cannot be held exactly: it has more precision than a JSON number holds (it reads as 0.1)',
    );
    expect(refusal('[3.1415926535897932]').message).toMatch(/it reads as 3\.141592653589793\)$/);
    expect(refusal('[1e400]').message).toMatch(/1e400 at \$\[0\] cannot be held exactly: it is too large/);
    expect(refusal('[-1e400]').message).toMatch(/it reads as -Infinity/);
    expect(refusal('[1e-400]').message).toMatch(/it is too small for a JSON number \(it reads as 0\)/);
  });

  it('reads the same value written another way: trailing zeros, exponents, negative zero', () => {
    const same: [string, number][] = [
      ['0.1', 0.1],
      ['1.0', 1],
      ['1e2', 100],
      ['1E+2', 100],
      ['100e-2', 1],
      ['0.000', 0],
      ['-0', -0],
      ['0e999999999999999999999', 0],
      ['1.5e-7', 1.5e-7],
      ['5e-324', 5e-324],
      ['3.141592653589793', Math.PI],
      ['-2.5', -2.5],
    ];
    for (const [text, value] of same) {
      const result = parseStrictJson(text);
      expect(result, text).toEqual({ ok: true, value });
      expect(Object.is(result.ok && result.value, value), text).toBe(true);
    }
  });
});

describe('parseStrictJson reads everything else as JSON.parse does', () => {
  it('gives JSON.parse’s values, a member named __proto__ included', () => {
    const texts = [
      '{"a":[1,2,{"b":null}],"c":"d\\u0041\\n\\t\\"\\\\\\/","e":true,"f":false}',
      ' \t\r\n[ ] ',
      '{}',
      '""',
      '"\\ud800 lone, \\ud83d\\ude00 paired, \u2028 line separator"',
      '{"__proto__":{"polluted":true},"constructor":1}',
      '{"2":"b","1":"a","x":0}',
      '[[[[[[]]]]]]',
    ];
    for (const text of texts) {
      const result = parseStrictJson(text);
      expect(result, text).toEqual({ ok: true, value: JSON.parse(text) });
    }
    const proto = parseStrictJson('{"__proto__":{"polluted":true}}');
    expect(proto.ok && Object.getPrototypeOf(proto.value)).toBe(Object.prototype);
    expect(proto.ok && Object.keys(proto.value as object)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses what JSON.parse refuses, naming the line and column', () => {
    const broken = [
      '',
      ' ',
      '{',
      '[1,]',
      '{"a":1,}',
      '{a:1}',
      "{'a':1}",
      '01',
      '1.',
      '.5',
      '+1',
      '-',
      '1e',
      'NaN',
      'Infinity',
      'tru',
      'nul',
      '"\\x"',
      '"\\u12"',
      '"tab\there"',
      '"open',
      '[1 2]',
      '{"a" 1}',
      '1 2',
      '\ufeff{}',
      '[1]]',
    ];
    for (const text of broken) {
      expect(() => JSON.parse(text), text).toThrow();
      expect(refusal(text).problem, text).toBe('not-json');
    }
    expect(refusal('{\n  "a": 1,\n  "b": ]\n}').message).toBe('unexpected "]" at line 3 column 8');
    expect(refusal('\ufeff{}').message).toBe('unexpected U+FEFF at line 1 column 1');
    expect(refusal('{"a":1').message).toBe('unexpected end of text ("," or "}")');
  });

  it('agrees with JSON.parse on thousands of random texts, refusing only repeated names and inexact numbers', () => {
    const random = seeded(19);
    const tokens = ['{', '}', '[', ']', ',', ':', '"a"', '"b"', '0', '-1.5', '2e3', 'true', 'null', ' '];
    let agreed = 0;
    for (let round = 0; round < 20_000; round += 1) {
      const length = 1 + Math.floor(random() * 12);
      const text = Array.from({ length }, () => tokens[Math.floor(random() * tokens.length)]).join('');
      let expected: { ok: true; value: unknown } | { ok: false };
      try {
        expected = { ok: true, value: JSON.parse(text) };
      } catch {
        expected = { ok: false };
      }
      const result = parseStrictJson(text);
      // Reading stops at the first problem, so text JSON.parse refuses may be refused for something earlier.
      if (!expected.ok) expect(result.ok, text).toBe(false);
      else if (result.ok) expect(result.value, text).toEqual(expected.value);
      // Tokens run together make numbers such as 2e30, so both refusals of readable JSON turn up here.
      else expect(['duplicate-key', 'inexact-number'], text).toContain(result.problem);
      if (expected.ok === result.ok) agreed += 1;
    }
    // The generator must reach valid JSON often enough for the comparison to mean something.
    expect(agreed).toBeGreaterThan(15_000);
  });

  it('reads nesting of any depth without overflowing the stack', () => {
    const depth = 200_000;
    const result = parseStrictJson(`${'['.repeat(depth)}${']'.repeat(depth)}`);
    expect(result.ok).toBe(true);
    expect(refusal(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth - 1)}`).message).toMatch(
      /^unexpected end of text/,
    );
  });
});

import { describe, expect, it } from 'vitest';
import {
  createSchemaValidator,
  linearRegExp,
  referenceSchemaValidator,
  repeatsARepeatingGroup,
  UnsafePatternError,
} from '../src/index.ts';

describe('linearRegExp, for the patterns a supplier writes', () => {
  it.for([
    ['^\\d{1,12}$', ['100023336956', '1'], ['', '1000233369561', '12a']],
    ['^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$', ['SW1A 1AA', 'M1 1AE'], ['sw1a 1aa', 'SW1A-1AA']],
    ['^[\\u0020-\\u007e]*$', ['plain text', ''], ['café', 'tab\there']],
    ['^\\u{1F600}$', ['😀'], ['😁', ':)']],
    ['^(?<year>\\d{4})-(0[1-9]|1[0-2])$', ['2026-12'], ['2026-13', '26-12']],
    ['colour|color', ['the colour', 'a color'], ['a hue']],
    ['^(?=.*\\d)[a-z\\d]{8,}$', ['abcdefg1'], ['abcdefgh', 'abc1']],
    ['^\\p{L}+$', ['Llanfairpwllgwyngyll', 'Zoë'], ['R2D2', '']],
  ] as const)('matches %s as JavaScript does', ([pattern, matching, other], { expect }) => {
    const linear = linearRegExp(pattern, 'u');
    const native = new RegExp(pattern, 'u');
    for (const text of [...matching, ...other]) expect(linear.test(text), text).toBe(native.test(text));
    for (const text of matching) expect(linear.test(text), text).toBe(true);
    for (const text of other) expect(linear.test(text), text).toBe(false);
  });

  // JavaScript's engine takes minutes on forty characters of these; RE2 reads a hundred thousand at once.
  it.for([
    ['^(a+)+$', `${'a'.repeat(100_000)}!`],
    ['^(a|aa)*$', `${'a'.repeat(100_000)}!`],
    ['^([\\w.]+)*@example\\.org$', `${'a.'.repeat(50_000)}!`],
  ] as const)('matches %s in linear time', ([pattern, text], { expect }) => {
    expect(linearRegExp(pattern, 'u').test(text)).toBe(false);
  });

  it('refuses, naming it, a pattern RE2 cannot read that would backtrack without bound', () => {
    expect(() => linearRegExp('^(?=a)(a+)+$', 'u')).toThrow(UnsafePatternError);
    expect(() => linearRegExp('^(?=a)(a+)+$', 'u')).toThrow(
      /"\^\(\?=a\)\(a\+\)\+\$" cannot be matched safely/,
    );
  });

  it.for([
    ['(a+)+', true],
    ['(a|b)*', true],
    ['((ab)+c)*', true],
    ['(a+){2,}', true],
    ['(ab)+', false],
    ['[(a+)]+', false],
    ['\\(a+\\)+', false],
    ['^\\d+-\\d+$', false],
    ['(?=x)abc', false],
  ] as const)('judges %s as repeating a repeating group: %s', ([pattern, repeats], { expect }) => {
    expect(repeatsARepeatingGroup(pattern)).toBe(repeats);
  });
});

describe('createSchemaValidator', () => {
  const document = {
    openapi: '3.1.0',
    components: { schemas: { Reference: { type: 'string', pattern: '^(a+)+$' } } },
  };

  it("matches a supplier description's patterns in linear time", () => {
    const errors = createSchemaValidator(document).validate(
      '/components/schemas/Reference',
      `${'a'.repeat(100_000)}!`,
    );
    expect(errors.map((error) => error.message)).toEqual(['(root) must match pattern "^(a+)+$"']);
    expect(createSchemaValidator(document).validate('/components/schemas/Reference', 'aaa')).toEqual([]);
  });

  it('keeps each pattern its own', () => {
    const two = {
      openapi: '3.1.0',
      components: {
        schemas: {
          Uprn: { type: 'string', pattern: '^\\d{1,12}$' },
          Usrn: { type: 'string', pattern: '^\\d{1,8}$' },
        },
      },
    };
    const validator = createSchemaValidator(two);
    expect(validator.validate('/components/schemas/Uprn', '100023336956')).toEqual([]);
    expect(validator.validate('/components/schemas/Usrn', '100023336956')).toHaveLength(1);
    expect(validator.validate('/components/schemas/Usrn', 'abc')).toHaveLength(1);
  });

  it('says which pattern it cannot match safely', () => {
    const unsafe = {
      openapi: '3.1.0',
      components: { schemas: { Reference: { type: 'string', pattern: '^(?!x)(a|aa)+$' } } },
    };
    expect(() => createSchemaValidator(unsafe).validate('/components/schemas/Reference', 'a')).toThrow(
      UnsafePatternError,
    );
  });
});

describe('referenceSchemaValidator', () => {
  it('is one validator per reference document, trusting its patterns, and its own for another', () => {
    const reference = {
      openapi: '3.1.0',
      components: { schemas: { Ward: { type: 'string', pattern: '^(?!x)(a|aa)+$' } } },
    };
    const validator = referenceSchemaValidator(reference);
    expect(referenceSchemaValidator(reference)).toBe(validator);
    // Trusted: JavaScript's own engine, which takes a look-ahead the linear engine refuses.
    expect(validator.validate('/components/schemas/Ward', 'aaa')).toEqual([]);
    const other = { ...reference, components: { schemas: { Ward: { type: 'integer' } } } };
    expect(referenceSchemaValidator(other)).not.toBe(validator);
    expect(referenceSchemaValidator(other).validate('/components/schemas/Ward', 'aaa')).toHaveLength(1);
  });
});

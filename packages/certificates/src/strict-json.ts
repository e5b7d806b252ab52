/*
 * A JSON reader that refuses text two readers could take differently. JSON.parse keeps the last of two members
 * of the same name and rounds every number to a double, so a signed file can carry a second, earlier
 * "level" that other readers (and people) see, or an integer edited past 2^53 that still reads as the signed
 * value: its text is then not what was signed. Hand-written because the libraries that notice these
 * (lossless-json, json-bigint in strict mode) hand back their own number types instead of the plain values
 * JSON.parse gives, tell a place by character offset rather than by JSON path, and lossless-json lets a
 * repeated member through when both values are equal. This is JSON.parse's grammar (RFC 8259) and values,
 * with two refusals more; it keeps its own stack, so no nesting depth can overflow the call stack.
 */

export type StrictJsonResult =
  | { readonly ok: true; readonly value: unknown }
  | {
      readonly ok: false;
      /** `not-json` for a syntax error; the other two for JSON that JSON.parse would read, but not soundly. */
      readonly problem: 'not-json' | 'duplicate-key' | 'inexact-number';
      readonly message: string;
    };

type Frame =
  | { readonly kind: 'array'; readonly value: unknown[] }
  | { readonly kind: 'object'; readonly value: Record<string, unknown>; key: string };

class Refusal {
  constructor(
    readonly problem: 'not-json' | 'duplicate-key' | 'inexact-number',
    readonly message: string,
  ) {}
}

const memberPath = (path: string, key: string) =>
  /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;

/** The JSON path of the value being read: `$`, `$.report.checks[1]`, `$["a b"]`. */
function pathOf(stack: readonly Frame[]): string {
  let path = '$';
  for (const frame of stack)
    path = frame.kind === 'array' ? `${path}[${frame.value.length}]` : memberPath(path, frame.key);
  return path;
}

/** The path of the object or array on top of the stack itself, not of the member being read in it. */
const containerPath = (stack: readonly Frame[]) => pathOf(stack.slice(0, -1));

// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON forbids them unescaped in a string; they are what is sought.
const NEEDS_WALK = /[\\\u0000-\u001f]/;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;
/** What readValueStart gives back for `{` or `[`: distinct from every value JSON can hold. */
const OPENED = Symbol('opened');
const LITERALS = [
  ['true', true],
  ['false', false],
  ['null', null],
] as const;
const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/** A decimal literal as sign, significant digits and exponent, so equal values compare equal as strings. */
function exactDecimal(literal: string): string {
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = DECIMAL.exec(literal) ?? [];
  let digits = (whole + fraction).replace(/^0+/, '');
  if (digits === '') return '0';
  // BigInt, because a literal's exponent may be past what a double counts exactly.
  let scale = BigInt(exponent) - BigInt(fraction.length);
  const trailing = digits.length - digits.replace(/0+$/, '').length;
  digits = digits.slice(0, digits.length - trailing);
  scale += BigInt(trailing);
  return `${sign}${digits}e${scale}`;
}

/**
 * Why a number literal cannot stand for the double it is read as, or undefined when it can. A literal is
 * sound when it is exactly the decimal ECMAScript writes for that double (however spaced: 1.0, 1e2), so no
 * two different values verify as one; and an integer only within ±(2^53 − 1), past which neighbouring
 * integers share a double and readers with exact integers (RFC 7493, I-JSON) see another number.
 */
function inexactNumber(literal: string, value: number): string | undefined {
  if (!Number.isFinite(value)) return `is too large for a JSON number (it reads as ${value})`;
  const written = String(value);
  if (Number.isInteger(value) && !Number.isSafeInteger(value))
    return `is an integer beyond ±${Number.MAX_SAFE_INTEGER}, past which a double skips integers${exactDecimal(literal) === exactDecimal(written) ? '' : ` (it reads as ${written})`}`;
  // The common case, and all JSON.stringify writes: the literal is ECMAScript's own text for the double.
  if (written === literal) return undefined;
  if (exactDecimal(literal) === exactDecimal(written)) return undefined;
  return value === 0
    ? 'is too small for a JSON number (it reads as 0)'
    : `has more precision than a JSON number holds (it reads as ${written})`;
}

/**
 * The path and value of the first number in a parsed value that parseStrictJson would refuse once written
 * out, or undefined. Only integers past ±(2^53 − 1) can be: ECMAScript writes every other double as the decimal
 * that reads back to it. So a signer can refuse what no verifier of the file would accept.
 */
export function firstInexactNumber(value: unknown, path = '$'): { path: string; value: number } | undefined {
  if (typeof value === 'number')
    return Number.isInteger(value) && !Number.isSafeInteger(value) ? { path, value } : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = firstInexactNumber(item, `${path}[${index}]`);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, member] of Object.entries(value)) {
    const found = firstInexactNumber(member, memberPath(path, key));
    if (found) return found;
  }
  return undefined;
}

/** A character as people can read it: quoted when visible, else its code point (a byte-order mark is U+FEFF). */
const shown = (codePoint: number) =>
  /[\p{L}\p{N}\p{P}\p{S}]/u.test(String.fromCodePoint(codePoint))
    ? JSON.stringify(String.fromCodePoint(codePoint))
    : `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;

/** Where in the text an offset is, for people: line and column from 1. */
function place(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (
    let index = text.indexOf('\n');
    index !== -1 && index < offset;
    index = text.indexOf('\n', index + 1)
  ) {
    line += 1;
    lineStart = index + 1;
  }
  return `line ${line} column ${offset - lineStart + 1}`;
}

/**
 * Reads JSON text as JSON.parse does, and refuses what JSON.parse would read unsoundly: an object with two
 * members of the same name, anywhere, and a number literal a double cannot hold exactly (see inexactNumber).
 * Every refusal names the JSON path; a syntax error names the line and column. Never throws.
 */
export function parseStrictJson(text: string): StrictJsonResult {
  try {
    return { ok: true, value: read(text) };
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, problem: error.problem, message: error.message };
    throw error;
  }
}

function read(text: string): unknown {
  let at = 0;
  const stack: Frame[] = [];

  const syntax = (what: string): Refusal =>
    new Refusal(
      'not-json',
      at >= text.length
        ? `unexpected end of text${what ? ` (${what})` : ''}`
        : `unexpected ${shown(text.codePointAt(at) ?? 0)} at ${place(text, at)}${what ? ` (${what})` : ''}`,
    );

  const skipSpace = () => {
    for (;;) {
      const code = text.charCodeAt(at);
      // JSON's whitespace is these four and no other: not a byte-order mark, not a no-break space.
      if (code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09) at += 1;
      else return;
    }
  };

  const readString = (): string => {
    // `at` is on the opening quote.
    at += 1;
    // Most strings hold no escape: take them whole, and walk character by character only when one does.
    const close = text.indexOf('"', at);
    if (close !== -1) {
      const whole = text.slice(at, close);
      if (!NEEDS_WALK.test(whole)) {
        at = close + 1;
        return whole;
      }
    }
    let result = '';
    let runStart = at;
    for (;;) {
      if (at >= text.length) throw syntax('a string is not closed');
      const code = text.charCodeAt(at);
      if (code === 0x22) {
        result += text.slice(runStart, at);
        at += 1;
        return result;
      }
      if (code < 0x20) throw syntax('a control character must be escaped in a string');
      if (code !== 0x5c) {
        at += 1;
        continue;
      }
      result += text.slice(runStart, at);
      const escaped = text[at + 1];
      if (escaped === 'u') {
        const hex = text.slice(at + 2, at + 6);
        if (!/^[0-9A-Fa-f]{4}$/.test(hex)) {
          at += 1;
          throw syntax('\\u needs four hex digits');
        }
        result += String.fromCharCode(Number.parseInt(hex, 16));
        at += 6;
      } else if (escaped !== undefined && Object.hasOwn(ESCAPES, escaped)) {
        result += ESCAPES[escaped];
        at += 2;
      } else {
        at += 1;
        throw syntax('not an escape JSON has');
      }
      runStart = at;
    }
  };

  const readNumber = (): number => {
    NUMBER.lastIndex = at;
    const literal = NUMBER.exec(text)?.[0];
    if (!literal) throw syntax('');
    // A literal must end where the grammar does: "01" or "1.e5" are not numbers.
    const next = text[at + literal.length];
    if (next !== undefined && /[\d.eE+-]/.test(next)) {
      at += literal.length;
      throw syntax('not a JSON number');
    }
    const value = Number(literal);
    const inexact = inexactNumber(literal, value);
    if (inexact)
      throw new Refusal(
        'inexact-number',
        `the number ${literal} at ${pathOf(stack)} cannot be held exactly: it ${inexact}`,
      );
    at += literal.length;
    return value;
  };

  /** Reads a scalar, or opens an object or array (pushed on the stack) and returns OPENED. */
  const readValueStart = (): unknown => {
    skipSpace();
    const char = text[at];
    if (char === '{' || char === '[') {
      at += 1;
      stack.push(char === '{' ? { kind: 'object', value: {}, key: '' } : { kind: 'array', value: [] });
      return OPENED;
    }
    if (char === '"') return readString();
    if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) return readNumber();
    for (const [word, value] of LITERALS)
      if (text.startsWith(word, at)) {
        at += word.length;
        return value;
      }
    throw syntax(char === undefined ? 'a value is missing' : '');
  };

  /** Reads the next member name of the object on top of the stack, and the ":" after it. */
  const readKey = (frame: Frame & { kind: 'object' }) => {
    skipSpace();
    if (text[at] !== '"') throw syntax('a member name in double quotes');
    const key = readString();
    if (Object.hasOwn(frame.value, key))
      throw new Refusal(
        'duplicate-key',
        `duplicate key ${JSON.stringify(key)} at ${containerPath(stack)}: readers disagree on which value counts`,
      );
    frame.key = key;
    skipSpace();
    if (text[at] !== ':') throw syntax('":" after a member name');
    at += 1;
  };

  const store = (frame: Frame, value: unknown) => {
    if (frame.kind === 'array') frame.value.push(value);
    // "__proto__" is the one name that assigning would not make a member of a plain object: JSON.parse makes
    // it a member, never the prototype.
    else if (frame.key === '__proto__')
      Object.defineProperty(frame.value, frame.key, {
        value,
        writable: true,
        enumerable: true,
        configurable: true,
      });
    else frame.value[frame.key] = value;
  };

  let result: unknown;
  let done = false;
  let value = readValueStart();
  if (value !== OPENED) {
    result = value;
    done = true;
  }
  // Each turn: the container on top has just been opened, or has just had a value stored in it.
  let opened = !done;
  while (!done) {
    const frame = stack.at(-1)!;
    const close = frame.kind === 'array' ? ']' : '}';
    if (opened) skipSpace();
    if (opened && text[at] === close) {
      at += 1;
      value = stack.pop()!.value;
    } else if (opened) {
      if (frame.kind === 'object') readKey(frame);
      value = readValueStart();
    } else {
      skipSpace();
      if (text[at] === ',') {
        at += 1;
        if (frame.kind === 'object') readKey(frame);
        value = readValueStart();
      } else if (text[at] === close) {
        at += 1;
        value = stack.pop()!.value;
      } else throw syntax(`"," or "${close}"`);
    }
    if (value === OPENED) {
      opened = true;
      continue;
    }
    // A value is complete: store it in its container, or it is the whole text.
    const parent = stack.at(-1);
    if (!parent) {
      result = value;
      done = true;
    } else {
      store(parent, value);
      opened = false;
    }
  }
  skipSpace();
  if (at < text.length) throw syntax('only one JSON value may be given');
  return result;
}

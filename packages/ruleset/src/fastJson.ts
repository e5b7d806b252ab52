import { JsonParser } from './spectral.ts';

/**
 * Spectral's JSON parser builds a syntax tree of every value with its position (seconds and hundreds of
 * MB for a description of 20 MB) so that a finding can say where it is. Most of that tree is never asked
 * for: a clean description has no finding. This parser reads the data with JSON.parse and builds
 * Spectral's tree only when a position is first asked for. Text that JSON.parse refuses, or that repeats a
 * key in one object (which JSON.parse would pass over in silence, keeping the last), goes to Spectral's
 * parser at once, so syntax errors and duplicate keys are reported exactly as before.
 */

type SpectralJsonParser = typeof JsonParser;
type ParserResult = ReturnType<SpectralJsonParser['parse']>;

/** A parser result whose tree and line map are made on first use. */
class LazyResult {
  readonly diagnostics: ParserResult['diagnostics'] = [];
  #full: ParserResult | undefined;
  constructor(
    readonly data: unknown,
    private readonly input: string,
  ) {}
  /** Spectral's own result for the same text, made once. */
  get full(): ParserResult {
    this.#full ??= JsonParser.parse(this.input);
    return this.#full;
  }
  get ast(): ParserResult['ast'] {
    return this.full.ast;
  }
  get lineMap(): ParserResult['lineMap'] {
    return this.full.lineMap;
  }
}

export const FastJsonParser: SpectralJsonParser = {
  parse(input: string): ParserResult {
    let data: unknown;
    try {
      data = JSON.parse(input);
    } catch {
      return JsonParser.parse(input);
    }
    if (hasDuplicateKey(input)) return JsonParser.parse(input);
    return new LazyResult(data, input) as unknown as ParserResult;
  },
  getLocationForJsonPath(result, path, closest) {
    const parsed = result instanceof LazyResult ? result.full : result;
    return JsonParser.getLocationForJsonPath(parsed, path, closest);
  },
  trapAccess: JsonParser.trapAccess,
};

/**
 * Whether any object in valid JSON text names one key twice. One pass over the characters: a string is a
 * key when the next character that is not white space is a colon; each open object keeps the keys seen.
 */
export function hasDuplicateKey(text: string): boolean {
  // One entry per open object or array; null for an array.
  const open: (Set<string> | null)[] = [];
  const length = text.length;
  for (let index = 0; index < length; index++) {
    const char = text.charCodeAt(index);
    if (char === 0x7b) open.push(new Set());
    else if (char === 0x5b) open.push(null);
    else if (char === 0x7d || char === 0x5d) open.pop();
    else if (char === 0x22) {
      const start = index;
      let escaped = false;
      for (index++; index < length; index++) {
        const inner = text.charCodeAt(index);
        if (inner === 0x5c) {
          escaped = true;
          index++;
        } else if (inner === 0x22) break;
      }
      const keys = open.at(-1);
      if (!keys) continue;
      let next = index + 1;
      while (next < length && isWhiteSpace(text.charCodeAt(next))) next++;
      if (text.charCodeAt(next) !== 0x3a) continue;
      // "\u0041" and "A" are the same key.
      const key = escaped
        ? (JSON.parse(text.slice(start, index + 1)) as string)
        : text.slice(start + 1, index);
      if (keys.has(key)) return true;
      keys.add(key);
    }
  }
  return false;
}

const isWhiteSpace = (char: number) => char === 0x20 || char === 0x0a || char === 0x0d || char === 0x09;

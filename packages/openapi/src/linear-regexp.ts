import { RE2JS } from 're2js';

/**
 * Regular expressions a supplier wrote (a schema's `pattern` or `patternProperties` in its description),
 * matched in time linear in the text. JavaScript's engine backtracks: `^(a+)+$` over forty characters and a
 * `!` takes minutes, and matching is synchronous, so no run budget could stop it. RE2 (re2js, a port of the
 * Go engine) never backtracks. ECMAScript syntax RE2 lacks is translated where it means the same (`\uXXXX`,
 * `\u{…}`); a pattern RE2 cannot read at all (a lookahead, a backreference) is matched by JavaScript's engine
 * only when it repeats no group that itself repeats or branches, the shape that backtracks without bound.
 */
export interface LinearRegExp {
  test(text: string): boolean;
  /** As a RegExp writes itself: Ajv keeps one compiled pattern per distinct text. */
  toString(): string;
}

export class UnsafePatternError extends Error {
  constructor(
    readonly pattern: string,
    reason: string,
  ) {
    super(
      `the pattern ${JSON.stringify(pattern)} cannot be matched safely: ${reason}, and it repeats a group that itself repeats or branches, which JavaScript's engine can take hours to match. Write it without lookarounds or backreferences.`,
    );
    this.name = 'UnsafePatternError';
  }
}

/** ECMAScript escapes RE2 writes differently; everything else is passed as written. */
function toRe2Syntax(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char !== '\\') {
      out += char;
      continue;
    }
    const next = pattern[i + 1];
    if (next === 'u' && pattern[i + 2] === '{') {
      const end = pattern.indexOf('}', i + 3);
      if (end !== -1) {
        out += `\\x{${pattern.slice(i + 3, end)}}`;
        i = end;
        continue;
      }
    }
    if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(pattern.slice(i + 2, i + 6))) {
      out += `\\x{${pattern.slice(i + 2, i + 6)}}`;
      i += 5;
      continue;
    }
    out += char + (next ?? '');
    i += 1;
  }
  return out;
}

/**
 * Whether a pattern repeats a group that holds a repeat or an alternative (`(a+)+`, `(a|aa)*`): the shape
 * that makes a backtracking engine's time grow exponentially. Conservative: escapes and character classes
 * are skipped, every group counts as one.
 */
export function repeatsARepeatingGroup(pattern: string): boolean {
  // For each open group: whether something inside it repeats or branches.
  const open: boolean[] = [];
  let lastGroupRepeats = false;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '\\') {
      i += 1;
      lastGroupRepeats = false;
      continue;
    }
    if (char === '[') {
      for (i += 1; i < pattern.length && pattern[i] !== ']'; i++) if (pattern[i] === '\\') i += 1;
      lastGroupRepeats = false;
      continue;
    }
    if (char === '(') {
      open.push(false);
      lastGroupRepeats = false;
      continue;
    }
    if (char === ')') {
      lastGroupRepeats = open.pop() ?? false;
      if (lastGroupRepeats && open.length > 0) open[open.length - 1] = true;
      continue;
    }
    const quantifier = char === '*' || char === '+' || char === '?' || char === '{';
    if (quantifier && lastGroupRepeats) return true;
    if (quantifier || char === '|') {
      if (open.length > 0) open[open.length - 1] = true;
    }
    lastGroupRepeats = false;
  }
  return false;
}

/** Compiles a supplier's pattern to something matched in linear time, or throws UnsafePatternError. */
export function linearRegExp(pattern: string, flags = ''): LinearRegExp {
  try {
    const compiled = RE2JS.compile(toRe2Syntax(pattern), flags.includes('i') ? RE2JS.CASE_INSENSITIVE : 0);
    return { test: (text) => compiled.test(text), toString: () => `/${pattern}/${flags}` };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (repeatsARepeatingGroup(pattern))
      throw new UnsafePatternError(pattern, `RE2 cannot read it (${reason})`);
    const native = new RegExp(pattern, flags);
    return { test: (text) => native.test(text), toString: () => String(native) };
  }
}

import { LineCounter, parseDocument as parseYamlDocument } from 'yaml';
import { DocumentError } from './errors.ts';
import { assertWithinLimits } from './limits.ts';

export type JsonObject = { [key: string]: unknown };

export interface ParsedDocument {
  /** Where it came from: a file path or URL. */
  readonly source: string;
  readonly text: string;
  readonly data: JsonObject;
  /** 1-based line of a JSON pointer into the document, where known. */
  lineOf(pointer: string): number | undefined;
}

function unescapePointerToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

export function pointerTokens(pointer: string): string[] {
  if (pointer === '' || pointer === '#') return [];
  const body = pointer.startsWith('#') ? pointer.slice(1) : pointer;
  return body.split('/').slice(1).map(unescapePointerToken);
}

export function escapePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Parses YAML or JSON (JSON is YAML) into plain data, keeping a line index so findings can point at lines.
 * Syntax errors become a DocumentError naming the line and column where parsing stopped; text over a
 * cap (`DOCUMENT_LIMITS`) is refused before it is parsed.
 */
export function parseDocument(text: string, source: string): ParsedDocument {
  assertWithinLimits(text, source);
  const lineCounter = new LineCounter();
  const doc = parseYamlDocument(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: false,
  });
  const firstError = doc.errors[0];
  if (firstError) {
    const offset = firstError.pos[0];
    const { line, col } = lineCounter.linePos(offset);
    throw new DocumentError(
      'DOCUMENT_SYNTAX',
      `${source}:${line}:${col}: not valid YAML or JSON, parsing stopped here: ${firstError.message.split('\n')[0]}`,
      source,
      { line, column: col },
    );
  }
  let data: unknown;
  try {
    // A 10 MB description can legitimately hold many aliases; the limit still stops alias bombs.
    data = doc.toJS({ maxAliasCount: 10_000 });
  } catch (error) {
    throw new DocumentError(
      'DOCUMENT_SYNTAX',
      `${source}: could not be read as data: ${(error as Error).message}`,
      source,
    );
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new DocumentError(
      'DOCUMENT_NOT_OPENAPI',
      `${source}: expected an object with an "openapi" field at the top, found ${Array.isArray(data) ? 'a list' : typeof data === 'object' ? 'nothing' : `a ${typeof data}`}`,
      source,
    );
  }
  return {
    source,
    text,
    data: data as JsonObject,
    lineOf(pointer) {
      const node = doc.getIn(pointerTokens(pointer), true) as
        | { range?: [number, number, number] }
        | undefined;
      const offset = node?.range?.[0];
      if (offset === undefined) {
        // Fall back to the nearest ancestor that has a position.
        const tokens = pointerTokens(pointer);
        for (let i = tokens.length - 1; i >= 0; i--) {
          const parent = doc.getIn(tokens.slice(0, i), true) as
            | { range?: [number, number, number] }
            | undefined;
          if (parent?.range) return lineCounter.linePos(parent.range[0]).line;
        }
        return undefined;
      }
      return lineCounter.linePos(offset).line;
    },
  };
}

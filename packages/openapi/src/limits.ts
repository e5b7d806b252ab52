/**
 * What one description may cost to read, checked on its text before any parser sees it. Parsers are
 * not the place to stop a hostile file: a YAML alias bomb of one kilobyte expands to gigabytes inside
 * the parser, and a few thousand nested brackets overflow a recursive parser's stack.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Node, parseDocument as parseYaml } from 'yaml';
import { DocumentError } from './errors.ts';

export const DOCUMENT_LIMITS = {
  /** Bytes of one file or response (our largest real description is 1.3 MB; generated ones reach 20 MB). */
  maxBytes: 50 * 1024 * 1024,
  /** `[`/`{` nesting; real descriptions nest a few dozen deep. */
  maxNesting: 256,
  /** Nodes that YAML aliases may add to a document on top of the nodes written in it. */
  maxAliasExpansion: 1_000_000,
} as const;

export type DocumentLimits = { readonly [K in keyof typeof DOCUMENT_LIMITS]: number };

const MB = 1024 * 1024;
export const describeBytes = (bytes: number): string =>
  bytes >= MB
    ? `${(bytes / MB).toFixed(1)} MB`
    : bytes >= 1024
      ? `${(bytes / 1024).toFixed(1)} KB`
      : `${bytes} bytes`;

export function tooLargeError(
  source: string,
  bytes: number | undefined,
  limits: DocumentLimits,
): DocumentError {
  return new DocumentError(
    'DOCUMENT_TOO_LARGE',
    `${source}: ${bytes === undefined ? 'more than' : `${describeBytes(bytes)},`} over the size cap of ${describeBytes(limits.maxBytes)} for one description; nothing was parsed.`,
    source,
  );
}

/** Throws `DOCUMENT_TOO_LARGE` when the text is over a cap; the text itself is never parsed into data here. */
export function assertWithinLimits(
  text: string,
  source: string,
  limits: DocumentLimits = DOCUMENT_LIMITS,
): void {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > limits.maxBytes) throw tooLargeError(source, bytes, limits);
  assertNesting(text, source, limits);
  if (!/^\s*[{[]/.test(text) && mayHoldAliases(text)) assertAliasExpansion(text, source, limits);
}

/**
 * Counts `[`/`{` nesting outside double-quoted strings. YAML's plain and single-quoted scalars are not
 * told apart, so brackets in prose count too: that can only overcount by the unclosed brackets a text
 * holds, nowhere near the cap.
 */
function assertNesting(text: string, source: string, limits: DocumentLimits): void {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c) index++;
      else if (char === 0x22) inString = false;
      continue;
    }
    if (char === 0x22) inString = true;
    else if (char === 0x5b || char === 0x7b) {
      depth++;
      if (depth > limits.maxNesting) {
        const line = lineAt(text, index);
        throw new DocumentError(
          'DOCUMENT_TOO_LARGE',
          `${source}:${line}: nested more than ${limits.maxNesting} levels deep (the nesting cap); nothing was parsed.`,
          source,
          { line, column: index - text.lastIndexOf('\n', index) },
        );
      }
    } else if ((char === 0x5d || char === 0x7d) && depth > 0) depth--;
  }
}

const lineAt = (text: string, index: number): number => {
  let line = 1;
  for (let at = text.indexOf('\n'); at !== -1 && at < index; at = text.indexOf('\n', at + 1)) line++;
  return line;
};

/** An alias needs an anchor (`&name`); without one anywhere, nothing can expand. */
const mayHoldAliases = (text: string): boolean => /(?:^|[\s[{,:-])&[^\s,[\]{}]/.test(text);

/**
 * Weighs the YAML document as its aliases would expand it, without expanding anything: each node's
 * weight is one plus its children's, an alias weighs what its anchor does. Walked with an explicit stack
 * so that no nesting overflows it.
 */
function assertAliasExpansion(text: string, source: string, limits: DocumentLimits): void {
  const document = parseYaml(text, { uniqueKeys: false, prettyErrors: false });
  // A document that does not parse is left to the parser, which names where it stopped.
  if (document.errors.length > 0 || !document.contents) return;
  const weights = new Map<unknown, number>();
  const anchors = new Map<string, Node>();
  let added = 0;
  const refuse = (why: string) =>
    new DocumentError(
      'DOCUMENT_TOO_LARGE',
      `${source}: ${why}; this looks like an alias bomb, and nothing was parsed.`,
      source,
    );
  type Frame = { node: unknown; children: unknown[]; next: number; weight: number };
  const childrenOf = (node: unknown): unknown[] => {
    if (isMap(node) || isSeq(node)) return node.items as unknown[];
    if (isPair(node)) return [node.key, node.value];
    return [];
  };
  const enter = (node: unknown): Frame => {
    const anchor = (node as { anchor?: string }).anchor;
    if (anchor && (isMap(node) || isSeq(node) || isScalar(node))) anchors.set(anchor, node);
    return { node, children: childrenOf(node), next: 0, weight: isPair(node) ? 0 : 1 };
  };
  const stack: Frame[] = [enter(document.contents)];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as Frame;
    if (frame.next < frame.children.length) {
      const child = frame.children[frame.next++];
      if (child === null || child === undefined) continue;
      if (isAlias(child)) {
        const target = anchors.get(child.source);
        const weight = target === undefined ? 1 : weights.get(target);
        if (weight === undefined) throw refuse(`the alias *${child.source} refers to a node it is inside`);
        frame.weight += weight;
        added += weight - 1;
        if (added > limits.maxAliasExpansion) {
          throw refuse(
            `its YAML aliases would add more than ${limits.maxAliasExpansion.toLocaleString('en-GB')} nodes to it, over the alias cap`,
          );
        }
        continue;
      }
      stack.push(enter(child));
      continue;
    }
    stack.pop();
    weights.set(frame.node, frame.weight);
    const parent = stack[stack.length - 1];
    if (parent) parent.weight += frame.weight;
  }
}

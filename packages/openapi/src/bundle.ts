import { dirname, resolve } from 'node:path';
import { DocumentError } from './errors.ts';
import { type JsonObject, type ParsedDocument, parseDocument, pointerTokens } from './parse.ts';
import { readDocumentText } from './read.ts';

export interface BundleResult {
  /** One self-contained document: every external component hoisted into `components`, every $ref local. */
  readonly document: JsonObject;
  /** The entry document as parsed, for line numbers. */
  readonly entry: ParsedDocument;
  /** Every file that took part, entry first. */
  readonly files: readonly string[];
}

const isObject = (value: unknown): value is JsonObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

export function resolvePointer(document: unknown, pointer: string): unknown {
  let node: unknown = document;
  for (const token of pointerTokens(pointer)) {
    if (Array.isArray(node)) node = node[Number(token)];
    else if (isObject(node)) node = node[token];
    else return undefined;
    if (node === undefined) return undefined;
  }
  return node;
}

/**
 * Bundles a multi-file description (our reference specs $ref the Council API Baseline) into one document.
 * Unlike generic bundlers, components referenced in another file are hoisted under the same component name,
 * so the result reads like a hand-written single-file spec. A component the entry file declares itself
 * wins over one of the same name elsewhere: that is how a spec narrows the baseline's OAuth scopes.
 * Only relative file references are followed; a remote $ref is reported, never fetched.
 */
export async function bundleDocument(entryLocation: string): Promise<BundleResult> {
  const { source, text } = await readDocumentText(entryLocation);
  const entry = parseDocument(text, source);
  const files = new Map<string, ParsedDocument>([[source, entry]]);
  const output = structuredClone(entry.data);
  // Components hoisted from other files, kept apart so the entry's own are never rewritten twice.
  const components: Record<string, JsonObject> = {};
  // file#pointer → local ref, for components already hoisted (also breaks cycles between files).
  const hoisted = new Map<string, string>();

  const loadFile = async (path: string, from: string): Promise<ParsedDocument> => {
    const existing = files.get(path);
    if (existing) return existing;
    let parsed: ParsedDocument;
    try {
      const read = await readDocumentText(path);
      parsed = parseDocument(read.text, read.source);
    } catch (error) {
      if (error instanceof DocumentError && error.code === 'DOCUMENT_UNREADABLE') {
        throw new DocumentError(
          'REF_UNRESOLVED',
          `${from}: $ref to ${path} cannot be followed: ${error.message}`,
          from,
        );
      }
      throw error;
    }
    files.set(path, parsed);
    return parsed;
  };

  const rewrite = async (node: unknown, file: string, trail: string): Promise<unknown> => {
    if (Array.isArray(node)) {
      const out: unknown[] = [];
      for (let i = 0; i < node.length; i++) out.push(await rewrite(node[i], file, `${trail}/${i}`));
      return out;
    }
    if (!isObject(node)) return node;
    const ref = node.$ref;
    if (typeof ref === 'string') {
      const rewritten = await rewriteRef(ref, file, trail);
      return { ...node, $ref: rewritten };
    }
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(node)) out[key] = await rewrite(value, file, `${trail}/${key}`);
    return out;
  };

  const rewriteRef = async (ref: string, file: string, trail: string): Promise<string> => {
    if (/^[a-z][a-z0-9+.-]*:/i.test(ref)) {
      throw new DocumentError(
        'REF_UNRESOLVED',
        `${file}#${trail}: remote $ref ${ref} is not followed; bundle it into the description`,
        file,
      );
    }
    const hashAt = ref.indexOf('#');
    const filePart = hashAt === -1 ? ref : ref.slice(0, hashAt);
    const pointer = hashAt === -1 ? '' : ref.slice(hashAt + 1);
    const targetFile = filePart === '' ? file : resolve(dirname(file), filePart);
    const target = await loadFile(targetFile, file);
    const value = resolvePointer(target.data, pointer);
    if (value === undefined) {
      throw new DocumentError(
        'REF_UNRESOLVED',
        `${file}#${trail}: $ref ${ref} points at nothing (no ${pointer || 'document'} in ${targetFile})`,
        file,
        lineFor(files.get(file), trail),
      );
    }
    if (targetFile === source) return `#${pointer}`;
    const key = `${targetFile}#${pointer}`;
    const already = hoisted.get(key);
    if (already) return already;
    const tokens = pointerTokens(pointer);
    if (tokens.length === 3 && tokens[0] === 'components') {
      const [, kind, name] = tokens as [string, string, string];
      const local = `#/components/${kind}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      hoisted.set(key, local);
      const bucket = components[kind] ?? {};
      components[kind] = bucket;
      if (!(name in bucket)) bucket[name] = await rewrite(value, targetFile, pointer);
      return local;
    }
    throw new DocumentError(
      'REF_UNRESOLVED',
      `${file}#${trail}: $ref ${ref} points into the middle of another file; reference a component (#/components/<kind>/<name>) instead`,
      file,
    );
  };

  const rewrittenEntry = (await rewrite(output, source, '')) as JsonObject;
  const finalComponents = (rewrittenEntry.components ?? {}) as Record<string, JsonObject>;
  for (const [kind, bucket] of Object.entries(components)) {
    finalComponents[kind] = { ...bucket, ...(finalComponents[kind] ?? {}) };
  }
  rewrittenEntry.components = finalComponents;
  assertLocalRefsResolve(rewrittenEntry, source);
  return { document: rewrittenEntry, entry, files: [...files.keys()] };
}

function lineFor(doc: ParsedDocument | undefined, pointer: string) {
  const line = doc?.lineOf(pointer);
  return line === undefined ? undefined : { line, column: 1 };
}

/** Throws on the first local $ref that points at nothing. */
export function assertLocalRefsResolve(document: JsonObject, source: string): void {
  const visit = (node: unknown, trail: string): void => {
    if (Array.isArray(node)) {
      for (const [i, item] of node.entries()) visit(item, `${trail}/${i}`);
      return;
    }
    if (!isObject(node)) return;
    if (typeof node.$ref === 'string' && node.$ref.startsWith('#')) {
      if (resolvePointer(document, node.$ref.slice(1)) === undefined) {
        throw new DocumentError(
          'REF_UNRESOLVED',
          `${source}#${trail}: $ref ${node.$ref} points at nothing`,
          source,
        );
      }
    }
    for (const [key, value] of Object.entries(node)) visit(value, `${trail}/${key}`);
  };
  visit(document, '');
}

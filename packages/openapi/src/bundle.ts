import { dirname, resolve } from 'node:path';
import { DocumentError } from './errors.ts';
import {
  escapePointerToken,
  type JsonObject,
  type ParsedDocument,
  parseDocument,
  pointerTokens,
} from './parse.ts';
import { readDocumentText } from './read.ts';

export interface BundleResult {
  /**
   * One self-contained document: every external component hoisted into `components`, every $ref local, and
   * every path item that `paths` or `webhooks` took by $ref written in place.
   */
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
 * Only relative file references are followed; a remote $ref is reported, never fetched. Path items taken by
 * $ref are written in place (see inlinePathItemRefs), so the bundle is what the Spectral CLI reads clean.
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
  inlinePathItemRefs(rewrittenEntry, source);
  return { document: rewrittenEntry, entry, files: [...files.keys()] };
}

/**
 * Writes every path item of `paths` and `webhooks` that is a local $ref (`#/components/pathItems/Exports`)
 * in place, its sibling fields (a summary, say) over the referenced item's, and drops the components it
 * took them from once nothing else refers to them. OAS 3.1 allows a $ref path item, but the Spectral CLI
 * (6.16.3) rejects one as an `oas3-schema` error (stoplightio/spectral#2655), and a description published
 * at /openapi.json is judged by whatever linter a council reaches for: the same API, written the one way
 * every linter reads. Expects local refs that resolve (assertLocalRefsResolve).
 */
export function inlinePathItemRefs(document: JsonObject, source: string): void {
  const taken = new Set<string>();
  for (const field of ['paths', 'webhooks'] as const) {
    const items = document[field];
    if (!isObject(items)) continue;
    for (const [key, item] of Object.entries(items)) {
      if (isObject(item) && typeof item.$ref === 'string' && item.$ref.startsWith('#')) {
        items[key] = pathItemOf(document, item, `${source}#/${field}/${escapePointerToken(key)}`, taken);
      }
    }
  }
  const components = isObject(document.components) ? document.components : undefined;
  const pathItems = isObject(components?.pathItems) ? components.pathItems : undefined;
  if (taken.size === 0 || !components || !pathItems) return;
  // Until none goes: dropping an alias can leave the item it pointed at referred to by nothing.
  for (let dropped = true; dropped; ) {
    dropped = false;
    const stillReferred = new Set<string>();
    collectLocalRefs(document, stillReferred);
    for (const name of Object.keys(pathItems)) {
      const pointer = `#/components/pathItems/${escapePointerToken(name)}`;
      const referred = [...stillReferred].some((ref) => ref === pointer || ref.startsWith(`${pointer}/`));
      if (taken.has(pointer) && !referred) {
        delete pathItems[name];
        dropped = true;
      }
    }
  }
  if (Object.keys(pathItems).length === 0) delete components.pathItems;
}

/** The path item a $ref path item stands for, following a chain of them; a cycle is refused by name. */
function pathItemOf(document: JsonObject, item: JsonObject, at: string, taken: Set<string>): JsonObject {
  const seen = new Set<string>();
  let current = item;
  const siblings: JsonObject[] = [];
  while (typeof current.$ref === 'string' && current.$ref.startsWith('#')) {
    const ref: string = current.$ref;
    if (seen.has(ref)) {
      throw new DocumentError(
        'REF_UNRESOLVED',
        `${at}: the path item $ref ${ref} leads back to itself (${[...seen, ref].join(' → ')})`,
        at,
      );
    }
    seen.add(ref);
    taken.add(ref);
    const { $ref: _ref, ...own } = current;
    siblings.unshift(own);
    const target = resolvePointer(document, ref.slice(1));
    if (!isObject(target)) {
      throw new DocumentError('REF_UNRESOLVED', `${at}: the path item $ref ${ref} is not a path item`, at);
    }
    current = target;
  }
  // The referring item's own fields win: OAS leaves a clash undefined, and the nearer one is what was meant.
  return structuredClone(Object.assign({}, current, ...siblings) as JsonObject);
}

function collectLocalRefs(node: unknown, into: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) collectLocalRefs(item, into);
    return;
  }
  if (!isObject(node)) return;
  if (typeof node.$ref === 'string' && node.$ref.startsWith('#')) into.add(node.$ref);
  for (const value of Object.values(node)) collectLocalRefs(value, into);
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

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

/** Keywords whose values are data, wherever they are a keyword (not a name in a map of names). */
const DATA_KEYWORDS = new Set(['example', 'default', 'enum', 'const']);
const holdsData = (key: string, value: unknown, inExampleObject: boolean): boolean =>
  DATA_KEYWORDS.has(key) ||
  (key === 'examples' && Array.isArray(value)) ||
  (inExampleObject && key === 'value');

/** Keywords whose values are maps of names (a schema's properties, a description's components…). */
const NAME_MAPS = new Set([
  'properties',
  'patternProperties',
  'dependentSchemas',
  '$defs',
  'definitions',
  'schemas',
  'responses',
  'parameters',
  'requestBodies',
  'headers',
  'securitySchemes',
  'securityDefinitions',
  'links',
  'callbacks',
  'pathItems',
  'content',
  'encoding',
  'variables',
  'mapping',
  'scopes',
]);

/** Where Swagger 2.0 keeps what OpenAPI 3 keeps under `components`. */
const SWAGGER_SECTIONS = new Set(['definitions', 'parameters', 'responses']);

/**
 * Bundles a multi-file description (our reference specs $ref the Council API Baseline) into one document.
 * Unlike generic bundlers, components referenced in another file are hoisted under the same component name,
 * so the result reads like a hand-written single-file spec; a name already taken (by the entry's own
 * component or another file's) gets the first free `<name>_2`, `<name>_3`…, so that no `$ref` ever lands
 * on a different definition than the one it named. A Swagger 2.0 description's `definitions`, `parameters`
 * and `responses` in other files are hoisted into its own sections of those names. A path item taken by
 * `$ref` from another file (all of it, or a place in it that is not a component) is written in place.
 * Only relative file references are followed; a remote $ref is reported, never fetched. Path items taken by
 * $ref are written in place (see inlinePathItemRefs), so the bundle is what the Spectral CLI reads clean.
 */
export async function bundleDocument(entryLocation: string): Promise<BundleResult> {
  const { source, text } = await readDocumentText(entryLocation);
  const entry = parseDocument(text, source);
  const files = new Map<string, ParsedDocument>([[source, entry]]);
  const output = structuredClone(entry.data);
  const swagger2 = output.swagger !== undefined;
  // Components hoisted from other files, per section (`components/schemas`, or Swagger's `definitions`),
  // kept apart so the entry's own are never rewritten twice.
  const hoistedSections = new Map<string, { path: string[]; entries: JsonObject; names: Set<string> }>();
  // file#pointer → local ref, for components already hoisted (also breaks cycles between files).
  const hoisted = new Map<string, string>();
  // Path items being written in place, by file#pointer: one that comes back to itself is refused.
  const inlining = new Set<string>();

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

  /**
   * `at` says what the node is: a path item (under the entry's `paths` or `webhooks`), a map whose keys are
   * names (`properties`, `schemas`…, where "default" is a property, not a keyword), or an Example Object.
   */
  const rewrite = async (
    node: unknown,
    file: string,
    trail: string,
    at: 'path-item' | 'names' | 'example' | undefined = undefined,
  ): Promise<unknown> => {
    if (Array.isArray(node)) {
      const out: unknown[] = [];
      for (let i = 0; i < node.length; i++) out.push(await rewrite(node[i], file, `${trail}/${i}`));
      return out;
    }
    if (!isObject(node)) return node;
    const ref = node.$ref;
    if (typeof ref === 'string' && at !== 'names') {
      if (at === 'path-item') {
        const inPlace = await pathItemInPlace(node, ref, file, trail);
        if (inPlace) return inPlace;
      }
      const rewritten = await rewriteRef(ref, file, trail);
      return { ...node, $ref: rewritten };
    }
    const holdsPathItems = file === source && trail === '';
    const keyword = at !== 'names';
    /** Each entry of a map of names, rewritten as what `role` says it is. */
    const eachEntry = async (map: JsonObject, mapTrail: string, role: (name: string) => typeof at) => {
      const entries: JsonObject = {};
      for (const [name, item] of Object.entries(map))
        entries[name] = await rewrite(item, file, `${mapTrail}/${escapePointerToken(name)}`, role(name));
      return entries;
    };
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(node)) {
      const childTrail = `${trail}/${escapePointerToken(key)}`;
      if (holdsPathItems && (key === 'paths' || key === 'webhooks') && isObject(value))
        out[key] = await eachEntry(value, childTrail, (name) =>
          name.startsWith('x-') ? undefined : 'path-item',
        );
      // An example, a default or an enum is data: a "$ref" key in it is part of the data.
      else if (keyword && holdsData(key, value, at === 'example')) out[key] = structuredClone(value);
      else if (keyword && key === 'examples' && isObject(value))
        out[key] = await eachEntry(value, childTrail, () => 'example');
      else if (keyword && key === 'discriminator' && isObject(value) && isObject(value.mapping))
        out[key] = { ...value, mapping: await rewriteMapping(value.mapping, file, `${childTrail}/mapping`) };
      else
        out[key] = await rewrite(
          value,
          file,
          childTrail,
          keyword && NAME_MAPS.has(key) ? 'names' : undefined,
        );
    }
    return out;
  };

  /**
   * A discriminator's mapping, whose values are `$ref`s written as plain strings (`pets.yaml#/…/Cat`) or
   * schema names (`Cat`): the references are rewritten as every `$ref` is, so none names another file.
   */
  const rewriteMapping = async (mapping: JsonObject, file: string, trail: string): Promise<JsonObject> => {
    const out: JsonObject = {};
    for (const [name, target] of Object.entries(mapping)) {
      const reference =
        typeof target === 'string' && (target.includes('#') || /\.(ya?ml|json)$/i.test(target));
      out[name] = reference
        ? await rewriteRef(target as string, file, `${trail}/${escapePointerToken(name)}`)
        : target;
    }
    return out;
  };

  /** Where a `$ref` written in `file` points: the file and the pointer in it (remote ones refused by name). */
  const targetOf = async (ref: string, file: string, trail: string) => {
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
    return { targetFile, pointer, value };
  };

  /** Where a component of another file goes in the bundle, or undefined when the pointer is no component's. */
  const sectionOf = (pointer: string): { path: string[]; name: string } | undefined => {
    const tokens = pointerTokens(pointer);
    if (!swagger2 && tokens.length === 3 && tokens[0] === 'components')
      return { path: ['components', tokens[1] as string], name: tokens[2] as string };
    if (swagger2 && tokens.length === 2 && SWAGGER_SECTIONS.has(tokens[0] as string))
      return { path: [tokens[0] as string], name: tokens[1] as string };
    return undefined;
  };

  /** A path item another file holds, written in place with the referring item's own fields over it. */
  const pathItemInPlace = async (node: JsonObject, ref: string, file: string, trail: string) => {
    if (ref.startsWith('#') && file === source) return undefined;
    const { targetFile, pointer, value } = await targetOf(ref, file, trail);
    if (sectionOf(pointer) && !swagger2) return undefined;
    if (!isObject(value)) {
      throw new DocumentError(
        'REF_UNRESOLVED',
        `${file}#${trail}: the path item $ref ${ref} is not a path item`,
        file,
      );
    }
    const key = `${targetFile}#${pointer}`;
    if (inlining.has(key)) {
      throw new DocumentError(
        'REF_UNRESOLVED',
        `${file}#${trail}: the path item $ref ${ref} leads back to itself`,
        file,
      );
    }
    inlining.add(key);
    const item = (await rewrite(value, targetFile, pointer, 'path-item')) as JsonObject;
    inlining.delete(key);
    const { $ref: _ref, ...own } = node;
    // The referring item's own fields win: OAS leaves a clash undefined, and the nearer one is what was meant.
    return { ...item, ...((await rewrite(own, file, trail)) as JsonObject) };
  };

  const rewriteRef = async (ref: string, file: string, trail: string): Promise<string> => {
    const { targetFile, pointer, value } = await targetOf(ref, file, trail);
    if (targetFile === source) return `#${pointer}`;
    const key = `${targetFile}#${pointer}`;
    const already = hoisted.get(key);
    if (already) return already;
    const section = sectionOf(pointer);
    if (section) {
      const sectionKey = section.path.join('/');
      const own = resolvePointer(output, `/${section.path.map(escapePointerToken).join('/')}`);
      const bucket = hoistedSections.get(sectionKey) ?? { path: section.path, entries: {}, names: new Set() };
      hoistedSections.set(sectionKey, bucket);
      const taken = (name: string) => bucket.names.has(name) || (isObject(own) && Object.hasOwn(own, name));
      let name = section.name;
      for (let n = 2; taken(name); n++) name = `${section.name}_${n}`;
      const local = `#/${[...section.path, name].map(escapePointerToken).join('/')}`;
      hoisted.set(key, local);
      // Claimed before its own references are followed, which may hoist another of the same name; written
      // after them, so that what it uses comes first.
      bucket.names.add(name);
      bucket.entries[name] = await rewrite(value, targetFile, pointer);
      return local;
    }
    throw new DocumentError(
      'REF_UNRESOLVED',
      `${file}#${trail}: $ref ${ref} points into the middle of another file; reference a component (${swagger2 ? '#/definitions/<name>, #/parameters/<name> or #/responses/<name>' : '#/components/<kind>/<name>'}) instead`,
      file,
    );
  };

  const rewrittenEntry = (await rewrite(output, source, '')) as JsonObject;
  for (const { path, entries } of hoistedSections.values()) {
    let holder = rewrittenEntry;
    for (const token of path.slice(0, -1)) {
      if (!isObject(holder[token])) holder[token] = {};
      holder = holder[token] as JsonObject;
    }
    const last = path.at(-1) as string;
    holder[last] = { ...entries, ...(isObject(holder[last]) ? holder[last] : {}) };
  }
  if (!swagger2 && !isObject(rewrittenEntry.components)) rewrittenEntry.components = {};
  assertLocalRefsResolve(rewrittenEntry, source);
  if (!swagger2) inlinePathItemRefs(rewrittenEntry, source);
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

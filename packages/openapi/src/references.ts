/**
 * Follows every `$ref` a description reaches, in one pass that grows with the document: each target is
 * resolved once and shared by every reference to it, and a subtree without references is handed on as it
 * is. Any pointer into any file may be a target (`other.yaml#/definitions/Error`, `#/components/definitions/X`,
 * a whole file); remote references are left for the rules to report, never fetched.
 *
 * The result has the shape reference resolvers conventionally give: each `$ref` object replaced by what it
 * points at (its siblings dropped), and a `$ref` that would recurse into a target still being resolved
 * (a tree whose children are trees) left as written, so the data stays finite and acyclic.
 */
import { dirname, relative, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolvePointer } from './bundle.ts';
import { escapePointerToken, type JsonObject, pointerTokens } from './parse.ts';

/** Reads and parses a file a `$ref` names; a thrown error's message says why it cannot be followed. */
export type ReferenceLoader = (path: string) => Promise<unknown>;

export interface ReferenceProblem {
  readonly kind: 'unresolved' | 'cycle';
  /** The file the `$ref` is written in. */
  readonly source: string;
  /** Where the object holding the `$ref` sits in that file. */
  readonly path: readonly string[];
  readonly message: string;
}

/** A `$ref` that was followed: where it is written and what it says. */
export interface FollowedReference {
  readonly source: string;
  readonly path: readonly string[];
  readonly ref: string;
  /** The file it led to, and where in it (as the resolver reads that file). */
  readonly file: string;
  readonly pointer: string;
}

/** A target about to be resolved, with the first `$ref` that names it (which says what kind of object it is). */
export interface ReferenceTarget {
  /** The file the target is in, and where. */
  readonly file: string;
  readonly pointer: string;
  /** The target as written. */
  readonly value: unknown;
  /** The file the `$ref` is written in, and where the object holding it sits there. */
  readonly from: string;
  readonly at: readonly string[];
  /** What a `$ref` written in the target's file names, as written, among the files read (else undefined). */
  lookup(ref: string): unknown;
}

/**
 * What a target is read as, in place of what is written there (a Swagger 2.0 fragment converted to OpenAPI
 * 3.1, say); undefined to read it as written. Its `$ref`s must still say what they said where they were
 * written, as they are resolved from the same file.
 */
export type TargetAdapter = (target: ReferenceTarget) => Promise<unknown>;

export interface ResolveOptions {
  readonly adapt?: TargetAdapter;
  /**
   * Where a pointer into `file` points in the data the resolver has of it, when that is not the data as
   * written (a Swagger 2.0 entry converted to OpenAPI 3.1: `#/definitions/Pet` is `#/components/schemas/Pet`).
   */
  readonly pointerIn?: (file: string, pointer: string) => string;
}

export interface ResolvedDocument {
  readonly data: unknown;
  readonly followed: readonly FollowedReference[];
  /** Every place a `$ref` led to, as `<file>#<JSON pointer>`. */
  readonly targets: readonly string[];
  readonly problems: readonly ReferenceProblem[];
  /** Every file read, the entry first. */
  readonly files: readonly string[];
  /** The first `$ref` whose value is not a string, if any: nothing can be said about what it means. */
  readonly nonStringRef?: { readonly source: string; readonly path: readonly string[] };
}

const isObject = (value: unknown): value is JsonObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const isReference = (value: unknown): value is JsonObject & { $ref: string } =>
  isObject(value) && typeof value.$ref === 'string';

type Target =
  | { readonly kind: 'remote' }
  | { readonly kind: 'invalid'; readonly why: string }
  | { readonly kind: 'pointer'; readonly file: string; readonly pointer: string };

const isUrl = (location: string) => /^https?:\/\//i.test(location);

/** Where a `$ref` written in `file` points. */
function targetOf(ref: string, file: string): Target {
  let filePart = ref;
  let fragment = '';
  const hash = ref.indexOf('#');
  if (hash !== -1) {
    filePart = ref.slice(0, hash);
    fragment = ref.slice(hash + 1);
  }
  let pointer: string;
  try {
    pointer = decodeURIComponent(fragment);
  } catch {
    pointer = fragment;
  }
  if (pointer !== '' && !pointer.startsWith('/')) {
    return { kind: 'invalid', why: `"#${fragment}" is not a JSON pointer (it should start with "#/")` };
  }
  // A pointer into the same document is followed whatever it was read from: it needs nothing fetched.
  if (filePart === '') return { kind: 'pointer', file, pointer };
  if (/^file:/i.test(filePart)) {
    try {
      return { kind: 'pointer', file: fileURLToPath(filePart), pointer };
    } catch {
      return { kind: 'invalid', why: `${filePart} is not a file URL that can be read` };
    }
  }
  // http(s) and any other scheme, and anything relative to a description read from a URL: not fetched.
  if (/^[a-z][a-z0-9+.-]*:/i.test(filePart) || isUrl(file)) return { kind: 'remote' };
  return { kind: 'pointer', file: resolvePath(dirname(file), filePart), pointer };
}

/** Resolves every `$ref` reachable from `root` (read from `source`), reading other files with `load`. */
export async function resolveDocument(
  root: unknown,
  source: string,
  load: ReferenceLoader,
  options: ResolveOptions = {},
): Promise<ResolvedDocument> {
  const files = new Map<string, unknown>([[source, root]]);
  const unreadable = new Map<string, string>();
  let nonStringRef: ResolvedDocument['nonStringRef'];

  // Every file that any file names is read first (reading is asynchronous, resolving is not); whether a
  // reference is reached at all, and so whether a file that cannot be read matters, is judged below.
  const pending = [source];
  while (pending.length > 0) {
    const file = pending.shift() as string;
    const { externalRefs, nonString } = scanReferences(files.get(file));
    if (nonString && !nonStringRef) nonStringRef = { source: file, path: nonString };
    for (const ref of externalRefs) {
      const target = targetOf(ref, file);
      if (target.kind !== 'pointer' || files.has(target.file) || unreadable.has(target.file)) continue;
      try {
        files.set(target.file, await load(target.file));
        pending.push(target.file);
      } catch (error) {
        unreadable.set(target.file, error instanceof Error ? error.message : String(error));
      }
    }
  }

  /** Where a `$ref` written in `file` points, in the data the resolver has. */
  const targetIn = (ref: string, file: string): Target => {
    const target = targetOf(ref, file);
    return target.kind === 'pointer' && options.pointerIn
      ? { ...target, pointer: options.pointerIn(target.file, target.pointer) }
      : target;
  };
  const adapted = options.adapt ? await adaptTargets(files, options.adapt, targetIn) : new Map();

  const followed: FollowedReference[] = [];
  const problems: ReferenceProblem[] = [];
  const resolvedTargets = new Map<string, unknown>();
  const inProgress = new Set<string>();
  const reportedCycles = new Set<string>();
  const display = (file: string) => (file === source ? '' : relative(dirname(source), file));

  const resolveNode = (node: unknown, file: string, at: string[]): unknown => {
    if (isReference(node)) return withExtensionsBeside(node, resolveReference(node, file, [...at], []));
    if (Array.isArray(node)) {
      let out: unknown[] | undefined;
      for (let index = 0; index < node.length; index++) {
        at.push(String(index));
        const child = node[index];
        const resolved = resolveNode(child, file, at);
        at.pop();
        if (resolved !== child) {
          out ??= node.slice();
          out[index] = resolved;
        }
      }
      return out ?? node;
    }
    if (!isObject(node)) return node;
    let out: JsonObject | undefined;
    for (const key of Object.keys(node)) {
      at.push(key);
      const child = node[key];
      const resolved = resolveNode(child, file, at);
      at.pop();
      if (resolved !== child) {
        out ??= { ...node };
        out[key] = resolved;
      }
    }
    return out ?? node;
  };

  /** `hops` are the targets reached so far by `$ref`s that point straight at another `$ref`. */
  const resolveReference = (
    node: JsonObject & { $ref: string },
    file: string,
    at: string[],
    hops: readonly string[],
  ): unknown => {
    const ref = node.$ref;
    const unresolved = (message: string) => {
      problems.push({ kind: 'unresolved', source: file, path: at, message });
      return node;
    };
    const target = targetIn(ref, file);
    if (target.kind === 'remote') return node;
    if (target.kind === 'invalid') return unresolved(`$ref "${ref}" cannot be followed: ${target.why}.`);
    const key = `${target.file}#${target.pointer}`;
    if (hops.includes(key)) {
      reportCycle([...hops.slice(hops.indexOf(key)), key], file, at);
      return node;
    }
    if (resolvedTargets.has(key)) {
      followed.push({ source: file, path: at, ref, file: target.file, pointer: target.pointer });
      return resolvedTargets.get(key);
    }
    // A schema that contains itself: the inner `$ref` stays as written.
    if (inProgress.has(key)) return node;
    const data = files.get(target.file);
    if (data === undefined) {
      return unresolved(
        `$ref "${ref}" cannot be followed: ${unreadable.get(target.file) ?? `${target.file} was not read`}`,
      );
    }
    const written = resolvePointer(data, target.pointer);
    if (written === undefined) {
      const where = target.file === file ? 'this file' : display(target.file) || 'the description';
      return unresolved(
        `$ref "${ref}" points at nothing: ${target.pointer || 'the document'} does not exist in ${where}.`,
      );
    }
    const value = adapted.has(key) ? adapted.get(key) : written;
    followed.push({ source: file, path: at, ref, file: target.file, pointer: target.pointer });
    inProgress.add(key);
    const targetPath = pointerTokens(target.pointer);
    const resolved = isReference(value)
      ? resolveReference(value, target.file, targetPath, [...hops, key])
      : resolveNode(value, target.file, targetPath);
    inProgress.delete(key);
    resolvedTargets.set(key, resolved);
    return resolved;
  };

  /** A chain of `$ref`s that comes back to itself describes nothing. Cycles within the entry file are the rules' to report. */
  const reportCycle = (loop: readonly string[], file: string, at: string[]) => {
    if (loop.every((key) => key.startsWith(`${source}#`))) return;
    const id = [...new Set(loop)].sort().join(' ');
    if (reportedCycles.has(id)) return;
    reportedCycles.add(id);
    const named = loop.map((key) => {
      const hash = key.indexOf('#');
      return `${display(key.slice(0, hash))}#${key.slice(hash + 1)}`;
    });
    problems.push({
      kind: 'cycle',
      source: file,
      path: at,
      message: `Circular $ref across files: ${named.join(' → ')} never reaches a schema; make one of them a real definition.`,
    });
  };

  const data = resolveNode(root, source, []);
  return {
    data,
    followed,
    targets: [...resolvedTargets.keys()],
    problems,
    files: [...files.keys()],
    ...(nonStringRef ? { nonStringRef } : {}),
  };
}

/**
 * The target of a `$ref` with the extensions written beside it (`x-data-classification: personal`) over
 * it, in a copy of its own, since other `$ref`s share the target: a label beside a `$ref` is the
 * supplier's word about that place, and rules reading the resolved copy (which is all they have of
 * another file) must see it. Other siblings are dropped, as resolvers conventionally do.
 */
function withExtensionsBeside(reference: JsonObject, resolved: unknown): unknown {
  if (resolved === reference || !isObject(resolved)) return resolved;
  const extensions = Object.keys(reference).filter((key) => key.startsWith('x-'));
  if (extensions.length === 0) return resolved;
  const labelled: JsonObject = { ...resolved };
  for (const key of extensions) labelled[key] = reference[key];
  return labelled;
}

/**
 * Every target any read file names, adapted once each, by the first `$ref` that names it (the entry's first:
 * files are in the order they were read). A target that is itself a `$ref` is left to the one it names.
 */
async function adaptTargets(
  files: ReadonlyMap<string, unknown>,
  adapt: TargetAdapter,
  targetIn: (ref: string, file: string) => Target,
): Promise<Map<string, unknown>> {
  const adapted = new Map<string, unknown>();
  const seen = new Set<string>();
  for (const [from, root] of files) {
    for (const { ref, at } of referencesIn(root)) {
      const target = targetIn(ref, from);
      if (target.kind !== 'pointer') continue;
      const key = `${target.file}#${target.pointer}`;
      const data = files.get(target.file);
      if (seen.has(key) || data === undefined) continue;
      seen.add(key);
      const value = resolvePointer(data, target.pointer);
      if (value === undefined || isReference(value)) continue;
      const lookup = (written: string) => {
        const named = targetIn(written, target.file);
        if (named.kind !== 'pointer') return undefined;
        const file = files.get(named.file);
        return file === undefined ? undefined : resolvePointer(file, named.pointer);
      };
      const read = await adapt({ file: target.file, pointer: target.pointer, value, from, at, lookup });
      if (read !== undefined) adapted.set(key, read);
    }
  }
  return adapted;
}

/**
 * Calls `found` with each `$ref` in a file (whatever its value) and where the object holding it sits. What
 * is beside or beneath a string `$ref` is not walked: resolving drops it.
 */
function eachReference(root: unknown, found: (ref: unknown, at: readonly string[]) => void): void {
  const at: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (let index = 0; index < node.length; index++) {
        at.push(String(index));
        visit(node[index]);
        at.pop();
      }
      return;
    }
    if (!isObject(node)) return;
    if ('$ref' in node) {
      found(node.$ref, at);
      if (typeof node.$ref === 'string') return;
    }
    for (const key of Object.keys(node)) {
      at.push(key);
      visit(node[key]);
      at.pop();
    }
  };
  visit(root);
}

/** Every string `$ref` in a file, with where the object holding it sits. */
function referencesIn(root: unknown): { ref: string; at: string[] }[] {
  const found: { ref: string; at: string[] }[] = [];
  eachReference(root, (ref, at) => {
    if (typeof ref === 'string') found.push({ ref, at: [...at] });
  });
  return found;
}

/** The `$ref`s naming another file, and the first `$ref` that is not a string, in one walk of the data. */
function scanReferences(root: unknown): { externalRefs: Set<string>; nonString?: string[] } {
  const externalRefs = new Set<string>();
  let nonString: string[] | undefined;
  eachReference(root, (ref, at) => {
    if (typeof ref !== 'string') nonString ??= [...at, '$ref'];
    else if (!ref.startsWith('#')) externalRefs.add(ref);
  });
  return { externalRefs, ...(nonString ? { nonString } : {}) };
}

/** A JSON pointer for a path, as `$ref`s write them. */
export const pointerOfPath = (path: readonly string[]): string =>
  path.map((token) => `/${escapePointerToken(token)}`).join('');

/**
 * Swagger 2.0 (OpenAPI 2.0) read by converting it in memory to OpenAPI 3.1 with Scalar's upgrader, and
 * every place in the converted document mapped back to the place in the Swagger file it came from, so that
 * findings point at lines the supplier wrote.
 */

import { dirname, isAbsolute, relative, resolve as resolvePath } from 'node:path';
import { type FragmentKind, type FragmentLocation, upgrade, upgradeFragment } from '@scalar/openapi-upgrader';
import { resolvePointer } from './bundle.ts';
import { DocumentError } from './errors.ts';
import { DOCUMENT_LIMITS, describeBytes } from './limits.ts';
import { type JsonObject, pointerTokens } from './parse.ts';
import type { ReferenceTarget } from './references.ts';
import { pointerOfPath } from './references.ts';

const isObject = (value: unknown): value is JsonObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

export interface ConvertedSwagger {
  /** The description as OpenAPI 3.1. */
  readonly document: JsonObject;
  /** The Swagger version it was written in, e.g. "2.0". */
  readonly swagger: string;
  /** The path in the Swagger document that a path in the converted one came from (the nearest that exists). */
  originalPathOf(path: readonly (string | number)[]): (string | number)[];
  /**
   * Where a JSON pointer written against the Swagger document (by a file it refers to, say
   * `api.yaml#/definitions/Pet`) points in the converted one; as given when that place is not found.
   */
  convertedPointerOf(pointer: string): string;
}

export const isSwagger2 = (data: unknown): data is JsonObject => isObject(data) && data.swagger !== undefined;

/**
 * `asWritten`: the file's data, where `original` has had things written into it (withSharedBodyParameters);
 * places are mapped back to where they exist in it.
 */
export function convertSwagger2(
  original: JsonObject,
  source: string,
  asWritten: JsonObject = original,
): ConvertedSwagger {
  if (String(original.swagger) !== '2.0') {
    throw new DocumentError(
      'DOCUMENT_SWAGGER_2',
      `${source}: "swagger: ${String(original.swagger)}" is no Swagger version conform lint can read; it reads Swagger 2.0 (converted), OpenAPI 3.0 and 3.1.`,
      source,
    );
  }
  let document: unknown;
  try {
    // A plain copy: the upgrader edits what it is given, and parsers' data may be proxies it cannot clone.
    document = upgrade(JSON.parse(JSON.stringify(original)) as JsonObject, '3.1');
  } catch (error) {
    throw new DocumentError(
      'DOCUMENT_SWAGGER_2',
      `${source}: this Swagger 2.0 description could not be converted to OpenAPI 3.1 to be linted (${error instanceof Error ? error.message : String(error)}). Convert it yourself and lint the result.`,
      source,
    );
  }
  if (!isObject(document)) {
    throw new DocumentError(
      'DOCUMENT_SWAGGER_2',
      `${source}: converting this Swagger 2.0 description gave nothing to lint.`,
      source,
    );
  }
  const converted = document;
  return {
    document,
    swagger: String(original.swagger),
    originalPathOf: (path) => nearestExisting(asWritten, swaggerPathOf(original, path.map(String))),
    convertedPointerOf: (pointer) => {
      for (const path of convertedPathsOf(original, pointerTokens(pointer)))
        if (resolvePointer(converted, pointerOfPath(path)) !== undefined) return pointerOfPath(path);
      return pointer;
    },
  };
}

/** Where a place in a Swagger 2.0 document may be once converted, most likely first. */
function convertedPathsOf(original: JsonObject, path: readonly string[]): string[][] {
  const [top, name, ...rest] = path;
  if (name === undefined) return [];
  const first = (field: unknown) =>
    Array.isArray(field) && typeof field[0] === 'string' ? field[0] : 'application/json';
  const asContent = (types: unknown) =>
    rest[0] === 'schema' ? ['content', first(types), 'schema', ...rest.slice(1)] : rest;
  switch (top) {
    case 'definitions':
      return [['components', 'schemas', name, ...rest]];
    case 'responses':
      return [['components', 'responses', name, ...asContent(original.produces)]];
    case 'parameters':
      return [
        ['components', 'parameters', name, ...rest],
        ['components', 'parameters', name, 'schema', ...rest],
        ['components', 'requestBodies', name, ...asContent(original.consumes)],
      ];
    default:
      return [];
  }
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/** Where a converted path came from, following how Swagger 2.0 maps onto OpenAPI 3. */
function swaggerPathOf(original: JsonObject, path: readonly string[]): string[] {
  const [top, name, ...rest] = path;
  switch (top) {
    case undefined:
      return [];
    case 'openapi':
      return ['swagger'];
    case 'servers':
      return ['host' in original ? 'host' : 'basePath' in original ? 'basePath' : 'schemes'];
    case 'components':
      if (name === undefined) return [];
      return componentPath(name, rest);
    case 'paths':
      return name === undefined ? ['paths'] : ['paths', name, ...pathItemPath(original, name, rest)];
    default:
      return [...path];
  }
}

function componentPath(kind: string, [name, ...rest]: string[]): string[] {
  const named = (section: string, inside: string[]) =>
    name === undefined ? [section] : [section, name, ...inside];
  switch (kind) {
    case 'schemas':
      return named('definitions', rest);
    case 'securitySchemes':
      // OAuth 2.0's flows were one flow written on the scheme itself.
      return named('securityDefinitions', rest[0] === 'flows' ? rest.slice(2) : rest);
    case 'parameters':
      return named('parameters', withoutSchema(rest));
    case 'requestBodies':
      return named('parameters', withoutContent(rest));
    case 'responses':
      return named('responses', withoutContent(rest));
    default:
      return [];
  }
}

/** A 3.x parameter's `schema` holds what Swagger wrote on the parameter itself. */
const withoutSchema = (rest: string[]): string[] => (rest[0] === 'schema' ? rest.slice(1) : rest);

/** `content/<media type>/schema/…` was `schema/…`; examples were per media type. */
function withoutContent(rest: string[]): string[] {
  if (rest[0] !== 'content')
    return rest[0] === 'headers' && rest[2] === 'schema' ? [...rest.slice(0, 2), ...rest.slice(3)] : rest;
  const [, mediaType, field, ...inside] = rest;
  if (field === 'schema') return ['schema', ...inside];
  if (field === 'example' || field === 'examples')
    return mediaType === undefined ? ['examples'] : ['examples', mediaType];
  return [];
}

function pathItemPath(original: JsonObject, urlPath: string, rest: string[]): string[] {
  const [first, ...inside] = rest;
  if (first === undefined) return [];
  if (first === 'parameters')
    return ['parameters', ...(inside[0] === undefined ? [] : [inside[0], ...withoutSchema(inside.slice(1))])];
  if (!HTTP_METHODS.has(first)) return rest;
  const [field, ...more] = inside;
  if (field === 'requestBody') {
    const operation = (original.paths as JsonObject | undefined)?.[urlPath] as JsonObject | undefined;
    const parameters = operation?.[first] as JsonObject | undefined;
    const list = Array.isArray(parameters?.parameters) ? parameters.parameters : [];
    const body = list.findIndex((p) => isObject(p) && (p.in === 'body' || p.in === 'formData'));
    return [first, 'parameters', ...(body === -1 ? [] : [String(body), ...withoutContent(more)])];
  }
  if (field === 'parameters')
    return [
      first,
      'parameters',
      ...(more[0] === undefined ? [] : [more[0], ...withoutSchema(more.slice(1))]),
    ];
  if (field === 'responses') {
    const [code, ...response] = more;
    return [first, 'responses', ...(code === undefined ? [] : [code, ...withoutContent(response)])];
  }
  return [first, ...inside];
}

/** The longest prefix of a path that exists in the document, array indexes as numbers. */
export function nearestExisting(document: unknown, path: readonly string[]): (string | number)[] {
  const out: (string | number)[] = [];
  let node = document;
  for (const token of path) {
    if (Array.isArray(node)) {
      const index = Number(token);
      if (!Number.isInteger(index) || index < 0 || index >= node.length) break;
      out.push(index);
      node = node[index];
    } else if (isObject(node) && Object.hasOwn(node, token)) {
      out.push(token);
      node = node[token];
    } else break;
  }
  return out;
}

/** The file a `$ref` written in `file` names (itself, for a pointer alone); undefined when it is remote. */
function refFile(ref: string, file: string): string | undefined {
  const filePart = ref.split('#')[0] ?? '';
  if (filePart === '') return file;
  if (/^[a-z][a-z0-9+.-]*:/i.test(filePart) || isAbsolute(filePart) || /^https?:\/\//i.test(file))
    return undefined;
  return resolvePath(dirname(file), filePart);
}

/**
 * A copy of an object written in file `from` whose `$ref`s say the same when read from file `to`: a body
 * parameter moved into an operation elsewhere keeps naming the schema it named.
 */
export function rebasedReferences(value: unknown, from: string | undefined, to: string): unknown {
  const copy: unknown = JSON.parse(JSON.stringify(value));
  if (from === undefined || from === to) return copy;
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    if (!isObject(node)) return;
    if (typeof node.$ref === 'string') {
      const hash = node.$ref.indexOf('#');
      const fragment = hash === -1 ? '' : node.$ref.slice(hash);
      const file = refFile(node.$ref, from);
      if (file !== undefined) node.$ref = `${file === to ? '' : relative(dirname(to), file)}${fragment}`;
      return;
    }
    Object.values(node).forEach(visit);
  };
  visit(copy);
  return copy;
}

/**
 * The Swagger 2.0 entry with each body or form parameter that its operations name in another file written
 * into the operation instead, its `$ref`s rebased: the converter makes the operation's request body of it,
 * which it cannot do through a `$ref` it cannot follow. `read` gives a `$ref`'s target, or undefined.
 */
export async function withSharedBodyParameters(
  original: JsonObject,
  source: string,
  read: (file: string, pointer: string) => Promise<unknown>,
): Promise<JsonObject> {
  const paths = original.paths;
  if (!isObject(paths)) return original;
  let copy: JsonObject | undefined;
  for (const [urlPath, pathItem] of Object.entries(paths)) {
    if (!isObject(pathItem)) continue;
    for (const holder of [undefined, ...Object.keys(pathItem).filter((m) => HTTP_METHODS.has(m))]) {
      const list = (holder === undefined ? pathItem : (pathItem[holder] as JsonObject | undefined))
        ?.parameters;
      if (!Array.isArray(list)) continue;
      for (const [index, parameter] of list.entries()) {
        if (!isObject(parameter) || typeof parameter.$ref !== 'string' || parameter.$ref.startsWith('#'))
          continue;
        const file = refFile(parameter.$ref, source);
        if (file === undefined) continue;
        const hash = parameter.$ref.indexOf('#');
        const fragment = hash === -1 ? '' : parameter.$ref.slice(hash + 1);
        let pointer = fragment;
        try {
          pointer = decodeURIComponent(fragment);
        } catch {
          // Read as written; the resolver reports it if it names nothing.
        }
        const named = await read(file, pointer);
        if (!isObject(named) || (named.in !== 'body' && named.in !== 'formData')) continue;
        copy ??= JSON.parse(JSON.stringify(original)) as JsonObject;
        const item = (copy.paths as JsonObject)[urlPath] as JsonObject;
        const owner = holder === undefined ? item : (item[holder] as JsonObject);
        (owner.parameters as unknown[])[index] = rebasedReferences(named, file, source);
      }
    }
  }
  return copy ?? original;
}

/** Keys that only a schema has: a `$ref` beneath one stands for a schema, whatever is named around it. */
const SCHEMA_KEYS = new Set([
  'schema',
  'schemas',
  'definitions',
  'items',
  'properties',
  'additionalProperties',
  'patternProperties',
  'allOf',
  'anyOf',
  'oneOf',
  'not',
]);

/**
 * What kind of object a `$ref` stands for, from where it is written: in a Swagger 2.0 file (`responses/X`,
 * `parameters/X`, `definitions/X`, `…/schema`) or in the converted entry (`components/responses/X`, …). A
 * schema's property may be called "responses", so a place under a schema key is a schema first.
 */
export function fragmentKindAt(at: readonly string[]): FragmentKind | undefined {
  if (at.slice(0, -1).some((token) => SCHEMA_KEYS.has(token))) return 'schema';
  if (at.at(-1) === 'requestBody') return 'request-body';
  switch (at.at(-2)) {
    case 'requestBodies':
      return 'request-body';
    case 'responses':
      return 'response';
    case 'parameters':
      return 'parameter';
    case 'headers':
      return 'header';
    case 'paths':
      return 'path-item';
  }
  return at.at(-1) === 'schema' ? 'schema' : undefined;
}

/** One converted target: where it is in its file, and where each converted place came from within it. */
interface Conversion {
  readonly at: readonly string[];
  readonly locations: readonly FragmentLocation[];
}

/**
 * The files a Swagger 2.0 description refers to are Swagger 2.0 too: each target in them is converted to
 * OpenAPI 3.1 by the kind of object its `$ref` stands for (a response's `schema` becomes its `content`, a
 * parameter's `type` its `schema`), so that the rules judge what the entry's own objects would be judged as.
 * Their `$ref`s still say what they said, so they resolve in the file as written; `originalPathIn` gives back
 * where a place in a converted target was written, for findings.
 */
export class SwaggerFragments {
  readonly #conversions = new Map<string, Conversion[]>();
  /** Each converted target, by `<file>#<pointer>`. */
  readonly #converted = new Map<string, unknown>();
  /** Bytes of every target converted so far: targets nested in targets are converted once each. */
  #convertedBytes = 0;
  readonly #produces: readonly string[];
  readonly #consumes: readonly string[];

  /**
   * `entry`: the Swagger file's own path (already converted whole); `original`: its data as written;
   * `budgetBytes`: how much may be converted in all before the description is refused as too large.
   */
  constructor(
    private readonly entry: string,
    original: JsonObject,
    private readonly budgetBytes: number = DOCUMENT_LIMITS.maxBytes,
  ) {
    const mediaTypes = (value: unknown) =>
      Array.isArray(value) && value.every((type) => typeof type === 'string') && value.length > 0
        ? (value as string[])
        : ['application/json'];
    this.#produces = mediaTypes(original.produces);
    this.#consumes = mediaTypes(original.consumes);
  }

  /** resolveDocument's adapter. */
  readonly adapt = async (target: ReferenceTarget): Promise<unknown> => {
    if (target.file === this.entry || !isObject(target.value)) return undefined;
    const kind = fragmentKindAt(target.at);
    // A body or form parameter becomes the operation's request body, which a parameter list cannot hold.
    if (!kind || (kind === 'parameter' && (target.value.in === 'body' || target.value.in === 'formData')))
      return undefined;
    // A plain copy, as for the entry: parsers' data may be proxies the upgrader cannot clone.
    const text = JSON.stringify(target.value);
    this.#convertedBytes += text.length;
    if (this.#convertedBytes > this.budgetBytes) {
      throw new DocumentError(
        'DOCUMENT_TOO_LARGE',
        `${target.file}: its $ref targets, many inside one another, add up to more than ${describeBytes(this.budgetBytes)} to convert from Swagger 2.0; refer to fewer places inside one another, or convert the description to OpenAPI 3.1 and lint that.`,
        target.file,
      );
    }
    try {
      const converted = await upgradeFragment(JSON.parse(text), {
        from: '2.0',
        to: '3.1',
        kind,
        produces: this.#produces,
        consumes: this.#consumes,
        // A path item's operations may name a body parameter in another place: it becomes their request body.
        resolveSource: async (ref) => {
          const named = target.lookup(ref);
          return isObject(named) && (named.in === 'body' || named.in === 'formData')
            ? rebasedReferences(named, refFile(ref, target.file), target.file)
            : named;
        },
      });
      const conversions = this.#conversions.get(target.file) ?? [];
      this.#conversions.set(target.file, conversions);
      conversions.push({ at: pointerTokens(target.pointer), locations: converted.locations });
      this.#converted.set(`${target.file}#${target.pointer}`, converted.value);
      return converted.value;
    } catch {
      // What cannot be converted is judged as written: the rules say what is wrong with it.
      return undefined;
    }
  };

  /** The target at `pointer` in `file` as converted to OpenAPI 3.1; undefined when it was not converted. */
  convertedAt(file: string, pointer: string): unknown {
    return this.#converted.get(`${file}#${pointer}`);
  }

  /**
   * Where a place in `file` was written, when it lies in a converted target (the innermost); undefined when
   * it does not, so it was written where it is. `written` says whether a place exists as the file is written:
   * a place the conversion made (a response's `content`) is where what it was made from was written (its
   * `schema`).
   */
  originalPathIn(
    file: string,
    path: readonly string[],
    written: (path: readonly string[]) => boolean,
  ): string[] | undefined {
    const startsWith = (whole: readonly string[], start: readonly string[]) =>
      start.length <= whole.length && start.every((token, i) => whole[i] === token);
    let within: Conversion | undefined;
    for (const conversion of this.#conversions.get(file) ?? [])
      if (startsWith(path, conversion.at) && conversion.at.length >= (within?.at.length ?? -1))
        within = conversion;
    if (!within) return undefined;
    const rest = path.slice(within.at.length);
    let best: FragmentLocation | undefined;
    for (const location of within.locations)
      if (startsWith(rest, location.output) && location.output.length > (best?.output.length ?? -1))
        best = location;
    const mapped = best
      ? [...within.at, ...best.source, ...rest.slice(best.output.length)]
      : [...within.at, ...rest];
    if (written(mapped)) return mapped;
    const madeFrom = within.locations.find((location) => startsWith(location.output, rest));
    return madeFrom && written([...within.at, ...madeFrom.source])
      ? [...within.at, ...madeFrom.source]
      : mapped;
  }
}

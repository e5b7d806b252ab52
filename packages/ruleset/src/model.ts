/**
 * What the rule functions share: reading operations, security, classifications and schemas out of a
 * description, tolerating anything a real-world document throws at them (wrong types, missing objects,
 * circular references). A rule function must never throw: Spectral would abort the whole lint.
 */
import {
  HTTP_METHODS,
  type HttpMethod,
  isPublicOperation,
  type JsonObject,
  pointerTokens,
  resolvePointer,
} from '@council-conform/openapi';
import { personalFieldOf, wordBreaksMarked } from './personalVocabulary.ts';

export type { JsonObject };
export type JsonPath = (string | number)[];

export const isObject = (value: unknown): value is JsonObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

export const DATA_CLASSIFICATIONS = ['public', 'personal', 'special-category'] as const;
export type DataClassification = (typeof DATA_CLASSIFICATIONS)[number];

export function classificationOf(node: unknown): DataClassification | undefined {
  if (!isObject(node)) return undefined;
  const value = node['x-data-classification'];
  return (DATA_CLASSIFICATIONS as readonly unknown[]).includes(value)
    ? (value as DataClassification)
    : undefined;
}

export const isPersonal = (classification: DataClassification | undefined): boolean =>
  classification === 'personal' || classification === 'special-category';

/**
 * The description a rule judges: the data Spectral hands the rule (as written, or with every `$ref`
 * resolved, as the rule asks) and Spectral's resolved copy. Local `$ref`s are followed in the data; a
 * `$ref` to another file is read from the resolved copy at the same place, where its target is inlined.
 * Rules that read classifications judge the data as written, because resolving a `$ref` drops the
 * `x-data-classification` written beside it.
 */
export class Doc {
  constructor(
    readonly data: unknown,
    readonly resolved?: unknown,
  ) {}
}

export function docOf(data: unknown, context: { documentInventory: object }): Doc {
  // Spectral's inventory has `resolved` at run time; its published type leaves it out.
  return new Doc(data, (context.documentInventory as { resolved?: unknown }).resolved);
}

const toPointer = (at: JsonPath) =>
  at.map((token) => `/${String(token).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

/** A `$ref` to another file (whose target only Spectral's resolved copy holds). */
const isInOtherFile = (node: unknown): boolean =>
  isObject(node) && typeof node.$ref === 'string' && !node.$ref.startsWith('#');

/** What a node is once its `$ref`s are followed, and where that is (at most 32 hops, so cycles end). */
export function follow(doc: Doc, node: unknown, at: JsonPath): { node: unknown; at: JsonPath } {
  let current = node;
  let where = at;
  for (let hops = 0; hops < 32; hops++) {
    if (!isObject(current) || typeof current.$ref !== 'string') return { node: current, at: where };
    if (current.$ref.startsWith('#')) {
      where = pointerTokens(current.$ref);
      current = resolvePointer(doc.data, current.$ref.slice(1));
      continue;
    }
    const inlined = doc.resolved === undefined ? undefined : resolvePointer(doc.resolved, toPointer(where));
    return { node: isObject(inlined) && typeof inlined.$ref !== 'string' ? inlined : current, at: where };
  }
  return { node: undefined, at: where };
}

export interface Operation {
  readonly urlPath: string;
  readonly method: HttpMethod;
  readonly operation: JsonObject;
  readonly pathItem: JsonObject;
  /** Where the operation sits, from the document root. */
  readonly at: JsonPath;
}

/** Every operation, following path items that are `$ref`s (to this document or, through `resolved`, another). */
export function operationsOf(source: unknown | Doc): Operation[] {
  const doc = asDoc(source);
  if (!isObject(doc.data) || !isObject(doc.data.paths)) return [];
  const out: Operation[] = [];
  for (const [urlPath, rawItem] of Object.entries(doc.data.paths)) {
    const { node: pathItem, at: base } = follow(doc, rawItem, ['paths', urlPath]);
    if (!isObject(pathItem)) continue;
    for (const method of HTTP_METHODS) {
      const operation = pathItem[method];
      if (isObject(operation)) out.push({ urlPath, method, operation, pathItem, at: [...base, method] });
    }
  }
  return out;
}

/** Rule functions pass either the data alone (a resolved document) or a `Doc`. */
const asDoc = (source: unknown | Doc): Doc => (source instanceof Doc ? source : new Doc(source));

/** True when the operation can be called without credentials. */
export function isPublic(document: unknown, operation: JsonObject): boolean {
  const data = asDoc(document).data;
  return isPublicOperation(isObject(data) ? data : {}, operation);
}

export interface Parameter {
  readonly parameter: JsonObject;
  readonly at: JsonPath;
}

/** Path-item and operation parameters of an operation, `$ref`s followed. */
export function parametersOf(source: unknown | Doc, op: Operation): Parameter[] {
  const doc = asDoc(source);
  const out: Parameter[] = [];
  const collect = (list: unknown, at: JsonPath) => {
    if (!Array.isArray(list)) return;
    list.forEach((entry, index) => {
      const { node: parameter, at: where } = follow(doc, entry, [...at, index]);
      if (isObject(parameter)) out.push({ parameter, at: where });
    });
  };
  collect(op.pathItem.parameters, [...op.at.slice(0, -1), 'parameters']);
  collect(op.operation.parameters, [...op.at, 'parameters']);
  return out;
}

export interface ResponseEntry {
  readonly status: string;
  readonly response: JsonObject;
  readonly at: JsonPath;
}

export function responsesOf(source: unknown | Doc, op: Operation): ResponseEntry[] {
  const doc = asDoc(source);
  const responses = op.operation.responses;
  if (!isObject(responses)) return [];
  const out: ResponseEntry[] = [];
  for (const [status, raw] of Object.entries(responses)) {
    const { node: response, at } = follow(doc, raw, [...op.at, 'responses', status]);
    if (isObject(response)) out.push({ status, response, at });
  }
  return out;
}

export interface MediaTypeEntry {
  readonly mediaType: string;
  readonly media: JsonObject;
  readonly at: JsonPath;
}

export function contentOf(holder: JsonObject, at: JsonPath): MediaTypeEntry[] {
  if (!isObject(holder.content)) return [];
  return Object.entries(holder.content)
    .filter((entry): entry is [string, JsonObject] => isObject(entry[1]))
    .map(([mediaType, media]) => ({ mediaType, media, at: [...at, 'content', mediaType] }));
}

/**
 * The schemas a response returns, each with where it sits: one per media type, or the Swagger 2.0 style
 * `schema` written on the response itself, which some OpenAPI 3 generators still emit and readers honour.
 */
export function responseSchemasOf(response: JsonObject, at: JsonPath): { schema: unknown; at: JsonPath }[] {
  const content = contentOf(response, at).map(({ media, at: mediaAt }) => ({
    schema: media.schema,
    at: [...mediaAt, 'schema'],
  }));
  if (content.length > 0 || !isObject(response.schema)) return content;
  return [{ schema: response.schema, at: [...at, 'schema'] }];
}

/** Request body and response content of an operation, each with where it sits. */
export function bodiesOf(
  source: unknown | Doc,
  op: Operation,
): { kind: 'request' | 'response'; status?: string; entries: MediaTypeEntry[] }[] {
  const doc = asDoc(source);
  const out: { kind: 'request' | 'response'; status?: string; entries: MediaTypeEntry[] }[] = [];
  const { node: body, at } = follow(doc, op.operation.requestBody, [...op.at, 'requestBody']);
  if (isObject(body)) out.push({ kind: 'request', entries: contentOf(body, at) });
  for (const { status, response, at: responseAt } of responsesOf(doc, op)) {
    out.push({ kind: 'response', status, entries: contentOf(response, responseAt) });
  }
  return out;
}

export interface SchemaVisit {
  readonly schema: JsonObject;
  readonly at: JsonPath;
  /** The property name the schema is the value of, if it is one. */
  readonly propertyName?: string;
}

const SUBSCHEMA_KEYS = [
  'items',
  'additionalProperties',
  'not',
  'contains',
  'propertyNames',
  'if',
  'then',
  'else',
];
const SUBSCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];

/**
 * Visits a schema and every subschema under it, each once per walk. A `$ref` node is visited itself
 * (what is written beside it counts) and then followed; `follow: false` stops at every `$ref`, for
 * rules that judge each schema where it is written. A schema `skip` picks is left out with all under it.
 */
export function walkSchema(
  source: unknown | Doc,
  start: unknown,
  startAt: JsonPath,
  visit: (v: SchemaVisit) => void,
  options: {
    follow?: boolean;
    name?: string;
    skip?: (schema: JsonObject) => boolean;
    /** Schemas already visited, shared between walks that must judge each schema once. */
    seen?: Set<unknown>;
  } = {},
): void {
  const doc = asDoc(source);
  const following = options.follow ?? true;
  const seen = options.seen ?? new Set<unknown>();
  const go = (node: unknown, at: JsonPath, propertyName?: string): void => {
    if (!isObject(node) || seen.has(node)) return;
    seen.add(node);
    if (options.skip?.(node)) return;
    visit({ schema: node, at, ...(propertyName === undefined ? {} : { propertyName }) });
    if (typeof node.$ref === 'string') {
      // A schema in another file has no definition in this one to be judged at: it is judged where it is
      // first referred to, so that splitting a description over files hides nothing from the rules.
      if (!following && !isInOtherFile(node)) return;
      const target = follow(doc, node, at);
      if (target.node !== node) go(target.node, target.at, propertyName);
      return;
    }
    if (isObject(node.properties)) {
      for (const [name, child] of Object.entries(node.properties))
        go(child, [...at, 'properties', name], name);
    }
    if (isObject(node.patternProperties)) {
      for (const [name, child] of Object.entries(node.patternProperties))
        go(child, [...at, 'patternProperties', name]);
    }
    for (const key of SUBSCHEMA_KEYS) go(node[key], [...at, key]);
    for (const key of SUBSCHEMA_LISTS) {
      const list = node[key];
      if (Array.isArray(list)) for (const [index, child] of list.entries()) go(child, [...at, key, index]);
    }
  };
  go(start, startAt, options.name);
}

/**
 * Every schema a description declares, each visited where it is written: components, parameters,
 * request and response bodies. With `follow: false` (the default) a `$ref` is reported but not entered,
 * so a shared component is judged once, at its definition.
 */
export function walkAllSchemas(
  source: unknown | Doc,
  visit: (v: SchemaVisit) => void,
  options: { follow?: boolean } = { follow: false },
): void {
  const doc = asDoc(source);
  const document = doc.data;
  if (!isObject(document)) return;
  // A parameter, response, body or path item written in another file, as its `$ref` here resolves.
  const written = (node: unknown, at: JsonPath): unknown =>
    isInOtherFile(node) ? follow(doc, node, at).node : node;
  const roots: { schema: unknown; at: JsonPath; propertyName?: string }[] = [];
  const components = isObject(document.components) ? document.components : {};
  // `definitions` is not an OpenAPI 3 location (Swagger 2.0 habit, kept by some generators), but `$ref`s
  // point into it, so its schemas are judged like any others; oas3-schema reports the location itself.
  for (const key of ['schemas', 'definitions']) {
    const schemas = components[key];
    if (!isObject(schemas)) continue;
    for (const [name, schema] of Object.entries(schemas))
      roots.push({ schema, at: ['components', key, name] });
  }
  const addParameter = (reference: unknown, at: JsonPath) => {
    const parameter = written(reference, at);
    if (isObject(parameter) && isObject(parameter.schema)) {
      roots.push({
        schema: parameter.schema,
        at: [...at, 'schema'],
        ...(typeof parameter.name === 'string' ? { propertyName: parameter.name } : {}),
      });
    }
  };
  if (isObject(components.parameters)) {
    for (const [name, parameter] of Object.entries(components.parameters))
      addParameter(parameter, ['components', 'parameters', name]);
  }
  const addContent = (reference: unknown, at: JsonPath) => {
    const holder = written(reference, at);
    if (!isObject(holder)) return;
    for (const { media, at: mediaAt } of contentOf(holder, at))
      roots.push({ schema: media.schema, at: [...mediaAt, 'schema'] });
  };
  if (isObject(components.responses)) {
    for (const [name, response] of Object.entries(components.responses))
      addContent(response, ['components', 'responses', name]);
  }
  if (isObject(components.requestBodies)) {
    for (const [name, body] of Object.entries(components.requestBodies))
      addContent(body, ['components', 'requestBodies', name]);
  }
  if (isObject(document.paths)) {
    for (const [urlPath, reference] of Object.entries(document.paths)) {
      const base: JsonPath = ['paths', urlPath];
      // Path items as written: one that is a `$ref` into this file is judged where it is defined.
      const pathItem = written(reference, base);
      if (!isObject(pathItem) || typeof pathItem.$ref === 'string') continue;
      if (Array.isArray(pathItem.parameters)) {
        for (const [i, p] of pathItem.parameters.entries()) addParameter(p, [...base, 'parameters', i]);
      }
      for (const method of HTTP_METHODS) {
        const operation = pathItem[method];
        if (!isObject(operation)) continue;
        const at = [...base, method];
        if (Array.isArray(operation.parameters)) {
          for (const [i, p] of operation.parameters.entries()) addParameter(p, [...at, 'parameters', i]);
        }
        addContent(operation.requestBody, [...at, 'requestBody']);
        if (isObject(operation.responses)) {
          for (const [status, response] of Object.entries(operation.responses))
            addContent(response, [...at, 'responses', status]);
        }
      }
    }
  }
  // One set for every root: a schema in another file that several places refer to is judged once.
  const seen = new Set<unknown>();
  for (const root of roots) {
    walkSchema(doc, root.schema, root.at, visit, {
      ...options,
      seen,
      ...(root.propertyName === undefined ? {} : { name: root.propertyName }),
    });
  }
}

/** A list for a message: the first `shown` items, then how many more there are. */
export function listCutShort(items: readonly string[], shown: number): string {
  return items.length > shown
    ? `${items.slice(0, shown).join(', ')} and ${items.length - shown} more`
    : items.join(', ');
}

/** `emailAddress`, `EmailAddress`, `email-address` → `email_address`, so one pattern fits every casing. */
export function snakeName(name: string): string {
  return wordBreaksMarked(name)
    .replace(/[-\s.]+/g, '_')
    .toLowerCase();
}

/** The type(s) a schema declares, as a list (`type: [string, "null"]` is two). */
export function typesOf(schema: JsonObject): string[] {
  const type = schema.type;
  if (typeof type === 'string') return [type];
  if (Array.isArray(type)) return type.filter((t): t is string => typeof t === 'string');
  return [];
}

/** An absolute URI with a scheme (`https:`, `urn:`, `file:`…), as opposed to a reference relative to us. */
export const hasScheme = (reference: string): boolean => /^[a-z][a-z0-9+.-]*:/i.test(reference);

/**
 * True when the values a schema (or the parameter holding it) admits are only `true` and `false`, however
 * written: `type: boolean`, or an enum, example, default or description of 'true'/'false' strings. A flag
 * such as `send_email` says something about a person's data, never the data itself.
 */
export function carriesOnlyBooleans(schema: unknown, holder?: unknown): boolean {
  if (!isObject(schema)) return false;
  const types = typesOf(schema);
  if (types.length > 0 && types.every((t) => t === 'boolean' || t === 'null')) return true;
  if (types.some((t) => t !== 'string' && t !== 'boolean' && t !== 'null')) return false;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum.every(isBooleanValue);
  const samples = [schema, holder].filter(isObject).flatMap(samplesOf);
  if (samples.length > 0) return samples.every(isBooleanValue);
  return [schema, holder].some(
    (node) => isObject(node) && typeof node.description === 'string' && describesBoolean(node.description),
  );
}

const isBooleanValue = (value: unknown): boolean =>
  typeof value === 'boolean' || (typeof value === 'string' && /^(true|false)$/i.test(value.trim()));

/** Example and default values written on a schema or parameter (`examples` as a list or a map). */
function samplesOf(node: JsonObject): unknown[] {
  const samples: unknown[] = [];
  if ('example' in node) samples.push(node.example);
  if ('default' in node) samples.push(node.default);
  if (Array.isArray(node.examples)) samples.push(...node.examples);
  else if (isObject(node.examples)) {
    for (const example of Object.values(node.examples))
      if (isObject(example) && 'value' in example) samples.push(example.value);
  }
  return samples;
}

const describesBoolean = (text: string): boolean =>
  /\bboolean\b/i.test(text) || (/\btrue\b/i.test(text) && /\bfalse\b/i.test(text));

/**
 * A name that means personal or special-category data (see `personalVocabulary.ts`). A flag about a
 * person's contact details (`send_email`, `has_phone`) is not personal data; a flag about their health or
 * pregnancy still is special-category data.
 */
export function looksPersonal(name: string, schema?: unknown, holder?: unknown): boolean {
  const match = personalFieldOf(name);
  if (match?.kind === 'special-category') return true;
  return match?.kind === 'personal' && !carriesOnlyBooleans(schema, holder);
}

/** What a schema node really is: the node itself, or the target of its `$ref` (see `follow`). */
export function schemaTarget(
  context: { document: { data: unknown }; documentInventory: object },
  node: JsonObject,
  at: JsonPath,
): JsonObject {
  const target = follow(docOf(context.document.data, context), node, at).node;
  return isObject(target) ? target : node;
}

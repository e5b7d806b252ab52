/**
 * Swagger 2.0 (OpenAPI 2.0) read by converting it in memory to OpenAPI 3.1 with Scalar's upgrader, and
 * every place in the converted document mapped back to the place in the Swagger file it came from, so that
 * findings point at lines the supplier wrote.
 */
import { upgrade } from '@scalar/openapi-upgrader';
import { DocumentError } from './errors.ts';
import type { JsonObject } from './parse.ts';

const isObject = (value: unknown): value is JsonObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

export interface ConvertedSwagger {
  /** The description as OpenAPI 3.1. */
  readonly document: JsonObject;
  /** The Swagger version it was written in, e.g. "2.0". */
  readonly swagger: string;
  /** The path in the Swagger document that a path in the converted one came from (the nearest that exists). */
  originalPathOf(path: readonly (string | number)[]): (string | number)[];
}

export const isSwagger2 = (data: unknown): data is JsonObject => isObject(data) && data.swagger !== undefined;

export function convertSwagger2(original: JsonObject, source: string): ConvertedSwagger {
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
  return {
    document,
    swagger: String(original.swagger),
    originalPathOf: (path) => nearestExisting(original, swaggerPathOf(original, path.map(String))),
  };
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
function nearestExisting(document: unknown, path: readonly string[]): (string | number)[] {
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

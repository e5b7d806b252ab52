import {
  type HttpMethod,
  isPublicOperation,
  type JsonObject,
  listOperations,
  resolvePointer,
} from '@council-conform/openapi';

export const isObject = (value: unknown): value is JsonObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Methods that read: the only ones sent unless the run is in sandbox mode. */
export const READ_METHODS: ReadonlySet<HttpMethod> = new Set(['get', 'head']);

export interface ParameterModel {
  readonly name: string;
  readonly in: 'path' | 'query';
  readonly required: boolean;
  /** The parameter's schema with local references followed (cycles cut), for generating values. */
  readonly schema: JsonObject;
}

export interface ResponseModel {
  /** Content types the description gives for this status; empty when it documents no body. */
  readonly contentTypes: readonly string[];
  /** Schema of the JSON body, when one is given (may `$ref` into the document). */
  readonly jsonSchema?: JsonObject;
}

export interface OperationModel {
  /** `GET /services/{id}`: how findings and counts name the operation. */
  readonly key: string;
  readonly method: HttpMethod;
  readonly path: string;
  readonly operationId?: string;
  readonly parameters: readonly ParameterModel[];
  /** The JSON request body's schema (dereferenced), for writes in sandbox mode. */
  readonly body?: { readonly required: boolean; readonly schema: JsonObject };
  /** Documented answers by status key as written: `200`, `4XX`, `default`. */
  readonly responses: Readonly<Record<string, ResponseModel>>;
  /** Callable without credentials. */
  readonly isPublic: boolean;
}

const MAX_DEREF_DEPTH = 8;

/**
 * A schema with its local `$ref`s followed, so that values can be generated from it. A reference met again
 * inside itself (a tree of nodes), or deeper than a few levels, becomes `{}` (anything): generation stays
 * finite, and the answer is still judged against the full schema by Ajv.
 */
export function dereference(document: JsonObject, node: unknown, seen: readonly string[] = []): unknown {
  if (Array.isArray(node)) return node.map((item) => dereference(document, item, seen));
  if (!isObject(node)) return node;
  if (typeof node.$ref === 'string') {
    const ref = node.$ref;
    if (!ref.startsWith('#') || seen.includes(ref) || seen.length >= MAX_DEREF_DEPTH) return {};
    const target = resolvePointer(document, ref.slice(1));
    const { $ref: _ref, ...siblings } = node;
    const resolved = dereference(document, target, [...seen, ref]);
    return isObject(resolved) ? { ...resolved, ...siblings } : resolved;
  }
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    // Examples are data, not schema: left as written.
    out[key] = key === 'example' || key === 'examples' ? value : dereference(document, value, seen);
  }
  return out;
}

function followRef(document: JsonObject, node: unknown): unknown {
  let at = node;
  for (let hops = 0; isObject(at) && typeof at.$ref === 'string' && hops < MAX_DEREF_DEPTH; hops++) {
    if (!at.$ref.startsWith('#')) return undefined;
    at = resolvePointer(document, at.$ref.slice(1));
  }
  return at;
}

function parametersOf(document: JsonObject, pathItem: JsonObject, operation: JsonObject): ParameterModel[] {
  const byKey = new Map<string, ParameterModel>();
  for (const raw of [
    ...(Array.isArray(pathItem.parameters) ? pathItem.parameters : []),
    ...(Array.isArray(operation.parameters) ? operation.parameters : []),
  ]) {
    const parameter = followRef(document, raw);
    if (!isObject(parameter) || typeof parameter.name !== 'string') continue;
    if (parameter.in !== 'path' && parameter.in !== 'query') continue;
    const schema = dereference(document, parameter.schema ?? {});
    byKey.set(`${parameter.in}:${parameter.name}`, {
      name: parameter.name,
      in: parameter.in,
      required: parameter.in === 'path' || parameter.required === true,
      schema: isObject(schema) ? schema : {},
    });
  }
  return [...byKey.values()];
}

const isJsonType = (type: string) =>
  /^application\/([\w.+-]*\+)?json$/i.test(type.split(';')[0]?.trim() ?? '');

function responsesOf(document: JsonObject, operation: JsonObject): Record<string, ResponseModel> {
  const out: Record<string, ResponseModel> = {};
  const responses = isObject(operation.responses) ? operation.responses : {};
  for (const [status, raw] of Object.entries(responses)) {
    const response = followRef(document, raw);
    if (!isObject(response)) continue;
    const content = isObject(response.content) ? response.content : {};
    const json = Object.entries(content).find(([type]) => isJsonType(type));
    const schema = json && isObject(json[1]) && isObject(json[1].schema) ? json[1].schema : undefined;
    out[status] = { contentTypes: Object.keys(content), ...(schema ? { jsonSchema: schema } : {}) };
  }
  return out;
}

function bodyOf(document: JsonObject, operation: JsonObject): OperationModel['body'] {
  const body = followRef(document, operation.requestBody);
  if (!isObject(body) || !isObject(body.content)) return undefined;
  const json = Object.entries(body.content).find(([type]) => isJsonType(type));
  if (!json || !isObject(json[1])) return undefined;
  const schema = dereference(document, json[1].schema ?? {});
  return { required: body.required === true, schema: isObject(schema) ? schema : {} };
}

/** Every operation of a description, as exploration sees it. */
export function operationModels(document: JsonObject): OperationModel[] {
  return listOperations(document).map((entry) => {
    const body = bodyOf(document, entry.operation);
    return {
      key: `${entry.method.toUpperCase()} ${entry.path}`,
      method: entry.method,
      path: entry.path,
      ...(entry.operationId ? { operationId: entry.operationId } : {}),
      parameters: parametersOf(document, entry.pathItem, entry.operation),
      ...(body ? { body } : {}),
      responses: responsesOf(document, entry.operation),
      isPublic: isPublicOperation(document, entry.operation),
    };
  });
}

/** The documented answer for a status: its own entry, its range (`4XX`), else `default`. */
export function documentedResponse(operation: OperationModel, status: number): ResponseModel | undefined {
  const { responses } = operation;
  return responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
}

export { isJsonType };

import { type JsonObject, resolvePointer } from '@council-conform/openapi';
import { email, personName, type Rng, sentence } from '@council-conform/synthetic-data';
import { isObject } from './json.ts';

/** The JSON request body schema of an operation, `$ref`s followed; undefined when it takes no JSON body. */
export function jsonBodySchema(document: JsonObject, operation: JsonObject): JsonObject | undefined {
  let body = operation.requestBody;
  if (isObject(body) && typeof body.$ref === 'string') body = resolvePointer(document, body.$ref.slice(1));
  if (!isObject(body) || !isObject(body.content)) return undefined;
  const json = Object.entries(body.content).find(([type]) => /json/i.test(type))?.[1];
  return isObject(json) && isObject(json.schema) ? json.schema : undefined;
}

/** A schema with its `$ref` followed (within the document), else the schema itself. */
export function resolved(document: JsonObject, schema: unknown): JsonObject | undefined {
  let node = schema;
  for (let hops = 0; hops < 20 && isObject(node) && typeof node.$ref === 'string'; hops++)
    node = node.$ref.startsWith('#') ? resolvePointer(document, node.$ref.slice(1)) : undefined;
  return isObject(node) ? node : undefined;
}

/** Property schemas of an object schema, its `allOf` parts merged in. */
export function propertiesOf(document: JsonObject, schema: unknown): Record<string, unknown> {
  const node = resolved(document, schema);
  if (!node) return {};
  const own = isObject(node.properties) ? node.properties : {};
  const parts = Array.isArray(node.allOf) ? node.allOf.map((part) => propertiesOf(document, part)) : [];
  return Object.assign({}, ...parts, own);
}

export function requiredOf(document: JsonObject, schema: unknown): string[] {
  const node = resolved(document, schema);
  if (!node) return [];
  const own = Array.isArray(node.required) ? node.required.map(String) : [];
  const parts = Array.isArray(node.allOf) ? node.allOf.flatMap((part) => requiredOf(document, part)) : [];
  // An `anyOf` of required lists (a location by coordinates, or an address): the first alternative.
  const alternative = Array.isArray(node.anyOf) ? node.anyOf.find(isObject) : undefined;
  const chosen =
    alternative && !alternative.$ref && Array.isArray(alternative.required)
      ? alternative.required.map(String)
      : [];
  return [...new Set([...own, ...parts, ...chosen])];
}

const nowSeconds = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Candidate strings for a patterned string with no example: the first the pattern accepts is used. */
function patterned(pattern: string, rng: Rng): string | undefined {
  let re: RegExp;
  try {
    re = new RegExp(pattern, 'u');
  } catch {
    return undefined;
  }
  const n = rng.int(100000, 999999);
  const candidates = [`conform-${n}`, `CONFORM-${n}`, `C${n}`, String(n), `${n}`.slice(0, 4), 'conform'];
  return candidates.find((c) => re.test(c));
}

function stringFor(schema: JsonObject, name: string, rng: Rng): string | undefined {
  const format = typeof schema.format === 'string' ? schema.format : undefined;
  if (format === 'date-time') return nowSeconds();
  if (format === 'date') return nowSeconds().slice(0, 10);
  if (format === 'email') return email(rng, personName(rng));
  if (format === 'uri' || format === 'uri-reference') return 'https://example.org/conform';
  if (typeof schema.pattern === 'string') return patterned(schema.pattern, rng);
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : 200;
  if (/name/i.test(name)) return personName(rng).given.slice(0, max);
  return sentence(rng, 4, 8).slice(0, max);
}

/**
 * A value for a schema, generated from it: the schema's own example where it gives one (a spec's examples
 * are valid and realistic), else const, enum or default, else a value built from its type, format and
 * bounds with the project's synthetic data. Objects get their required properties and `extra` ones.
 */
export function generateFromSchema(
  document: JsonObject,
  schema: unknown,
  rng: Rng,
  options: { name?: string; extra?: readonly string[]; depth?: number } = {},
): unknown {
  const depth = options.depth ?? 0;
  const node = resolved(document, schema);
  if (!node || depth > 12) return undefined;
  if (Array.isArray(node.examples) && node.examples.length > 0) return structuredClone(node.examples[0]);
  if ('example' in node) return structuredClone(node.example);
  if ('const' in node) return node.const;
  if (Array.isArray(node.enum) && node.enum.length > 0) return node.enum[0];
  if ('default' in node) return node.default;
  for (const key of ['oneOf', 'anyOf'] as const)
    if (Array.isArray(node[key]) && !isObject(node.properties) && node[key].length > 0)
      return generateFromSchema(document, node[key][0], rng, { ...options, depth: depth + 1 });
  const types = Array.isArray(node.type) ? node.type : [node.type];
  const type =
    types.find((t) => t !== 'null') ??
    (isObject(node.properties) || Array.isArray(node.allOf) ? 'object' : undefined);
  switch (type) {
    case 'object': {
      const properties = propertiesOf(document, node);
      const out: JsonObject = {};
      for (const name of [...requiredOf(document, node), ...(options.extra ?? [])]) {
        if (name in out || !(name in properties)) continue;
        const value = generateFromSchema(document, properties[name], rng, { name, depth: depth + 1 });
        if (value !== undefined) out[name] = value as JsonObject[string];
      }
      return out;
    }
    case 'array': {
      const count = typeof node.minItems === 'number' ? Math.max(1, node.minItems) : 1;
      const items = Array.from({ length: count }, () =>
        generateFromSchema(document, node.items, rng, { depth: depth + 1 }),
      );
      return items.every((item) => item !== undefined) ? items : [];
    }
    case 'integer':
    case 'number': {
      const min = typeof node.minimum === 'number' ? node.minimum : 0;
      const max = typeof node.maximum === 'number' ? node.maximum : min + 100;
      return type === 'integer' ? rng.int(Math.ceil(min), Math.floor(max)) : min + (max - min) / 2;
    }
    case 'boolean':
      return false;
    case 'string':
      return stringFor(node, options.name ?? '', rng);
    default:
      return undefined;
  }
}

import { type JsonObject, resolvePointer } from '@council-conform/openapi';

const isObject = (value: unknown): value is JsonObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * A value for a schema, for operations the profile does not tie to a dataset: the schema's own example
 * first, then const, enum or default, else a minimal instance of required properties. Only used where a
 * spec offers no example; the spec tests make sure examples exist and validate.
 */
export function sampleFromSchema(document: JsonObject, schema: unknown, depth = 0): unknown {
  if (!isObject(schema) || depth > 12) return null;
  if (typeof schema.$ref === 'string') {
    return sampleFromSchema(document, resolvePointer(document, schema.$ref.slice(1)), depth + 1);
  }
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if ('example' in schema) return schema.example;
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if ('default' in schema) return schema.default;
  if (Array.isArray(schema.allOf)) {
    let merged: unknown = {};
    for (const part of schema.allOf) {
      const value = sampleFromSchema(document, part, depth + 1);
      if (isObject(merged) && isObject(value)) Object.assign(merged, value);
      else merged = value ?? merged;
    }
    return merged;
  }
  for (const key of ['oneOf', 'anyOf'] as const) {
    const options = schema[key];
    if (Array.isArray(options) && options.length > 0)
      return sampleFromSchema(document, options[0], depth + 1);
  }
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const out: JsonObject = {};
      const properties = isObject(schema.properties) ? schema.properties : {};
      const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
      for (const name of required) out[name] = sampleFromSchema(document, properties[name], depth + 1);
      return out;
    }
    case 'array':
      return [];
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : 0;
    case 'boolean':
      return false;
    case 'string':
      if (schema.format === 'date-time') return '2026-01-01T00:00:00Z';
      if (schema.format === 'date') return '2026-01-01';
      if (schema.format === 'uri' || schema.format === 'uri-reference') return 'https://example.org/';
      return 'sample';
    default:
      return null;
  }
}

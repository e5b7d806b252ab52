import { type JsonObject, resolvePointer } from '@council-conform/openapi';

const PREFERRED = ['description', 'summary', 'title', 'notes', 'detail', 'comment', 'text', 'name'];
const isObject = (value: unknown): value is JsonObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

function resolve(document: JsonObject, schema: unknown): JsonObject | undefined {
  let node = schema;
  for (let i = 0; i < 10 && isObject(node) && typeof node.$ref === 'string'; i++)
    node = resolvePointer(document, node.$ref.slice(1));
  return isObject(node) ? node : undefined;
}

/** Top-level properties of a schema, through $refs and allOf. */
function propertiesOf(document: JsonObject, schema: unknown, depth = 0): [string, JsonObject][] {
  const node = resolve(document, schema);
  if (!node || depth > 5) return [];
  const own = isObject(node.properties)
    ? Object.entries(node.properties).map(([k, v]) => [k, resolve(document, v) ?? {}] as [string, JsonObject])
    : [];
  const inherited = Array.isArray(node.allOf)
    ? node.allOf.flatMap((part) => propertiesOf(document, part, depth + 1))
    : [];
  return [...own, ...inherited];
}

const isFreeText = (schema: JsonObject) =>
  (schema.type === 'string' || (Array.isArray(schema.type) && schema.type.includes('string'))) &&
  schema.format === undefined &&
  schema.pattern === undefined &&
  schema.enum === undefined &&
  schema.const === undefined &&
  (typeof schema.maxLength !== 'number' || schema.maxLength >= 80) &&
  schema['x-data-classification'] !== 'personal' &&
  schema['x-data-classification'] !== 'special-category';

/**
 * The property of a dataset's records that a person types free text into, judged from its schema: a plain
 * string with room for a sentence. Faults that paste text into records (a leaked case note, an advert) use
 * it, so they break the rule they are about and not the schema as well. Undefined when there is none.
 */
export function freeTextField(
  document: JsonObject,
  schemaName: string,
  options: { unclassified?: boolean } = {},
): string | undefined {
  const properties = propertiesOf(document, { $ref: `#/components/schemas/${schemaName}` }).filter(
    ([, schema]) =>
      isFreeText(schema) && !(options.unclassified && schema['x-data-classification'] !== undefined),
  );
  return (PREFERRED.map((name) => properties.find(([key]) => key === name)).find(Boolean) ??
    properties[0])?.[0];
}

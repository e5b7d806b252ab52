import traverse from 'json-schema-traverse';
import { isObject } from '../model.ts';
import type { IFunctionResult, RulesetFunction, RulesetFunctionContext } from '../spectral.ts';
import { createRulesetFunction, oasSchema } from '../spectral.ts';

/**
 * Spectral's `oasExample` (behind `oas3-valid-media-example` and `oas3-valid-schema-example`) for OpenAPI 3,
 * the same checks with the same messages, except that a schema is compiled once per document however many
 * examples it judges. Spectral copies the schema for every example it validates (JSON text and back), so
 * Ajv, which keeps compiled validators by object, compiles it again each time: in a large description
 * that was a third of the lint. Here each prepared schema is kept by its canonical text, so Spectral's own
 * validator cache finds it; annotations that cannot change a verdict (descriptions, titles, examples,
 * comments) are left out of that text, so schemas that differ only in prose share one validator.
 */

interface ExampleOptions {
  readonly oasVersion: 3;
  readonly schemaField: string;
  readonly type: 'media' | 'schema';
}

type Schema = Record<string, unknown>;
type Path = RulesetFunctionContext['path'];

const REQUEST_MEDIA_PATHS: readonly (readonly string[])[] = [
  ['components', 'requestBodies'],
  ['paths', '*', '*', 'requestBody'],
];
const RESPONSE_MEDIA_PATHS: readonly (readonly string[])[] = [
  ['components', 'responses'],
  ['paths', '*', '*', 'responses'],
];

const isSubpath = (path: Path, subPaths: readonly (readonly string[])[]) =>
  subPaths.some((subPath) => subPath.every((segment, index) => segment === '*' || segment === path[index]));

interface Item {
  readonly value: unknown;
  readonly path: Path;
}

function* mediaItems(target: Schema, path: Path): Generator<Item> {
  if ('example' in target) {
    yield { value: target.example, path: [...path, 'example'] };
    return;
  }
  if (!('examples' in target) || !isObject(target.examples)) return;
  for (const [key, example] of Object.entries(target.examples)) {
    if (!isObject(example) || 'externalValue' in example) continue;
    yield { value: example.value, path: [...path, 'examples', key, 'value'] };
  }
}

function* schemaItems(target: Schema, path: Path): Generator<Item> {
  for (const field of ['example', 'default']) {
    if (field in target) yield { value: target[field], path: [...path, field] };
  }
}

// The keyword tables json-schema-traverse walks by; its types leave them out, Spectral reads them all the same.
const tables = traverse as unknown as Record<'keywords' | 'arrayKeywords' | 'propsKeywords', object>;
const KNOWN_TRAVERSE_KEYWORDS = new Set([
  ...Object.keys(tables.keywords),
  ...Object.keys(tables.arrayKeywords),
  ...Object.keys(tables.propsKeywords),
]);

/** Spectral's cleanSchema: an `id` inside a non-schema value would be taken for a schema identifier. */
function cleanSchema(schema: Schema): void {
  traverse(schema, { allKeys: true }, (fragment, _pointer, _root, _parentPointer, parentKeyword) => {
    if (parentKeyword === undefined || KNOWN_TRAVERSE_KEYWORDS.has(parentKeyword)) return;
    if ('id' in fragment) delete fragment.id;
  });
}

/** Spectral's relaxRequired: a response need not carry writeOnly properties, nor a request readOnly ones. */
function relaxRequired(schema: Schema, readOnly: boolean, writeOnly: boolean): void {
  if (!readOnly && !writeOnly) return;
  const notPointers: string[] = [];
  traverse(schema, {}, (fragment, pointer, _root, parentPointer, parentKeyword, parent, propertyName) => {
    if (parentKeyword === 'not') {
      notPointers.push(pointer);
      return;
    }
    if (
      parentPointer !== undefined &&
      notPointers.some((not) => parentPointer === not || parentPointer.startsWith(`${not}/`))
    )
      return;
    if ((fragment.readOnly === true && readOnly) || (fragment.writeOnly === true && writeOnly)) {
      if (
        parentKeyword === 'properties' &&
        parent &&
        (parent.required === undefined || Array.isArray(parent.required))
      ) {
        parent.required = (parent.required as string[] | undefined)?.filter((name) => name !== propertyName);
        if ((parent.required as string[] | undefined)?.length === 0) delete parent.required;
      }
    }
  });
}

/** Keywords that annotate a schema and never change whether an instance is valid. */
const ANNOTATIONS = new Set(['description', 'title', 'examples', 'example', '$comment']);
/** Keywords whose value maps names to schemas: its keys are names, never keywords. */
const NAME_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);
/** Keywords whose value is data: nothing in it is a keyword. */
const DATA = new Set(['const', 'enum', 'default', 'examples', 'example']);

/**
 * The schema as JSON text without its annotations, the cache key: two schemas with the same key accept
 * and reject the same instances. Which objects are name maps and data is decided top-down, as
 * JSON.stringify visits a holder before its members.
 */
function canonicalText(schema: Schema): string {
  const names = new WeakSet<object>();
  const data = new WeakSet<object>();
  return JSON.stringify(schema, function (this: object, key: string, value: unknown) {
    const inData = data.has(this);
    const inNames = names.has(this);
    if (!inData && !inNames && key !== '' && !Array.isArray(this) && ANNOTATIONS.has(key)) return undefined;
    if (value !== null && typeof value === 'object') {
      if (inData || (!inNames && DATA.has(key))) data.add(value);
      else if (!inNames && NAME_MAPS.has(key)) names.add(value);
    }
    return value;
  });
}

/** Prepared schemas by canonical text, one table per document linted. */
const prepared = new WeakMap<object, Map<string, Schema>>();

function preparedSchema(
  raw: Schema,
  readOnly: boolean,
  writeOnly: boolean,
  context: RulesetFunctionContext,
): Schema {
  let table = prepared.get(context.document);
  if (!table) {
    table = new Map();
    prepared.set(context.document, table);
  }
  const key = `${readOnly ? 'r' : '-'}${writeOnly ? 'w' : '-'}${canonicalText(raw)}`;
  let schema = table.get(key);
  if (!schema) {
    schema = JSON.parse(JSON.stringify(raw)) as Schema;
    cleanSchema(schema);
    relaxRequired(schema, readOnly, writeOnly);
    table.set(key, schema);
  }
  return schema;
}

const spectralSchema = oasSchema as RulesetFunction<unknown, { schema: Schema }>;

export const validExample = createRulesetFunction<Schema, ExampleOptions>(
  {
    input: { type: 'object' },
    options: {
      type: 'object',
      properties: {
        oasVersion: { enum: [3] },
        schemaField: { type: 'string' },
        type: { enum: ['media', 'schema'] },
      },
      additionalProperties: false,
    },
  },
  function validExample(target, options, context) {
    const raw = options.schemaField === '$' ? target : target[options.schemaField];
    if (!isObject(raw)) return [];
    const media = options.type === 'media';
    const schema = preparedSchema(
      raw,
      media && isSubpath(context.path, REQUEST_MEDIA_PATHS),
      media && isSubpath(context.path, RESPONSE_MEDIA_PATHS),
      context,
    );
    let results: IFunctionResult[] | undefined;
    for (const item of media ? mediaItems(target, context.path) : schemaItems(target, context.path)) {
      const found = spectralSchema(item.value, { schema }, { ...context, path: item.path });
      if (Array.isArray(found)) {
        results ??= [];
        results.push(...found);
      }
    }
    return results;
  },
);

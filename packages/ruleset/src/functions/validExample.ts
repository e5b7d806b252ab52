import {
  createSchemaValidator,
  pointerTokens,
  type SchemaValidator,
  UnsafePatternError,
} from '@council-conform/openapi';
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

/**
 * A schema as Spectral's validator gets it, and, when it has patterns, as ours does. Spectral's Ajv matches
 * with JavaScript's RegExp, which backtracks: `pattern: ^(a+)+$` and a long example would stall the lint (and
 * the run's description-lints-clean), so patterns and pattern properties are taken out of what Spectral gets
 * and judged by @council-conform/openapi's validator, which matches a supplier's patterns in linear time.
 */
interface PreparedSchema {
  readonly forSpectral: Schema;
  readonly withPatterns: Schema | undefined;
}

/** Prepared schemas by canonical text, one table per document linted. */
const prepared = new WeakMap<object, Map<string, PreparedSchema>>();

/** Takes `pattern` and `patternProperties` out of every schema object (never out of data or names). */
function withoutPatterns(schema: Schema): { stripped: Schema; had: boolean } {
  const stripped = JSON.parse(JSON.stringify(schema)) as Schema;
  let had = false;
  traverse(stripped, {}, (fragment) => {
    if (typeof fragment.pattern === 'string' || isObject(fragment.patternProperties)) {
      had = true;
      delete fragment.pattern;
      delete fragment.patternProperties;
    }
  });
  return { stripped, had };
}

function preparedSchema(
  raw: Schema,
  readOnly: boolean,
  writeOnly: boolean,
  context: RulesetFunctionContext,
): PreparedSchema {
  let table = prepared.get(context.document);
  if (!table) {
    table = new Map();
    prepared.set(context.document, table);
  }
  const key = `${readOnly ? 'r' : '-'}${writeOnly ? 'w' : '-'}${canonicalText(raw)}`;
  let schema = table.get(key);
  if (!schema) {
    const cleaned = JSON.parse(JSON.stringify(raw)) as Schema;
    cleanSchema(cleaned);
    relaxRequired(cleaned, readOnly, writeOnly);
    const { stripped, had } = withoutPatterns(cleaned);
    schema = { forSpectral: stripped, withPatterns: had ? cleaned : undefined };
    table.set(key, schema);
  }
  return schema;
}

/** One linear-time validator per document linted, so that a schema's `$ref`s into it resolve. */
const patternValidators = new WeakMap<object, SchemaValidator>();

/** What the patterns of a schema find wrong in a value, worded as Spectral words its own findings. */
function patternResults(schema: Schema, item: Item, context: RulesetFunctionContext): IFunctionResult[] {
  let validator = patternValidators.get(context.document);
  if (!validator) {
    const data = (context.document as { data?: unknown }).data;
    validator = createSchemaValidator(isObject(data) ? data : {});
    patternValidators.set(context.document, validator);
  }
  try {
    return validator
      .validateWith(schema, item.value)
      .filter((error) => /\/pattern(?:Properties\/|$)/.test(error.schemaPath))
      .map((error) => {
        const path = [...item.path, ...pointerTokens(error.pointer)];
        const said = error.message.slice((error.pointer || '(root)').length + 1);
        return { message: `"${String(path.at(-1))}" property ${said}`, path };
      });
  } catch (error) {
    if (error instanceof UnsafePatternError) return [{ message: error.message, path: item.path }];
    // A schema our validator cannot compile (a $ref it cannot follow) is Spectral's to report, as before.
    return [];
  }
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
      const found = spectralSchema(
        item.value,
        { schema: schema.forSpectral },
        { ...context, path: item.path },
      );
      const mismatched = schema.withPatterns ? patternResults(schema.withPatterns, item, context) : [];
      if (Array.isArray(found) || mismatched.length > 0) {
        results ??= [];
        if (Array.isArray(found)) results.push(...found);
        results.push(...mismatched);
      }
    }
    return results;
  },
);

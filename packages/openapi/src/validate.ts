import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsImport from 'ajv-formats';
import { linearRegExp } from './linear-regexp.ts';
import type { JsonObject } from './parse.ts';

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
type AddFormats = (ajv: Ajv2020) => Ajv2020;
const addFormats = ((addFormatsImport as unknown as { default?: AddFormats }).default ??
  addFormatsImport) as unknown as AddFormats;

export interface InstanceError {
  /** JSON pointer into the validated value. */
  readonly pointer: string;
  readonly message: string;
  /** JSON pointer into the schema of the keyword that failed. */
  readonly schemaPath: string;
}

export interface SchemaValidator {
  /** Validates a value against a schema in the document, named by JSON pointer (`/components/schemas/X`). */
  validate(schemaPointer: string, value: unknown): InstanceError[];
  /** Validates against an inline schema that may $ref into the document. */
  validateWith(schema: JsonObject, value: unknown): InstanceError[];
}

const DOC_ID = 'urn:council-conform:document';

/** Keywords OpenAPI adds to JSON Schema; known to Ajv so that strict mode stays useful elsewhere. */
const OPENAPI_KEYWORDS = ['discriminator', 'xml', 'externalDocs', 'example', 'nullable'];

function formatErrors(errors: ErrorObject[] | null | undefined): InstanceError[] {
  return (errors ?? []).map((error) => ({
    pointer: error.instancePath,
    schemaPath: error.schemaPath,
    message: `${error.instancePath || '(root)'} ${error.message ?? 'is invalid'}${
      error.keyword === 'additionalProperties'
        ? `: ${(error.params as { additionalProperty: string }).additionalProperty}`
        : error.keyword === 'enum'
          ? `: ${JSON.stringify((error.params as { allowedValues: unknown[] }).allowedValues)}`
          : ''
    }`,
  }));
}

export interface SchemaValidatorOptions {
  /**
   * Whose `pattern`s the document holds. A supplier's (the default) are matched in linear time (RE2), since a
   * pattern such as `^(a+)+$` would let one answer stall a run; the project's own reference documents are
   * trusted, and keep JavaScript's faster engine for the millions of values an export holds.
   */
  readonly patterns?: 'supplier' | 'trusted';
}

/** What Ajv calls to compile a pattern; `code` names it in generated code, which is never used standalone. */
const linearRegExpEngine = Object.assign((pattern: string, flags: string) => linearRegExp(pattern, flags), {
  code: 'linearRegExp',
});

/**
 * One Ajv instance per document: the whole document is registered as a schema resource so that local
 * `#/components/schemas/…` references resolve. Compiled validators are cached per pointer.
 */
export function createSchemaValidator(
  document: JsonObject,
  options: SchemaValidatorOptions = {},
): SchemaValidator {
  const ajv = new Ajv2020({
    strict: false,
    allErrors: true,
    validateFormats: true,
    logger: false,
    unicodeRegExp: true,
    ...(options.patterns === 'trusted' ? {} : { code: { regExp: linearRegExpEngine } }),
  });
  addFormats(ajv);
  for (const keyword of OPENAPI_KEYWORDS) {
    if (!ajv.getKeyword(keyword)) ajv.addKeyword(keyword);
  }
  const { $schema: _ignored, ...body } = document;
  ajv.addSchema({ ...body, $id: DOC_ID }, DOC_ID);
  const cache = new Map<string, ValidateFunction>();
  return {
    validate(schemaPointer, value) {
      let validator = cache.get(schemaPointer);
      if (!validator) {
        validator = ajv.compile({ $ref: `${DOC_ID}#${schemaPointer}` });
        cache.set(schemaPointer, validator);
      }
      return validator(value) ? [] : formatErrors(validator.errors);
    },
    validateWith(schema, value) {
      const key = JSON.stringify(schema);
      let validator = cache.get(key);
      if (!validator) {
        validator = ajv.compile(rebaseRefs(schema, DOC_ID) as JsonObject);
        cache.set(key, validator);
      }
      return validator(value) ? [] : formatErrors(validator.errors);
    },
  };
}

const referenceValidators = new WeakMap<JsonObject, SchemaValidator>();

/**
 * The trusted validator of a reference document, one per document for the life of the process. A run's
 * checks, and each mock supplier twice over, compiled the same reference's schemas again: about a tenth of
 * a fault-matrix run's CPU, and again for every run a `conform worker` makes. Its schemas are the
 * reference's own, so what it compiles is bounded by the document. The document must not change once it
 * has a validator, as a loaded reference never does.
 */
export function referenceSchemaValidator(document: JsonObject): SchemaValidator {
  let validator = referenceValidators.get(document);
  if (!validator) {
    validator = createSchemaValidator(document, { patterns: 'trusted' });
    referenceValidators.set(document, validator);
  }
  return validator;
}

function rebaseRefs(node: unknown, base: string): unknown {
  if (Array.isArray(node)) return node.map((item) => rebaseRefs(item, base));
  if (node === null || typeof node !== 'object') return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] =
      key === '$ref' && typeof value === 'string' && value.startsWith('#')
        ? `${base}${value}`
        : rebaseRefs(value, base);
  }
  return out;
}

import {
  docOf,
  isObject,
  type JsonObject,
  type JsonPath,
  schemaTarget,
  snakeName,
  typesOf,
  walkAllSchemas,
} from '../model.ts';
import type { IFunctionResult } from '../spectral.ts';
import { createRulesetFunction } from '../spectral.ts';

/** The Council API Baseline's shared identifier schemas: the pattern is the standard. */
export const SHARED_IDENTIFIERS = [
  { schema: 'Uprn', what: 'UPRN', name: /(^|_)uprns?$/, pattern: '^[1-9][0-9]{0,11}$' },
  { schema: 'Usrn', what: 'USRN', name: /(^|_)usrns?$/, pattern: '^[1-9][0-9]{0,7}$' },
  { schema: 'GssCode', what: 'GSS code', name: /(^|_)gss(_code)?s?$/, pattern: '^[EKNSW][0-9]{8}$' },
] as const;

type Identifier = (typeof SHARED_IDENTIFIERS)[number];
type Context = Parameters<typeof schemaTarget>[0];

/** `''`, `null` or `type: 'null'`: how some standards say "no value". */
const isAbsentValue = (schema: JsonObject): boolean =>
  schema.const === '' ||
  schema.const === null ||
  (Array.isArray(schema.enum) && schema.enum.every((value) => value === '' || value === null)) ||
  (typesOf(schema).length > 0 && typesOf(schema).every((type) => type === 'null'));

/** Why a schema is not the shared identifier schema, or undefined when it is (or cannot be judged). */
function identifierProblem(
  context: Context,
  schema: JsonObject,
  at: JsonPath,
  identifier: Identifier,
): string | undefined {
  const target = schemaTarget(context, schema, at);
  if (typeof target.$ref === 'string') return undefined;
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = target[key];
    if (!Array.isArray(branches)) continue;
    // The shared schema, or else an explicit "no value" (`''` or null), and nothing else.
    const problems = branches.map((branch, index) =>
      isObject(branch) && !isAbsentValue(branch)
        ? (identifierProblem(context, branch, [...at, key, index], identifier) ?? null)
        : undefined,
    );
    if (problems.includes(null) && problems.every((problem) => problem === null || problem === undefined))
      return undefined;
    return (
      problems.find((problem) => typeof problem === 'string') ?? 'gives no branch that is the shared schema'
    );
  }
  const types = typesOf(target).filter((type) => type !== 'null');
  if (types.includes('integer') || types.includes('number'))
    return `is a number; ${identifier.what}s are strings`;
  if (target.pattern === identifier.pattern) return undefined;
  return target.pattern === undefined ? 'states no pattern' : `has its own pattern ${String(target.pattern)}`;
}

/**
 * A field that carries a UPRN, USRN or GSS code uses the shared schema (by `$ref` to the baseline's
 * `Uprn`, `Usrn` or `GssCode`, or a string schema with exactly its pattern), so every system agrees on
 * what a valid one is. UPRNs and USRNs are strings: JSON numbers lose digits in some tools. A standard
 * that writes "no value" as `''` or null says so with `anyOf: [{$ref: …/Uprn}, {const: ''}]`.
 */
export const sharedIdentifiers = createRulesetFunction<unknown, null>(
  { input: { type: 'object' }, options: null },
  function sharedIdentifiers(document, _options, context) {
    const results: IFunctionResult[] = [];
    walkAllSchemas(docOf(document, context), ({ schema, at, propertyName }) => {
      if (!propertyName || (at.at(-2) !== 'properties' && at.at(-1) !== 'schema')) return;
      const identifier = SHARED_IDENTIFIERS.find((candidate) => candidate.name.test(snakeName(propertyName)));
      if (!identifier) return;
      const target = schemaTarget(context, schema, at);
      const [judged, judgedAt] =
        typesOf(target).includes('array') && isObject(target.items)
          ? [target.items, [...at, 'items']]
          : [schema, at];
      const problem = identifierProblem(context, judged, judgedAt, identifier);
      if (!problem) return;
      results.push({
        message: `"${propertyName}" carries a ${identifier.what} but ${problem}: use the baseline's shared ${identifier.schema} schema ($ref to #/components/schemas/${identifier.schema}, pattern ${identifier.pattern}).`,
        path: judgedAt,
      });
    });
    return results;
  },
);

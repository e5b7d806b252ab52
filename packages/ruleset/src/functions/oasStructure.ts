import type { JsonObject } from '@council-conform/openapi';
import { HTTP_METHODS } from '@council-conform/openapi';
import { isObject } from '../model.ts';
import type { IFunctionResult, RulesetFunction } from '../spectral.ts';
import { createRulesetFunction, oas } from '../spectral.ts';

const spectralStructure = oas.rules['oas3-schema'].then.function as RulesetFunction<unknown, unknown>;
const PATH_ITEM_KEYS = new Set<string>([
  '$ref',
  'summary',
  'description',
  'servers',
  'parameters',
  ...HTTP_METHODS,
]);

/**
 * Spectral's own `oas3-schema`, minus one false positive: its OpenAPI 3.1 schema rejects a path item that
 * is a `$ref` (stoplightio/spectral#2655), which OpenAPI 3.1 allows and the baseline relies on. A path
 * item with a `$ref` and nothing but path-item fields beside it is let through; everything else is
 * Spectral's verdict unchanged.
 */
export const oasStructure = createRulesetFunction<unknown, null>(
  { input: null, options: null },
  async function oasStructure(input, options, context) {
    const results = ((await spectralStructure(input, options, context)) ?? []) as IFunctionResult[];
    const paths = isObject(input) && isObject(input.paths) ? (input.paths as JsonObject) : {};
    return results.filter((result) => {
      const path = result.path ?? [];
      if (path.length !== 2 || path[0] !== 'paths' || !/unevaluated properties/.test(result.message))
        return true;
      // Spectral leaves the JSON pointer escapes in (`~1openapi.json`).
      const item = paths[String(path[1]).replace(/~1/g, '/').replace(/~0/g, '~')];
      return !isPathItemReference(item);
    });
  },
);

/** A path item that is a `$ref` with nothing but path-item fields beside it, as OpenAPI 3.1 allows. */
export const isPathItemReference = (item: unknown): boolean =>
  isObject(item) &&
  typeof item.$ref === 'string' &&
  Object.keys(item).every((key) => PATH_ITEM_KEYS.has(key) || key.startsWith('x-'));

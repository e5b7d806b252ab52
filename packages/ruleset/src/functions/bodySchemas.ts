import { bodiesOf, operationsOf } from '../model.ts';
import type { IFunctionResult } from '../spectral.ts';
import { createRulesetFunction } from '../spectral.ts';

/** Every request and response body states its shape: a media type without a schema documents nothing. */
export const bodySchemas = createRulesetFunction<unknown, null>(
  { input: { type: 'object' }, options: null },
  function bodySchemas(document) {
    const results: IFunctionResult[] = [];
    for (const op of operationsOf(document)) {
      for (const { kind, status, entries } of bodiesOf(document, op)) {
        for (const { mediaType, media, at } of entries) {
          if (media.schema !== undefined) continue;
          const where = kind === 'request' ? 'request body' : `${status} response`;
          results.push({
            message: `The ${where} as ${mediaType} has no schema: state the shape of the body.`,
            path: at,
          });
        }
      }
    }
    return results;
  },
);

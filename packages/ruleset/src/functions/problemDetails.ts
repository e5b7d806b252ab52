import { contentOf, operationsOf, responsesOf } from '../model.ts';
import type { IFunctionResult } from '../spectral.ts';
import { createRulesetFunction } from '../spectral.ts';

const PROBLEM_JSON = /^application\/problem\+json\s*(;|$)/i;

/** Every error response (4xx, 5xx and `default`) is described as RFC 9457 `application/problem+json`. */
export const problemDetails = createRulesetFunction<unknown, null>(
  { input: { type: 'object' }, options: null },
  function problemDetails(document) {
    const results: IFunctionResult[] = [];
    for (const op of operationsOf(document)) {
      if (op.method === 'head') continue;
      for (const { status, response, at } of responsesOf(document, op)) {
        if (!/^[45]/.test(status) && status !== 'default') continue;
        const types = contentOf(response, at).map((entry) => entry.mediaType);
        if (types.some((type) => PROBLEM_JSON.test(type))) continue;
        results.push({
          message:
            types.length === 0
              ? `The ${status} response describes no body: errors are RFC 9457 problem details, content application/problem+json.`
              : `The ${status} response is ${types.join(', ')}: errors are RFC 9457 problem details, content application/problem+json.`,
          path: types.length === 0 ? at : [...at, 'content'],
        });
      }
    }
    return results;
  },
);

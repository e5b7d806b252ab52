import { isObject, operationsOf, responsesOf } from '../model.ts';
import type { IFunctionResult } from '../spectral.ts';
import { createRulesetFunction } from '../spectral.ts';

/**
 * A deprecated operation says when it goes: its successful responses declare the `Sunset` header
 * (RFC 8594), or the operation carries `x-sunset` with the date.
 */
export const deprecationSunset = createRulesetFunction<unknown, null>(
  { input: { type: 'object' }, options: null },
  function deprecationSunset(document) {
    const results: IFunctionResult[] = [];
    for (const op of operationsOf(document)) {
      if (op.operation.deprecated !== true) continue;
      const sunset = op.operation['x-sunset'];
      if (typeof sunset === 'string' && !Number.isNaN(Date.parse(sunset))) continue;
      const success = responsesOf(document, op).filter(({ status }) => /^[23]/.test(status));
      const announced =
        success.length > 0 &&
        success.every(
          ({ response }) =>
            isObject(response.headers) &&
            Object.keys(response.headers).some((name) => name.toLowerCase() === 'sunset'),
        );
      if (announced) continue;
      results.push({
        message: `${op.method.toUpperCase()} ${op.urlPath} is deprecated but does not say when it goes: declare the Sunset header (RFC 8594) on its responses, or \`x-sunset: <date>\` on the operation.`,
        path: [...op.at, 'deprecated'],
      });
    }
    return results;
  },
);

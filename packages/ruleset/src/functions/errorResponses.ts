import { isObject, type JsonPath } from '../model.ts';
import { createRulesetFunction } from '../spectral.ts';

/** An operation's responses must describe at least one client error (4xx) and one server error (5xx). */
export const errorResponses = createRulesetFunction<unknown, null>(
  { input: null, options: null },
  function errorResponses(input, _options, context) {
    if (!isObject(input)) return [];
    const codes = Object.keys(input).map((code) => code.toUpperCase());
    const has = (digit: string) => codes.some((code) => code.startsWith(digit));
    const missing = [has('4') ? undefined : '4xx', has('5') ? undefined : '5xx'].filter(Boolean);
    if (missing.length === 0) return [];
    const path: JsonPath = context.path;
    return [
      {
        message: `No ${missing.join(' or ')} response described${codes.includes('DEFAULT') ? ' (a `default` response does not say which errors happen)' : ''}: say how the operation fails, e.g. 400, 404, 429 and 500 as application/problem+json.`,
        path,
      },
    ];
  },
);

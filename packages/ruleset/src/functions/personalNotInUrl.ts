import {
  classificationOf,
  docOf,
  follow,
  isPersonal,
  looksPersonal,
  operationsOf,
  parametersOf,
} from '../model.ts';
import { personalFieldOf } from '../personalVocabulary.ts';
import type { IFunctionResult } from '../spectral.ts';
import { createRulesetFunction } from '../spectral.ts';

/**
 * Personal data never travels in a path or query string: URLs end up in server logs, proxies, browser
 * history and Referer headers. A parameter is personal when it (or its schema) is classified so, or when
 * its name can only mean a person and it is not classified public. A flag written as the strings 'true'
 * and 'false' (`send_email`) is about a person's data, not the data, so it may go in a URL.
 */
export const personalNotInUrl = createRulesetFunction<unknown, null>(
  { input: { type: 'object' }, options: null },
  function personalNotInUrl(data, _options, context) {
    const document = docOf(data, context);
    const results: IFunctionResult[] = [];
    for (const op of operationsOf(document)) {
      for (const { parameter, at } of parametersOf(document, op)) {
        if (parameter.in !== 'query' && parameter.in !== 'path') continue;
        const schema = follow(document, parameter.schema, [...at, 'schema']).node;
        const declared =
          classificationOf(parameter) ?? classificationOf(parameter.schema) ?? classificationOf(schema);
        const name = typeof parameter.name === 'string' ? parameter.name : '';
        const personal =
          isPersonal(declared) || (declared === undefined && looksPersonal(name, schema, parameter));
        if (!personal) continue;
        const looksLike = personalFieldOf(name);
        results.push({
          message: `${parameter.in === 'path' ? 'Path' : 'Query'} parameter "${name}" carries ${declared ? `${declared} data` : `what looks like ${looksLike?.kind === 'special-category' ? 'special-category' : 'personal'} data (${looksLike?.category ?? 'about a person'})`} in the URL: take it in a request body (a POST search) or classify it public if it is not about a person.`,
          path: at,
        });
      }
    }
    return results;
  },
);

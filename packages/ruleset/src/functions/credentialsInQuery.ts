import { isObject, operationsOf, parametersOf, snakeName } from '../model.ts';
import type { IFunctionResult } from '../spectral.ts';
import { createRulesetFunction } from '../spectral.ts';

/** Query parameter names that can only be a credential. */
const CREDENTIAL =
  /^(api_?key|apikey|key|token|access_token|auth_token|id_token|refresh_token|bearer|auth|authorization|client_secret|secret|password|passwd|pwd|session_id|sessionid|jwt)$/;

/**
 * Credentials never travel in a URL: no API key scheme `in: query`, and no query parameter that is a
 * token, key, secret or password.
 */
export const credentialsInQuery = createRulesetFunction<unknown, null>(
  { input: { type: 'object' }, options: null },
  function credentialsInQuery(document) {
    if (!isObject(document)) return [];
    const results: IFunctionResult[] = [];
    const schemes = isObject(document.components) ? document.components.securitySchemes : undefined;
    if (isObject(schemes)) {
      for (const [name, scheme] of Object.entries(schemes)) {
        if (isObject(scheme) && scheme.type === 'apiKey' && scheme.in === 'query') {
          results.push({
            message: `Security scheme "${name}" takes an API key in the query string: URLs are logged everywhere, so credentials never go in one. Use OAuth 2.0 bearer tokens in the Authorization header.`,
            path: ['components', 'securitySchemes', name, 'in'],
          });
        }
      }
    }
    for (const op of operationsOf(document)) {
      for (const { parameter, at } of parametersOf(document, op)) {
        const name = typeof parameter.name === 'string' ? parameter.name : '';
        if (parameter.in !== 'query' || !CREDENTIAL.test(snakeName(name))) continue;
        results.push({
          message: `Query parameter "${name}" looks like a credential: credentials never go in a URL; send tokens in the Authorization header.`,
          path: at,
        });
      }
    }
    return results;
  },
);

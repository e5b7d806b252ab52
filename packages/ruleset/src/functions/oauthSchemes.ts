import { isObject } from '../model.ts';
import type { IFunctionResult } from '../spectral.ts';
import { createRulesetFunction } from '../spectral.ts';

const RETIRED_FLOWS: Record<string, string> = {
  implicit:
    'the implicit flow leaks tokens in URLs and is retired by the OAuth 2.0 Security Best Current Practice (RFC 9700)',
  password: 'the resource owner password flow hands the client a user’s password and is retired by RFC 9700',
};

/**
 * Access is standard OAuth 2.0 (or OpenID Connect, built on it) with flows that are still current.
 * HTTP Basic and API keys in query strings have rules of their own, so they are not reported twice.
 */
export const oauthSchemes = createRulesetFunction<unknown, null>(
  { input: { type: 'object' }, options: null },
  function oauthSchemes(schemes) {
    if (!isObject(schemes)) return [];
    const results: IFunctionResult[] = [];
    for (const [name, scheme] of Object.entries(schemes)) {
      if (!isObject(scheme)) continue;
      const type = scheme.type;
      if (type === 'openIdConnect' || type === 'mutualTLS') continue;
      if (type === 'oauth2') {
        const flows = isObject(scheme.flows) ? scheme.flows : {};
        for (const flow of Object.keys(flows)) {
          const why = RETIRED_FLOWS[flow];
          if (why) {
            results.push({
              message: `Security scheme "${name}" offers the ${flow} flow: ${why}; use client credentials or authorization code with PKCE.`,
              path: ['components', 'securitySchemes', name, 'flows', flow],
            });
          }
        }
        continue;
      }
      const httpScheme = typeof scheme.scheme === 'string' ? scheme.scheme.toLowerCase() : '';
      if (type === 'http' && (httpScheme === 'basic' || httpScheme === 'digest')) continue;
      if (type === 'apiKey' && scheme.in === 'query') continue;
      const what =
        type === 'apiKey'
          ? `an API key in a ${String(scheme.in ?? 'header')}`
          : type === 'http'
            ? `HTTP ${httpScheme || 'authentication'} without a described OAuth 2.0 flow`
            : `"${String(type)}" authentication`;
      results.push({
        message: `Security scheme "${name}" is ${what}: describe access as OAuth 2.0 (type oauth2, e.g. the client credentials flow) or OpenID Connect, so any standard client can obtain a token.`,
        path: ['components', 'securitySchemes', name, 'type'],
      });
    }
    return results;
  },
);

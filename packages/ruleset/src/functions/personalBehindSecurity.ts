import { classificationOf, isPersonal, isPublic, operationsOf } from '../model.ts';
import type { IFunctionResult } from '../spectral.ts';
import { createRulesetFunction } from '../spectral.ts';

/** An operation classified personal or special-category is never callable without credentials. */
export const personalBehindSecurity = createRulesetFunction<unknown, null>(
  { input: { type: 'object' }, options: null },
  function personalBehindSecurity(document) {
    const results: IFunctionResult[] = [];
    for (const op of operationsOf(document)) {
      const classification = classificationOf(op.operation);
      if (!isPersonal(classification) || !isPublic(document, op.operation)) continue;
      results.push({
        message: `${op.method.toUpperCase()} ${op.urlPath} serves ${classification} data but can be called without credentials: require the OAuth scheme with a scope, and never offer \`{}\` as an alternative.`,
        path: Array.isArray(op.operation.security) ? [...op.at, 'security'] : op.at,
      });
    }
    return results;
  },
);

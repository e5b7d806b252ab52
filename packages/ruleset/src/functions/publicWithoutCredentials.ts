import { classificationOf, isPublic, operationsOf } from '../model.ts';
import type { IFunctionResult } from '../spectral.ts';
import { createRulesetFunction } from '../spectral.ts';

/** An operation the description itself classifies as public data answers without credentials. */
export const publicWithoutCredentials = createRulesetFunction<unknown, null>(
  { input: { type: 'object' }, options: null },
  function publicWithoutCredentials(document) {
    const results: IFunctionResult[] = [];
    for (const op of operationsOf(document)) {
      if (classificationOf(op.operation) !== 'public' || isPublic(document, op.operation)) continue;
      const own = Array.isArray(op.operation.security);
      results.push({
        message: `${op.method.toUpperCase()} ${op.urlPath} serves public data but ${own ? 'requires' : 'inherits a requirement for'} credentials: declare \`security: []\` so anyone can call it.`,
        path: own ? [...op.at, 'security'] : op.at,
      });
    }
    return results;
  },
);

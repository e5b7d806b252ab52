import { classificationOf, isPersonal, isPublic, operationsOf } from '../model.ts';
import type { IFunctionResult } from '../spectral.ts';
import { createRulesetFunction } from '../spectral.ts';

/**
 * Secure by default: an operation is only open to anyone when the description says it serves public data
 * (`x-data-classification: public`, the classification every other rule reads). Anything else that can be
 * called without credentials is open by accident. Operations classified personal or special-category are
 * left to `personal-data-behind-security`, so one gap is reported once.
 */
export const operationsNeedCredentials = createRulesetFunction<unknown, null>(
  { input: { type: 'object' }, options: null },
  function operationsNeedCredentials(document) {
    const results: IFunctionResult[] = [];
    for (const op of operationsOf(document)) {
      const classification = classificationOf(op.operation);
      if (classification === 'public' || isPersonal(classification)) continue;
      if (!isPublic(document, op.operation)) continue;
      const own = Array.isArray(op.operation.security);
      results.push({
        message: `${op.method.toUpperCase()} ${op.urlPath} can be called without credentials but is not classified public: require the OAuth scheme with a scope, or classify it \`x-data-classification: public\` (with \`security: []\`) if it only serves public data.`,
        path: own ? [...op.at, 'security'] : op.at,
      });
    }
    return results;
  },
);

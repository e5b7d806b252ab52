import { isObject, operationsOf } from '../model.ts';
import type { IFunctionResult } from '../spectral.ts';
import { createRulesetFunction } from '../spectral.ts';

/**
 * Whether an operation is open must be a statement, not an accident: either the operation or the
 * document says `security` (`[]` for public operations). Silence reads as "forgot".
 */
export const securityDeclared = createRulesetFunction<unknown, null>(
  { input: { type: 'object' }, options: null },
  function securityDeclared(document) {
    if (!isObject(document) || Array.isArray(document.security)) return [];
    const results: IFunctionResult[] = [];
    for (const op of operationsOf(document)) {
      if (Array.isArray(op.operation.security)) continue;
      results.push({
        message: `${op.method.toUpperCase()} ${op.urlPath} declares no security and the document sets no default: say \`security: []\` if it is public, or name the OAuth scheme and scopes it needs.`,
        path: op.at,
      });
    }
    return results;
  },
);

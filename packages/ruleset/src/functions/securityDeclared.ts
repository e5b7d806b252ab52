import { classificationOf, docOf, isObject, operationsOf } from '../model.ts';
import type { IFunctionResult } from '../spectral.ts';
import { createRulesetFunction } from '../spectral.ts';

/**
 * Whether an operation is open must be a statement, not an accident: either the operation or the
 * document says `security` (`[]` for public operations). Silence reads as "forgot". Only operations
 * classified public are judged here: any other operation without security is an error of its own
 * (`secure-operations-need-credentials`, `personal-data-behind-security`).
 */
export const securityDeclared = createRulesetFunction<unknown, null>(
  { input: { type: 'object' }, options: null },
  function securityDeclared(document, _options, context) {
    if (!isObject(document) || Array.isArray(document.security)) return [];
    const results: IFunctionResult[] = [];
    for (const op of operationsOf(docOf(document, context))) {
      if (Array.isArray(op.operation.security) || classificationOf(op.operation) !== 'public') continue;
      results.push({
        message: `${op.method.toUpperCase()} ${op.urlPath} is classified public but declares no security and the document sets no default: say \`security: []\` so that it is open on purpose.`,
        path: op.at,
      });
    }
    return results;
  },
);

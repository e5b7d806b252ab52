import { DATA_CLASSIFICATIONS, operationsOf } from '../model.ts';
import type { IFunctionResult } from '../spectral.ts';
import { createRulesetFunction } from '../spectral.ts';

/**
 * Every operation says what data it serves (`x-data-classification`): it is how the rest of the
 * ruleset, and a council, tell what must be open from what must be protected.
 */
export const operationClassified = createRulesetFunction<unknown, null>(
  { input: { type: 'object' }, options: null },
  function operationClassified(document) {
    const results: IFunctionResult[] = [];
    for (const op of operationsOf(document)) {
      const value = op.operation['x-data-classification'];
      if ((DATA_CLASSIFICATIONS as readonly unknown[]).includes(value)) continue;
      results.push({
        message:
          value === undefined
            ? `${op.method.toUpperCase()} ${op.urlPath} does not classify its data: add \`x-data-classification: public | personal | special-category\`.`
            : `x-data-classification: ${JSON.stringify(value)} is not one of ${DATA_CLASSIFICATIONS.join(', ')}.`,
        path: value === undefined ? op.at : [...op.at, 'x-data-classification'],
      });
    }
    return results;
  },
);

import { bodiesOf, operationsOf, parametersOf, responsesOf, snakeName, walkSchema } from '../model.ts';
import type { IFunctionResult } from '../spectral.ts';
import { createRulesetFunction } from '../spectral.ts';

const PAYMENT =
  /(^|_)(payment|payments|pay|price|pricing|cost|costs|charge|charges|fee|fees|billing|invoice|card|card_number|purchase|quote|credit|credits|tariff|subscription)(_|$)/;

/**
 * Exports are free by definition: no `402 Payment Required`, and nothing in an export request that
 * prices, bills or pays for it.
 */
export const exportFree = createRulesetFunction<unknown, null>(
  { input: { type: 'object' }, options: null },
  function exportFree(document) {
    const results: IFunctionResult[] = [];
    for (const op of operationsOf(document)) {
      if (!/^\/exports(\/|$)/.test(op.urlPath)) continue;
      const label = `${op.method.toUpperCase()} ${op.urlPath}`;
      for (const { status, at } of responsesOf(document, op)) {
        if (status === '402') {
          results.push({
            message: `${label} describes 402 Payment Required: exporting the council's own data must never cost extra.`,
            path: at,
          });
        }
      }
      for (const { parameter, at } of parametersOf(document, op)) {
        if (typeof parameter.name === 'string' && PAYMENT.test(snakeName(parameter.name))) {
          results.push({
            message: `${label} takes a "${parameter.name}" parameter: an export has no payment step.`,
            path: at,
          });
        }
      }
      for (const { kind, entries } of bodiesOf(document, op)) {
        if (kind !== 'request') continue;
        for (const { media, at } of entries) {
          walkSchema(document, media.schema, [...at, 'schema'], ({ at: schemaAt, propertyName }) => {
            if (propertyName && schemaAt.at(-2) === 'properties' && PAYMENT.test(snakeName(propertyName))) {
              results.push({
                message: `${label} asks for "${propertyName}" in its request: an export has no payment step.`,
                path: schemaAt,
              });
            }
          });
        }
      }
    }
    return results;
  },
);

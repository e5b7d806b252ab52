import { bodiesOf, isObject, type JsonPath, operationsOf, walkSchema } from '../model.ts';
import type { IFunctionResult } from '../spectral.ts';
import { createRulesetFunction } from '../spectral.ts';

const NOT_DATASETS = new Set(['exports', 'imports']);

/** Datasets the description exposes: one `<dataset>:read` OAuth scope each, as the baseline asks. */
export function datasetsOf(document: unknown): string[] {
  const found = new Set<string>();
  const schemes =
    isObject(document) && isObject(document.components) ? document.components.securitySchemes : undefined;
  if (!isObject(schemes)) return [];
  for (const scheme of Object.values(schemes)) {
    if (!isObject(scheme) || scheme.type !== 'oauth2' || !isObject(scheme.flows)) continue;
    for (const flow of Object.values(scheme.flows)) {
      if (!isObject(flow) || !isObject(flow.scopes)) continue;
      for (const scope of Object.keys(flow.scopes)) {
        const match = /^([A-Za-z0-9_.-]+):read$/.exec(scope);
        if (match?.[1] && !NOT_DATASETS.has(match[1])) found.add(match[1]);
      }
    }
  }
  return [...found].sort();
}

/**
 * An export covers every dataset: where the export operations list the datasets they accept or produce
 * (an `enum` on `dataset` or `datasets`), every dataset the description exposes must be in it.
 */
export const exportCoversDatasets = createRulesetFunction<unknown, null>(
  { input: { type: 'object' }, options: null },
  function exportCoversDatasets(document) {
    const datasets = datasetsOf(document);
    if (datasets.length === 0) return [];
    const results: IFunctionResult[] = [];
    const check = (values: unknown, at: JsonPath) => {
      if (!Array.isArray(values)) return;
      const missing = datasets.filter((dataset) => !values.includes(dataset));
      if (missing.length === 0) return;
      const named =
        missing.length > 10
          ? `${missing.slice(0, 10).join(', ')} and ${missing.length - 10} more`
          : missing.join(', ');
      results.push({
        message: `The export lists the datasets it covers but leaves out ${named}: every dataset the API exposes (one \`<dataset>:read\` scope each) must be exportable.`,
        path: at,
      });
    };
    for (const op of operationsOf(document)) {
      if (!/^\/exports(\/|$)/.test(op.urlPath)) continue;
      for (const { entries } of bodiesOf(document, op)) {
        for (const { media, at } of entries) {
          walkSchema(document, media.schema, [...at, 'schema'], ({ schema, at: schemaAt, propertyName }) => {
            if (propertyName === 'dataset' && Array.isArray(schema.enum))
              check(schema.enum, [...schemaAt, 'enum']);
            if (propertyName === 'datasets' && isObject(schema.items) && Array.isArray(schema.items.enum))
              check(schema.items.enum, [...schemaAt, 'items', 'enum']);
          });
        }
      }
    }
    return results;
  },
);

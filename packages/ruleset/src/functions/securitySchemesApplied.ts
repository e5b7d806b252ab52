import { type Doc, docOf, isObject, operationsOf } from '../model.ts';
import type { IFunctionResult } from '../spectral.ts';
import { createRulesetFunction } from '../spectral.ts';

/** Keys under which no security requirement is written, only data (examples of any shape). */
const DATA_KEYS = new Set(['example', 'examples', 'schemas', 'definitions', 'x-examples']);

/**
 * A security scheme that no requirement applies describes protection the API does not declare: readers
 * and generated clients take the operations for open, and the scheme for decoration. Requirements are
 * collected wherever they are written (the document, operations, webhooks and callbacks), and from path
 * items kept in another file.
 */
export const securitySchemesApplied = createRulesetFunction<unknown, null>(
  { input: { type: 'object' }, options: null },
  function securitySchemesApplied(document, _options, context) {
    if (!isObject(document) || !isObject(document.components)) return [];
    const schemes = document.components.securitySchemes;
    if (!isObject(schemes)) return [];
    const applied = appliedSchemeNames(docOf(document, context));
    const results: IFunctionResult[] = [];
    for (const name of Object.keys(schemes)) {
      if (applied.has(name)) continue;
      results.push({
        message: `Security scheme "${name}" is defined but no operation and no document default requires it: apply it with \`security\` where it protects an operation, or remove it.`,
        path: ['components', 'securitySchemes', name],
      });
    }
    return results;
  },
);

function appliedSchemeNames(doc: Doc): Set<string> {
  const names = new Set<string>();
  const collect = (security: unknown): void => {
    if (!Array.isArray(security)) return;
    for (const requirement of security)
      if (isObject(requirement)) for (const name of Object.keys(requirement)) names.add(name);
  };
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    if (!isObject(node)) return;
    collect(node.security);
    for (const [key, child] of Object.entries(node)) {
      if (key !== 'security' && !DATA_KEYS.has(key)) visit(child);
    }
  };
  visit(doc.data);
  // Operations in path items that are `$ref`s to another file are read where that file is inlined.
  for (const op of operationsOf(doc)) collect(op.operation.security);
  return names;
}

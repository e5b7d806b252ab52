import { hasScheme, isObject, type JsonPath } from '../model.ts';
import type { IFunctionResult } from '../spectral.ts';
import { createRulesetFunction } from '../spectral.ts';

/**
 * A published description must stand on its own: a `$ref` to another server is not fetched (a linter
 * that follows links is a linter an attacker can point anywhere), so whatever it names goes unjudged.
 * Relative file references are fine for a description read from disk, and remote when it came from a URL.
 * Judged on the description with its `$ref`s resolved, so that a remote `$ref` in a file it refers to is
 * found too; each is reported once, where it is written (components first, where shared ones are).
 */
export const selfContained = createRulesetFunction<unknown, null>(
  { input: { type: 'object' }, options: null },
  function selfContained(document, _options, context) {
    const fromUrl = /^https?:/i.test(context.document.source ?? '');
    const results: IFunctionResult[] = [];
    // A shared component is one object wherever the resolved description takes it in.
    const seen = new Set<object>();
    const visit = (node: unknown, at: JsonPath): void => {
      if (Array.isArray(node)) {
        for (const [index, child] of node.entries()) visit(child, [...at, index]);
        return;
      }
      if (!isObject(node) || seen.has(node)) return;
      seen.add(node);
      const ref = node.$ref;
      if (typeof ref === 'string' && !ref.startsWith('#')) {
        const remote = hasScheme(ref) ? !/^file:/i.test(ref) : fromUrl;
        if (remote) {
          results.push({
            message: `$ref ${ref} points outside this description and is not fetched: bundle it in so the description is self-contained and can be judged whole.`,
            path: [...at, '$ref'],
          });
        }
      }
      for (const [key, value] of Object.entries(node)) {
        // Examples are data, not description: a "$ref" key inside one is just a value.
        if (key === 'example' || key === 'examples' || key === 'enum' || key === 'const' || key === 'default')
          continue;
        visit(value, [...at, key]);
      }
    };
    if (isObject(document) && isObject(document.components)) visit(document.components, ['components']);
    visit(document, []);
    return results;
  },
);

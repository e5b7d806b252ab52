import { hasScheme, isObject, type JsonPath } from '../model.ts';
import type { IFunctionResult } from '../spectral.ts';
import { createRulesetFunction } from '../spectral.ts';

/**
 * A published description must stand on its own: a `$ref` to another server is not fetched (a linter
 * that follows links is a linter an attacker can point anywhere), so whatever it names goes unjudged.
 * Relative file references are fine for a description read from disk, and remote when it came from a URL.
 */
export const selfContained = createRulesetFunction<unknown, null>(
  { input: { type: 'object' }, options: null },
  function selfContained(document, _options, context) {
    const fromUrl = /^https?:/i.test(context.document.source ?? '');
    const results: IFunctionResult[] = [];
    const visit = (node: unknown, at: JsonPath): void => {
      if (Array.isArray(node)) {
        for (const [index, child] of node.entries()) visit(child, [...at, index]);
        return;
      }
      if (!isObject(node)) return;
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
    visit(document, []);
    return results;
  },
);

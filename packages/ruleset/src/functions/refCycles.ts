import { pointerTokens, resolvePointer } from '@council-conform/openapi';
import { isObject, type JsonPath } from '../model.ts';
import type { IFunctionResult } from '../spectral.ts';
import { createRulesetFunction } from '../spectral.ts';

/**
 * A chain of `$ref`s that comes back to where it started without ever reaching a schema or object
 * (`A: {$ref: B}`, `B: {$ref: A}`) describes nothing and sends resolvers into a loop. A recursive
 * schema (a tree whose children are trees) is fine: it reaches an object before it recurses.
 */
export const refCycles = createRulesetFunction<unknown, null>(
  { input: { type: 'object' }, options: null },
  function refCycles(document) {
    const results: IFunctionResult[] = [];
    const reported = new Set<string>();
    const refOf = (node: unknown): string | undefined =>
      isObject(node) && typeof node.$ref === 'string' && node.$ref.startsWith('#') ? node.$ref : undefined;
    const visit = (node: unknown, at: JsonPath): void => {
      if (Array.isArray(node)) {
        for (const [index, child] of node.entries()) visit(child, [...at, index]);
        return;
      }
      if (!isObject(node)) return;
      const first = refOf(node);
      if (first) {
        const chain: string[] = [];
        let ref: string | undefined = first;
        while (ref && !chain.includes(ref) && chain.length < 64) {
          chain.push(ref);
          ref = refOf(resolvePointer(document, ref.slice(1)));
        }
        if (ref && chain.includes(ref)) {
          const found = chain.slice(chain.indexOf(ref));
          const key = [...found].sort().join(' ');
          if (!reported.has(key)) {
            reported.add(key);
            // Told from its first member in name order, so the same cycle reads the same however it is met.
            const start = found.indexOf([...found].sort()[0] as string);
            const loop = [...found.slice(start), ...found.slice(0, start)];
            results.push({
              message: `Circular $ref: ${[...loop, loop[0]].join(' → ')} never reaches a schema; make one of them a real definition.`,
              path: [...pointerTokens(loop[0] as string), '$ref'],
            });
          }
        }
        return;
      }
      for (const [key, value] of Object.entries(node)) {
        if (key === 'example' || key === 'examples') continue;
        visit(value, [...at, key]);
      }
    };
    visit(document, []);
    return results;
  },
);

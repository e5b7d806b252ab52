import { isObject } from '../model.ts';
import type { IFunctionResult } from '../spectral.ts';
import { createRulesetFunction } from '../spectral.ts';

/** A path segment written the way Express and Rails routes write a parameter: `:id`. */
const COLON_PARAMETER = /^:([A-Za-z_][\w-]*)$/;

/**
 * OpenAPI templates a path parameter as `{id}`. Written `/logs/:id`, the path is a literal: clients call
 * `/logs/:id` itself, the parameter is never declared, and no tool can tell the id goes there.
 */
export const pathTemplates = createRulesetFunction<unknown, null>(
  { input: { type: 'object' }, options: null },
  function pathTemplates(document) {
    if (!isObject(document) || !isObject(document.paths)) return [];
    const results: IFunctionResult[] = [];
    for (const urlPath of Object.keys(document.paths)) {
      const colonNames = urlPath
        .split('/')
        .map((segment) => COLON_PARAMETER.exec(segment)?.[1])
        .filter((name): name is string => name !== undefined);
      if (colonNames.length === 0) continue;
      const templated = colonNames.reduce((path, name) => path.replace(`:${name}`, `{${name}}`), urlPath);
      results.push({
        message: `Path "${urlPath}" writes ${colonNames.map((name) => `":${name}"`).join(', ')} in the Express style, which OpenAPI reads as literal text: write "${templated}" and declare ${colonNames.length === 1 ? 'the parameter' : 'each parameter'} \`in: path\`.`,
        path: ['paths', urlPath],
      });
    }
    return results;
  },
);

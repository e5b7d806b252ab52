import { isObject } from '../model.ts';
import type { IFunctionResult } from '../spectral.ts';
import { createRulesetFunction } from '../spectral.ts';

/** The maps of the Components Object whose keys are names (OpenAPI 3.0 and 3.1), and `definitions`. */
const COMPONENT_MAPS = [
  'schemas',
  'responses',
  'parameters',
  'examples',
  'requestBodies',
  'headers',
  'securitySchemes',
  'links',
  'callbacks',
  'pathItems',
  // Not an OpenAPI 3 map (a Swagger 2.0 habit some generators keep), but its schemas are $ref'd and read as
  // schemas are (model.ts), so their names become pointers and identifiers all the same.
  'definitions',
];

/** What OpenAPI allows a component name to be. */
const VALID_NAME = /^[a-zA-Z0-9.\-_]+$/;

/**
 * OpenAPI requires every component name to match `^[a-zA-Z0-9.\-_]+$`: names become `$ref` pointers,
 * identifiers in generated code and keys in security requirements, and a name such as "API Key - 1" breaks
 * generators and is easy to mistype in a requirement.
 */
export const componentNames = createRulesetFunction<unknown, null>(
  { input: { type: 'object' }, options: null },
  function componentNames(document) {
    if (!isObject(document) || !isObject(document.components)) return [];
    const results: IFunctionResult[] = [];
    for (const map of COMPONENT_MAPS) {
      const entries = document.components[map];
      if (!isObject(entries)) continue;
      for (const name of Object.keys(entries)) {
        if (VALID_NAME.test(name)) continue;
        const suggestion = name
          .trim()
          // The white space beside a `-`, each run tried only from its start (`\s*-` tried from every
          // space rescanned a long run of them from each, quadratic).
          .replace(/(?<!\s)\s+(?=-)|(?<=-)\s+/g, '')
          .replace(/[^a-zA-Z0-9.\-_]+/g, '_');
        results.push({
          message: `Component name "${name}" (components.${map}) is not allowed: OpenAPI requires names of letters, digits, ".", "-" and "_" only (for example "${suggestion}").`,
          path: ['components', map, name],
        });
      }
    }
    return results;
  },
);

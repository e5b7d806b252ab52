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
        const message = componentNameProblem(`components.${map}`, name);
        if (message) results.push({ message, path: ['components', map, name] });
      }
    }
    return results;
  },
);

/**
 * What is wrong with a component's name, or undefined when nothing is. `section`: where it is named
 * (`components.schemas`); a component in another file is brought in under its own name when the description
 * is bundled, so its name is held to the same rule.
 */
export function componentNameProblem(section: string, name: string): string | undefined {
  if (VALID_NAME.test(name)) return undefined;
  const suggestion = name
    .trim()
    // The white space beside a `-`, each run tried only from its start (`\s*-` tried from every
    // space rescanned a long run of them from each, quadratic).
    .replace(/(?<!\s)\s+(?=-)|(?<=-)\s+/g, '')
    .replace(/[^a-zA-Z0-9.\-_]+/g, '_');
  return `Component name "${name}" (${section}) is not allowed: OpenAPI requires names of letters, digits, ".", "-" and "_" only (for example "${suggestion}").`;
}

/** Where a pointer into another file names a component, as `components.<map>` (or Swagger's section). */
export function componentSectionOf(tokens: readonly string[], swagger: boolean): string | undefined {
  if (tokens.length === 3 && tokens[0] === 'components' && COMPONENT_MAPS.includes(tokens[1] as string))
    return `components.${tokens[1]}`;
  if (
    swagger &&
    tokens.length === 2 &&
    ['definitions', 'parameters', 'responses'].includes(tokens[0] as string)
  )
    return tokens[0];
  return undefined;
}

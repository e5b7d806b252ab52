/**
 * The one place that touches Spectral's CommonJS packages. Some of them (parsers, ref-resolver) hide their
 * exports from Node's ESM named-export detection, so they are read off the default export here and every
 * other module imports the typed names from this file.
 */
import spectralCore from '@stoplight/spectral-core';
import spectralFormats from '@stoplight/spectral-formats';
import spectralFunctions from '@stoplight/spectral-functions';
import spectralParsers from '@stoplight/spectral-parsers';
import spectralRefResolver from '@stoplight/spectral-ref-resolver';
import spectralRulesets from '@stoplight/spectral-rulesets';
// Not re-exported at the package's top; the function every `oas` example rule validates through.
import spectralOasFunctions from '@stoplight/spectral-rulesets/dist/oas/functions/index.js';

type Unwrapped<T> = T extends { default: infer D } ? D : T;
const unwrap = <T>(module: T): Unwrapped<T> =>
  ((module as { default?: unknown }).default ?? module) as Unwrapped<T>;

export const { Spectral, Document, Ruleset, createRulesetFunction } = spectralCore;
export const { Json: JsonParser, Yaml: YamlParser } = unwrap(spectralParsers);
export const { Resolver } = unwrap(spectralRefResolver);
export const { oas } = spectralRulesets;
export const { oasSchema } = unwrap(spectralOasFunctions);
export const { truthy, pattern } = spectralFunctions;
export const { oas3_0 } = spectralFormats;

export type {
  IFunctionResult,
  IRuleResult,
  ISpectralDiagnostic,
  RuleDefinition,
  RulesetDefinition,
  RulesetFunction,
  RulesetFunctionContext,
} from '@stoplight/spectral-core';

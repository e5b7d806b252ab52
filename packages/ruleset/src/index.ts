export { RULESET_DOCS_PATH, renderRulesetDocs } from './docs.ts';
export {
  countReport,
  countSeverities,
  type FindingLocation,
  hasErrors,
  type LintFailure,
  type LintFinding,
  type LintReport,
  type LintResult,
  type RuleSummary,
  type SeverityCounts,
} from './findings.ts';
export {
  jsonPathOf,
  LintEngineError,
  type LintOptions,
  lintDescription,
  lintText,
  pointerOf,
  SWAGGER_CONVERTED,
} from './lint.ts';
export { lintDescriptions } from './lint-files.ts';
export {
  normalisedName,
  type PersonalKind,
  type PersonalMatch,
  personalFieldOf,
} from './personalVocabulary.ts';
export {
  COUNCIL_RULES,
  type CouncilRule,
  type CouncilRuleId,
  ENGINE_CODES,
  type Severity,
  SPECTRAL_OVERRIDES,
  type SpectralOverride,
} from './rules.ts';
export {
  anchorOf,
  type CatalogueEntry,
  createCouncilRuleset,
  DOCS_URL,
  docsUrlOf,
  type LintProfile,
  RULE_CATALOGUE,
  type RuleSource,
  ruleOf,
} from './ruleset.ts';

export { type CaseIntent, type ExploreCase, requestPath } from './cases.ts';
export {
  type ExploreBudget,
  type ExploreFinding,
  type ExploreOptions,
  type ExploreReport,
  explore,
  type OperationSummary,
  seedOf,
} from './explore.ts';
export { type InternalsSeen, internalsIn, LEAKS, REVEALING_HEADERS, revealingHeaders } from './internals.ts';
export { FINDING_KINDS, type FindingKind } from './judge.ts';
export { type OperationModel, operationModels } from './model.ts';
export {
  asOpenApi3,
  EXPLORE_DEFAULTS,
  ExploreError,
  type ExploreTargetOptions,
  exploreTarget,
  type TargetExploreReport,
} from './target.ts';

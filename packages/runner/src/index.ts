export {
  ATTESTATION_JSON_SCHEMA,
  type Attestation,
  AttestationError,
  type AttestationStatement,
  readAttestation,
} from './attestation.ts';
export {
  AuthError,
  type ClientAuthentication,
  MAX_TOKEN_RESPONSE_BYTES,
  type TokenLimits,
  TokenManager,
} from './auth.ts';
export {
  CONFIG_KEYS,
  ConfigError,
  DEFAULTS,
  didYouMean,
  LIMIT_KEYS,
  resolveRunConfig,
} from './config.ts';
export {
  CRAWL_RECORD_CAP,
  crawlDataset,
  createRunContext,
  type DatasetWalk,
  discoverSupplierDescription,
  EMPTY_PAGE_LIMIT,
  walkDataset,
} from './context.ts';
export { CREDENTIAL_VARIABLES, curlCommand } from './curl.ts';
export {
  type Auth,
  createHarnessHttp,
  type DownloadRequest,
  type DownloadResult,
  type Exchange,
  type ExchangeCredential,
  HarnessError,
  type HarnessErrorCode,
  type HarnessHttp,
  type HarnessRequest,
  type HarnessResponse,
  isLoopback,
  MAX_JSON_DEPTH,
  type Observation,
  parseRetryAfter,
} from './http.ts';
export { type Link, linkTarget, parseLinkHeader, resolveLink } from './links.ts';
export { PreflightError, type PreflightStep, preflight } from './preflight.ts';
export { REDACTED, Redactor } from './redact.ts';
export { CheckRegistry } from './registry.ts';
export {
  type CheckResult,
  type ClauseResult,
  type ClauseStatus,
  certifiability,
  citedExchangeIds,
  type ExpectedFailure,
  judgeClauses,
  judgeLevel,
  LEVEL_RULES,
  type Level,
  levelOf,
  type NotJudged,
  notJudgedOf,
} from './results.ts';
export {
  ABANDON_AFTER_BUDGET_MS,
  REPORT_VERSION,
  type RecordedSettings,
  type RunEvents,
  type RunInput,
  type RunReport,
  runConformance,
  withEvidenceRule,
} from './run.ts';
export {
  type CheckSelection,
  describeSelection,
  isPartial,
  type PartialRun,
  type RerunOf,
  SelectionError,
  selectedCheckIds,
} from './selection.ts';
export { quoteShellText, type ShellPart, shellCommand, shellWord } from './shell.ts';
export type * from './types.ts';
export { firstInvalidUtf8Byte } from './utf8.ts';
export { ViolationCollector } from './violations.ts';

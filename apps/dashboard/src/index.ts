export { ACTIONS, type Action, permits } from './access.ts';
export { ADMIN_API_PATHS } from './admin-api.ts';
export { badgeSvg } from './badge.ts';
export {
  ConfigurationError,
  DASHBOARD_ENV,
  type DashboardConfig,
  readCertifierKeys,
  readConfig,
} from './config.ts';
export { CONTRACTS_API_PATHS } from './contracts-api.ts';
export { contractsCsv, contractsJson } from './contracts-open-data.ts';
export {
  type ContractFilter,
  type ContractsStore,
  ContractsStoreError,
  type CouncilSummary,
  type ImportResult,
  LINK_DECISIONS,
  type LinkDecision,
  type MatchMethod,
  type StoredContract,
} from './contracts-store.ts';
export {
  type ExpiryTimeline,
  expiryTimeline,
  type JointProcurementWindow,
  type Quarter,
  quarterOf,
  spanLabel,
} from './expiry-timeline.ts';
export { PROBLEM } from './http.ts';
export { productIdOf, reportIdOf, supplierIdOf } from './ids.ts';
export { type LeagueChoices, type ParsedLeagueQuery, parseLeagueQuery } from './league-query.ts';
export { DASHBOARD_MIGRATIONS, DASHBOARD_MIGRATIONS_TABLE } from './migrations.ts';
export { csvCell, LICENCE, leagueTableCsv, leagueTableJson } from './open-data.ts';
export {
  type Actor,
  type Credential,
  type IssuedCredential,
  PRINCIPAL_KINDS,
  type Principal,
  type PrincipalKind,
  type PrincipalsStore,
  PrincipalsStoreError,
  TOKEN_PREFIX,
} from './principals-store.ts';
export type { RateLimit } from './rate-limit.ts';
export {
  createDashboardServer,
  type DashboardOptions,
  type DashboardServer,
  DEFAULT_MAX_REPORT_BYTES,
  type ListenOptions,
  listenDashboard,
  type RunningDashboard,
  type SeedPrincipal,
} from './server.ts';
export {
  CLAUSE_COUNT,
  CLAUSE_MET,
  createResultsStore,
  type Dispute,
  type HeldReason,
  type HeldReport,
  type IngestInput,
  type IngestResult,
  type KeyState,
  type LeagueQuery,
  type LeagueRow,
  type ListingStatus,
  type OpenResultsStoreOptions,
  openResultsStore,
  type ProductDetail,
  type RegisteredKey,
  type ReportDetail,
  type ReportStatus,
  type ResultsStore,
  ResultsStoreError,
  SORT_KEYS,
  type SortKey,
} from './store.ts';

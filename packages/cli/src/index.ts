// What @council-conform/operator-cli builds its commands on: the supplier's program, a run, publishing, and
// the small pieces every command shares.
export { type BundleSource, bundleDescription, bundleSourceOf } from './commands/bundle.ts';
export {
  type CompanyNumberOutcome,
  type ContractsImportOutcome,
  importContractsRegister,
  registerCompanyNumber,
} from './commands/contracts.ts';
export { type PublishOutcome, publishSignedReport } from './commands/publish.ts';
export {
  conformRun,
  exitCodeOf,
  formatRunSummary,
  type RunOutcome,
  type RunSettings,
} from './commands/run.ts';
export { planContainerRun, withContainer } from './commands/run-image.ts';
export {
  type DashboardAnswer,
  type DashboardRead,
  type DashboardWrite,
  getFromDashboard,
  postToDashboard,
} from './dashboard-client.ts';
export { EXIT, UsageError } from './errors.ts';
export { type CliIo, endQuietlyWhenOutputCloses, processIo } from './io.ts';
export { checkOutputPath, type OutputFileOptions, writeOutputFile } from './output-file.ts';
export { CLI_VERSION, createProgram, type RegisterCommand, runCli, SUPPLIER_COMMANDS } from './program.ts';
export { formatTable } from './table.ts';
export { fromUserCwd, userCwd } from './user-cwd.ts';

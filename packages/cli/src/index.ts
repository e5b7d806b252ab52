export {
  type ContractsImportOutcome,
  importContractsRegister,
} from './commands/contracts.ts';
export { DEMO_FAULT, DEMO_SPEC, demoRun } from './commands/demo.ts';
export { DEMO_COUNCILS, type DemoContracts, importDemoContracts } from './commands/demo-contracts.ts';
export {
  type DemoCredential,
  type DemoPublication,
  demoTokenOf,
  type PublishedDemo,
  publishDemoResults,
  writeDemoAttestation,
} from './commands/demo-dashboard.ts';
export { type PublishOutcome, publishSignedReport } from './commands/publish.ts';
export { EXIT, UsageError } from './errors.ts';
export { type CliIo, processIo } from './io.ts';
export { CLI_VERSION, createProgram, runCli } from './program.ts';
export { formatTable } from './table.ts';

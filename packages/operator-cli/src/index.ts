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
export { MONITOR_ENV } from './commands/monitor.ts';
export { OPERATOR_COMMANDS, runOperatorCli } from './program.ts';

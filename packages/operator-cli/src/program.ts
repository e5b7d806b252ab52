import { type CliIo, type RegisterCommand, runCli, SUPPLIER_COMMANDS } from '@council-conform/cli';
import { registerDashboardAdmin } from './commands/dashboard-admin.ts';
import { registerDemo } from './commands/demo.ts';
import { registerMonitorCommands } from './commands/monitor.ts';

/**
 * Every command `pnpm conform` offers: the supplier's, then the operator's, which need the dashboard, the
 * monitor's queue or the reference server and so are kept out of the package suppliers install.
 */
export const OPERATOR_COMMANDS: readonly RegisterCommand[] = [
  ...SUPPLIER_COMMANDS,
  registerDemo,
  registerDashboardAdmin,
  registerMonitorCommands,
];

/** Runs the operator's CLI on argv (without node and script) and resolves to the process exit code. */
export function runOperatorCli(args: readonly string[], io: CliIo): Promise<number> {
  return runCli(args, io, OPERATOR_COMMANDS);
}

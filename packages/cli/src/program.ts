import { Command, CommanderError } from 'commander';
import cliPackage from '../package.json' with { type: 'json' };
import { registerBundle } from './commands/bundle.ts';
import { registerClauses } from './commands/clauses.ts';
import { registerContracts } from './commands/contracts.ts';
import { registerExplore } from './commands/explore.ts';
import { registerCertificateCommands } from './commands/keys.ts';
import { registerLint } from './commands/lint.ts';
import { registerMock } from './commands/mock.ts';
import { registerPublish } from './commands/publish.ts';
import { registerRun } from './commands/run.ts';
import { registerSpecs } from './commands/specs.ts';
import { EXIT } from './errors.ts';
import type { CliIo } from './io.ts';

export const CLI_VERSION: string = cliPackage.version;

/** Adds one command (or a family of them) to the program. */
export type RegisterCommand = (program: Command, io: CliIo) => void;

/**
 * The supplier's commands: what the installable `conform` package offers (`contracts company-number` is how a
 * supplier claims its Companies House number). The operator's commands (demo, dashboard administration,
 * scheduled monitoring) add to these in @council-conform/operator-cli.
 */
export const SUPPLIER_COMMANDS: readonly RegisterCommand[] = [
  registerClauses,
  registerSpecs,
  registerLint,
  registerBundle,
  registerRun,
  registerExplore,
  registerMock,
  registerCertificateCommands,
  registerPublish,
  registerContracts,
];

export function createProgram(io: CliIo, commands: readonly RegisterCommand[] = SUPPLIER_COMMANDS): Command {
  const program = new Command('conform')
    .description('Council Conform: judge a supplier API against the Local Gov Digital Procurement Checklist')
    .version(CLI_VERSION)
    .showSuggestionAfterError(true)
    .configureOutput({ writeOut: (text) => io.out(text), writeErr: (text) => io.err(text) })
    .exitOverride();
  for (const register of commands) register(program, io);
  // Subcommands, nested ones too (`schedule add`), inherit output and exit behaviour so that tests see
  // everything and nothing calls exit.
  const inherit = (children: readonly Command[]) => {
    for (const command of children) {
      command
        .configureOutput({ writeOut: (text) => io.out(text), writeErr: (text) => io.err(text) })
        .exitOverride()
        .showSuggestionAfterError(true);
      inherit(command.commands);
    }
  };
  inherit(program.commands);
  return program;
}

/** Runs the CLI on argv (without node and script) and resolves to the process exit code. */
export async function runCli(
  args: readonly string[],
  io: CliIo,
  commands: readonly RegisterCommand[] = SUPPLIER_COMMANDS,
): Promise<number> {
  const program = createProgram(io, commands);
  process.exitCode = undefined;
  try {
    await program.parseAsync([...args], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version arrive here as "errors" with exit code 0.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const coded = error as { code?: unknown; exitCode?: unknown; message?: unknown };
    const code = typeof coded.code === 'string' ? `${coded.code}: ` : '';
    io.err(`conform: ${code}${String(coded.message ?? error)}`);
    return typeof coded.exitCode === 'number' ? coded.exitCode : EXIT.usage;
  } finally {
    process.exitCode = undefined;
  }
}

import {
  councilOf,
  describeUnknownCouncil,
  RegisterError,
  type RegisterSource,
  readRegisterSource,
} from '@council-conform/contracts';
import type { Command } from 'commander';
import { postToDashboard } from '../dashboard-client.ts';
import { EXIT, UsageError } from '../errors.ts';
import type { CliIo } from '../io.ts';

const cwd = () => process.env.INIT_CWD ?? process.cwd();

export interface ContractsImportOutcome {
  /** True when the dashboard read the register (some rows may still be refused: see `body.problems`). */
  readonly imported: boolean;
  readonly httpStatus: number;
  /** The dashboard's answer: the import's counts and problems, or why it refused the register. */
  readonly body: Record<string, unknown>;
  /** What the dashboard cites as the rows' source: the URL, or the file's name. */
  readonly source: string;
}

/**
 * Reads a council's contracts register from a file or an http(s) URL (size-capped, with a time limit) and
 * sends its bytes, unchanged, to a dashboard's import API, which checks every row itself. The dashboard is the
 * one place that reads registers, as it is the one place that verifies signed reports: the CLI only carries.
 */
export async function importContractsRegister(
  location: string,
  options: { readonly council: string; readonly to: string; readonly token: string; readonly cwd?: string },
): Promise<ContractsImportOutcome> {
  const council = councilOf(options.council);
  if (!council)
    throw new UsageError('COUNCIL_UNKNOWN', `--council: ${describeUnknownCouncil(options.council)}`);
  let register: RegisterSource;
  try {
    register = await readRegisterSource(location, { cwd: options.cwd ?? cwd() });
  } catch (error) {
    if (error instanceof RegisterError) throw new UsageError(error.code, error.message);
    throw error;
  }
  const { status, body } = await postToDashboard({
    to: options.to,
    token: options.token,
    path: 'api/contracts',
    query: { council: council.code, source: register.source },
    contentType: 'text/csv',
    body: register.bytes,
  });
  return { imported: status === 200, httpStatus: status, body, source: register.source };
}

interface ImportCounts {
  council?: { name?: string; code?: string };
  created?: number;
  updated?: number;
  unchanged?: number;
  refused?: number;
  problems?: { line: number; message: string }[];
  links?: { council?: string };
}

export function registerContracts(program: Command, io: CliIo): void {
  const contracts = program
    .command('contracts')
    .description('councils’ contracts registers, for the dashboard’s procurement pages');
  contracts
    .command('import')
    .description(
      'import a council’s contracts register (LGA Contracts format, CSV) into a dashboard: new contracts are added, changed ones updated, none deleted',
    )
    .argument('<file-or-url>', 'the register: a CSV file, or its http(s) URL on the council’s website')
    .requiredOption(
      '--council <gss-code>',
      'the council whose register it is, by its GSS code: E09000007 for Camden',
    )
    .requiredOption('--to <url>', 'the dashboard, e.g. https://conform.loti.london')
    .option('--token <token>', 'upload token the dashboard gave you (default: $CONFORM_UPLOAD_TOKEN)')
    .action(async (location: string, flags: { council: string; to: string; token?: string }) => {
      const token = flags.token ?? process.env.CONFORM_UPLOAD_TOKEN;
      if (!token)
        throw new UsageError(
          'UPLOAD_TOKEN_MISSING',
          'give the upload token with --token or CONFORM_UPLOAD_TOKEN',
        );
      const outcome = await importContractsRegister(location, {
        council: flags.council,
        to: flags.to,
        token,
      });
      const body = outcome.body as ImportCounts & { detail?: unknown; title?: unknown };
      if (!outcome.imported) {
        io.err(
          `conform: the dashboard refused the register (HTTP ${outcome.httpStatus}): ${String(body.detail ?? body.title ?? '')}`,
        );
        process.exitCode =
          outcome.httpStatus === 401 || outcome.httpStatus === 403 ? EXIT.usage : EXIT.findings;
        return;
      }
      const refused = body.refused ?? 0;
      io.out(
        `imported ${outcome.source} into ${body.council?.name} (${body.council?.code}): ${body.created} new, ${body.updated} updated, ${body.unchanged} unchanged; ${refused} ${refused === 1 ? 'row' : 'rows'} refused`,
      );
      if (body.links?.council) io.out(new URL(body.links.council, flags.to).toString());
      for (const problem of body.problems ?? []) io.err(`line ${problem.line}: ${problem.message}`);
      // Refused rows are the register's faults, as failed checks are a product's: the council should fix them.
      if (refused > 0) process.exitCode = EXIT.findings;
    });
}

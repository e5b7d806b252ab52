import type { RegisterSource } from '@council-conform/contracts';
import type { Command } from 'commander';
import { postToDashboard } from '../dashboard-client.ts';
import { EXIT, UsageError } from '../errors.ts';
import type { CliIo } from '../io.ts';
import { userCwd } from '../user-cwd.ts';

// Registers and their councils load when a contracts command runs, not whenever `conform` starts.
const contracts = () => import('@council-conform/contracts');

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
  const { councilOf, describeUnknownCouncil, RegisterError, readRegisterSource } = await contracts();
  const council = councilOf(options.council);
  if (!council)
    throw new UsageError('COUNCIL_UNKNOWN', `--council: ${describeUnknownCouncil(options.council)}`);
  let register: RegisterSource;
  try {
    register = await readRegisterSource(location, { cwd: options.cwd ?? userCwd() });
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

export interface CompanyNumberOutcome {
  /** 201 when the number is newly the supplier's, 200 when it was already; anything else is a refusal. */
  readonly httpStatus: number;
  readonly companyNumber: string;
  /** The dashboard's answer, or its problem (`detail` says why it refused). */
  readonly body: Record<string, unknown>;
}

/**
 * Tells a dashboard a supplier's Companies House number, so that councils' contracts naming that number
 * match the supplier's products whatever name the register writes. The number is checked here first (a
 * typing slip is a usage error, not a round trip); the dashboard refuses a supplier that has not published
 * and a number that is another supplier's.
 */
export async function registerCompanyNumber(options: {
  readonly supplier: string;
  readonly companyNumber: string;
  readonly to: string;
  readonly token: string;
}): Promise<CompanyNumberOutcome> {
  const { normaliseCompanyNumber, ValueError } = await contracts();
  let companyNumber: string | null;
  try {
    companyNumber = normaliseCompanyNumber(options.companyNumber);
  } catch (error) {
    if (error instanceof ValueError) throw new UsageError('COMPANY_NUMBER_INVALID', error.message);
    throw error;
  }
  if (!companyNumber) throw new UsageError('COMPANY_NUMBER_INVALID', 'the Companies House number is blank');
  if (options.supplier.trim() === '')
    throw new UsageError(
      'SUPPLIER_MISSING',
      '--supplier: give the supplier’s name as its certificates carry it',
    );
  const { status, body } = await postToDashboard({
    to: options.to,
    token: options.token,
    path: 'api/suppliers/company-numbers',
    contentType: 'application/json',
    body: JSON.stringify({ supplier: options.supplier, companyNumber }),
  });
  return { httpStatus: status, companyNumber, body };
}

function uploadToken(flag: string | undefined): string {
  const token = flag ?? process.env.CONFORM_UPLOAD_TOKEN;
  if (!token)
    throw new UsageError(
      'UPLOAD_TOKEN_MISSING',
      'give the upload token with --token or CONFORM_UPLOAD_TOKEN',
    );
  return token;
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
      const token = uploadToken(flags.token);
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
  contracts
    .command('company-number')
    .description(
      'register a supplier’s Companies House number with a dashboard, so that councils’ contracts giving the number match its products whatever name they write',
    )
    .argument('<number>', 'the Companies House number: 01234567, SC123456 (leading zeros may be left out)')
    .requiredOption('--supplier <name>', 'the supplier, named exactly as its signed reports name it')
    .requiredOption('--to <url>', 'the dashboard, e.g. https://conform.loti.london')
    .option('--token <token>', 'upload token the dashboard gave you (default: $CONFORM_UPLOAD_TOKEN)')
    .action(async (number: string, flags: { supplier: string; to: string; token?: string }) => {
      const outcome = await registerCompanyNumber({
        supplier: flags.supplier,
        companyNumber: number,
        to: flags.to,
        token: uploadToken(flags.token),
      });
      const body = outcome.body as { detail?: unknown; title?: unknown };
      if (outcome.httpStatus === 201 || outcome.httpStatus === 200) {
        io.out(
          `${outcome.httpStatus === 201 ? 'registered' : 'already registered'}: Companies House number ${outcome.companyNumber} is ${flags.supplier}'s; councils' contracts giving it now match ${flags.supplier}'s products`,
        );
        return;
      }
      io.err(
        `conform: the dashboard refused the number (HTTP ${outcome.httpStatus}): ${String(body.detail ?? body.title ?? '')}`,
      );
      // Not published yet, or another supplier's number: facts about the supplier, not a mistyped command.
      process.exitCode =
        outcome.httpStatus === 404 || outcome.httpStatus === 409 ? EXIT.findings : EXIT.usage;
    });
}

import { randomInt } from 'node:crypto';
import type { JsonObject } from '@council-conform/openapi';
import type { Credentials } from '@council-conform/runner';
import { type Command, Option } from 'commander';
import { EXIT, UsageError } from '../errors.ts';
import type { CliIo } from '../io.ts';
import { checkOutputPath, writeOutputFile } from '../output-file.ts';
import { formatTable } from '../table.ts';
import { userCwd } from '../user-cwd.ts';
import { RUN_ENV } from './run.ts';

// Exploration (and fast-check under it) loads when `conform explore` runs, not whenever `conform` does.
const explorer = () => import('@council-conform/explorer');

export interface ExploreFlags {
  target?: string;
  description?: string;
  profile?: string;
  seed?: string;
  rps?: string;
  budget?: string;
  mode: 'readonly' | 'sandbox';
  out?: string;
  token?: string;
  clientId?: string;
  clientSecret?: string;
  tokenUrl?: string;
}

/** `--budget 400` (requests), `--budget 90s`, or both: `--budget 400,90s`. */
export function parseBudget(
  raw: string | undefined,
  defaults: { requests: number; timeMs: number },
): { requests: number; timeMs: number } {
  if (raw === undefined) return defaults;
  const budget = { ...defaults };
  for (const part of raw.split(',').map((p) => p.trim())) {
    const time = /^(\d+(?:\.\d+)?)(s|m)$/.exec(part);
    if (time) budget.timeMs = Math.round(Number(time[1]) * (time[2] === 'm' ? 60_000 : 1000));
    else if (/^\d+$/.test(part) && Number(part) > 0) budget.requests = Number(part);
    else
      throw new UsageError(
        'EXPLORE_BUDGET',
        `--budget "${raw}": give requests, a time or both, e.g. 400, 90s, 2m or 400,90s`,
      );
    if (budget.timeMs <= 0)
      throw new UsageError('EXPLORE_BUDGET', `--budget "${raw}": the time must be positive`);
  }
  return budget;
}

function seedFrom(raw: string | undefined): number {
  if (raw === undefined) return randomInt(-(2 ** 31), 2 ** 31 - 1);
  if (!/^-?\d+$/.test(raw) || Math.abs(Number(raw)) > 2 ** 31)
    throw new UsageError(
      'EXPLORE_SEED',
      `--seed "${raw}" must be a whole number (a 32-bit integer, as the report gives)`,
    );
  return Number(raw) | 0;
}

function rpsFrom(raw: string | undefined): number {
  if (raw === undefined) return Number(process.env[RUN_ENV.rps] ?? 5);
  if (raw === 'unlimited') return Number.POSITIVE_INFINITY;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new UsageError('EXPLORE_RPS', `--rps must be a positive number or "unlimited", not "${raw}"`);
  return value;
}

function credentialsFrom(flags: ExploreFlags): Credentials | undefined {
  const token = flags.token ?? process.env[RUN_ENV.token];
  const clientId = flags.clientId ?? process.env[RUN_ENV.clientId];
  const clientSecret = flags.clientSecret ?? process.env[RUN_ENV.clientSecret];
  if (token) return { token };
  if (clientId && clientSecret) return { clientId, clientSecret };
  if (clientId || clientSecret)
    throw new UsageError('EXPLORE_CREDENTIALS', 'give both --client-id and --client-secret, or a --token');
  return undefined;
}

/** The reference description of a profile, for an API that publishes none of its own. */
async function profileDescription(
  id: string,
): Promise<() => Promise<{ document: JsonObject; source: string }>> {
  const { listSpecIds, loadSpec } = await import('@council-conform/specs');
  const known = listSpecIds();
  if (!known.includes(id))
    throw new UsageError(
      'UNKNOWN_PROFILE',
      `no profile "${id}". Known profiles: ${known.join(', ')} (see \`conform specs\`).`,
    );
  return async () => ({
    document: (await loadSpec(id)).document,
    source: `the ${id} profile's reference description`,
  });
}

export function registerExplore(program: Command, io: CliIo): void {
  program
    .command('explore')
    .description(
      'send requests generated from an API’s own OpenAPI description (valid and deliberately invalid) and report 5xx answers, answers the description does not give, invalid input accepted, leaked internals and personal-looking data without credentials',
    )
    .option('--target <url>', `the API's base URL (or ${RUN_ENV.target})`)
    .option(
      '--description <file-or-url>',
      'the OpenAPI 3.x or Swagger 2.0 description; default: discovered at <target>/openapi.json or a Link rel="service-desc", as conform run does',
    )
    .option(
      '--profile <spec-id>',
      'explore from this reference profile’s description when the API publishes none',
    )
    .option('--seed <n>', 'replay a run: the seed its report gives (default: a new one, printed)')
    .option('--rps <n>', `requests per second at most, or "unlimited" (default 5, or ${RUN_ENV.rps})`)
    .option(
      '--budget <requests,time>',
      'stop after this many requests or this long, e.g. 400, 90s or 400,2m (default 400,2m)',
    )
    .addOption(
      new Option('--mode <mode>', 'readonly sends only GET; sandbox also sends writes with generated bodies')
        .choices(['readonly', 'sandbox'])
        .default('readonly'),
    )
    .option('--out <file>', 'write the report as JSON here')
    .option('--token <token>', `a bearer token (or ${RUN_ENV.token})`)
    .option('--client-id <id>', `OAuth client id (or ${RUN_ENV.clientId})`)
    .option('--client-secret <secret>', `OAuth client secret (or ${RUN_ENV.clientSecret})`)
    .option('--token-url <url>', 'token endpoint (default <target>/oauth/token)')
    .addHelpText(
      'after',
      [
        '',
        'Safety: only the target’s origin is called; readonly (the default) sends GET only; every request goes',
        'through the run’s rate limit, timeout and response size cap; tokens and secrets are redacted from the',
        'report, and each finding’s curl reads the token from $CONFORM_TOKEN.',
        '',
        'Exit codes: 0 nothing found, 1 findings, 2 usage or a description that cannot be read.',
      ].join('\n'),
    )
    .action(async (flags: ExploreFlags) => {
      const target = flags.target ?? process.env[RUN_ENV.target];
      if (!target)
        throw new UsageError('EXPLORE_TARGET', '--target is required: the base URL of the API to explore');
      const { EXPLORE_DEFAULTS, ExploreError, exploreTarget } = await explorer();
      const budget = parseBudget(flags.budget, EXPLORE_DEFAULTS);
      const seed = seedFrom(flags.seed);
      const requestsPerSecond = rpsFrom(flags.rps);
      const credentials = credentialsFrom(flags);
      if (flags.out) await checkOutputPath(flags.out);
      const fallback = flags.profile ? await profileDescription(flags.profile) : undefined;
      io.err(
        `conform explore: seed ${seed}, budget ${budget.requests} requests or ${budget.timeMs / 1000} s, ${flags.mode}`,
      );
      let report: Awaited<ReturnType<typeof exploreTarget>>;
      try {
        report = await exploreTarget({
          target,
          seed,
          mode: flags.mode,
          budget,
          requestsPerSecond,
          cwd: userCwd(),
          ...(flags.description ? { description: flags.description } : {}),
          ...(fallback ? { fallbackDescription: fallback } : {}),
          ...(credentials ? { credentials } : {}),
          ...(flags.tokenUrl ? { tokenUrl: flags.tokenUrl } : {}),
        });
      } catch (error) {
        if (error instanceof ExploreError) throw new UsageError(error.code, error.message);
        throw error;
      }
      io.out(
        formatTable(
          ['operation', 'requests', 'valid', 'invalid', 'other', 'findings'],
          report.operations.map((o) =>
            o.skipped
              ? [o.operation, '-', '-', '-', '-', `skipped: ${o.skipped}`]
              : [
                  o.operation,
                  String(o.requests),
                  String(o.byIntent.valid),
                  String(o.byIntent.invalid),
                  String(o.byIntent.neutral),
                  String(o.findings),
                ],
          ),
        ),
      );
      for (const finding of report.findings)
        io.out(
          [
            '',
            `${finding.kind}: ${finding.message}`,
            `  smallest request (${finding.how}, after ${finding.shrinks} shrinks): ${finding.request.method} ${finding.request.path}`,
            `  ${finding.curl}`,
          ].join('\n'),
        );
      io.out(
        `\n${report.findings.length} finding(s); ${report.used.requests} requests sent (${report.judged} answers judged) in ${(report.used.timeMs / 1000).toFixed(1)} s${report.used.exhausted ? ', budget spent' : ''}; description ${report.description}; replay with --seed ${report.seed}`,
      );
      if (flags.out) await writeOutputFile(flags.out, `${JSON.stringify(report, null, 2)}\n`);
      process.exitCode = report.findings.length > 0 ? EXIT.findings : EXIT.ok;
    });
}

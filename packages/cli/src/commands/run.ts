import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { JsonObject } from '@council-conform/openapi';
import type {
  Attestation,
  CheckSelection,
  Credentials,
  PreflightStep,
  ResolvedRunConfig,
  RunConfig,
  RunReport,
} from '@council-conform/runner';
import { type Command, Option } from 'commander';
import cliPackage from '../../package.json' with { type: 'json' };
import { EXIT, UsageError } from '../errors.ts';
import type { CliIo } from '../io.ts';
import { checkOutputPath, writeOutputFile } from '../output-file.ts';
import { formatTable } from '../table.ts';
import { userCwd } from '../user-cwd.ts';
import { readCaFile } from './ca-file.ts';
import {
  checkExpectedFailureIds,
  expectedFailureLines,
  readExpectedFailures,
  withExpectedFailures,
} from './expected-failures.ts';
import type { RerunOrigin } from './run-rerun-command.ts';
import {
  applyRerunSource,
  idList,
  readRerunReport,
  refuseFlagsTheReportGives,
  selectionFrom,
} from './run-selection.ts';

// The runner, the check catalogue and the reporters load when a run starts, not whenever `conform` does.
const runner = () => import('@council-conform/runner');
const checks = () => import('@council-conform/checks');
const reporters = () => import('@council-conform/reporters');

/** Config file names looked for in the working directory when --config is not given, in this order. */
export const CONFIG_FILE_NAMES = [
  'conform.config.yaml',
  'conform.config.yml',
  'conform.config.json',
] as const;

/** Settings of the config file beyond the runner's own: what to judge against and where to write. */
const CLI_KEYS = ['profile', 'attestation', 'reports', 'expectedFailures'] as const;
const REPORT_KEYS = ['json', 'junit', 'html', 'markdown', 'har'] as const;
type ReportKey = (typeof REPORT_KEYS)[number];

/** Environment variables, each standing for one flag; flags win over them, they win over the file. */
export const RUN_ENV = {
  profile: 'CONFORM_PROFILE',
  target: 'CONFORM_TARGET',
  mode: 'CONFORM_MODE',
  token: 'CONFORM_TOKEN',
  clientId: 'CONFORM_CLIENT_ID',
  clientSecret: 'CONFORM_CLIENT_SECRET',
  secondToken: 'CONFORM_SECOND_TOKEN',
  secondClientId: 'CONFORM_SECOND_CLIENT_ID',
  secondClientSecret: 'CONFORM_SECOND_CLIENT_SECRET',
  tokenUrl: 'CONFORM_TOKEN_URL',
  features: 'CONFORM_FEATURES',
  rps: 'CONFORM_RPS',
  // Not CONFORM_SEED, which the container contract uses for the data a product starts with.
  seed: 'CONFORM_SAMPLING_SEED',
  attestation: 'CONFORM_ATTESTATION',
  roundTrip: 'CONFORM_ROUND_TRIP',
  roundTripClientId: 'CONFORM_ROUND_TRIP_CLIENT_ID',
  roundTripClientSecret: 'CONFORM_ROUND_TRIP_CLIENT_SECRET',
  caFile: 'CONFORM_CA_FILE',
  expectedFailures: 'CONFORM_EXPECTED_FAILURES',
} as const;

export interface RunFlags {
  profile?: string;
  image?: string;
  basePath?: string;
  target?: string;
  mode?: string;
  token?: string;
  clientId?: string;
  clientSecret?: string;
  secondToken?: string;
  secondClientId?: string;
  secondClientSecret?: string;
  roundTrip?: string;
  roundTripClientId?: string;
  roundTripClientSecret?: string;
  /** A CA certificate (PEM file) to trust besides the public ones. */
  caFile?: string;
  feature?: string[];
  attestation?: string;
  report?: string;
  junit?: string;
  html?: string;
  markdown?: string;
  config?: string;
  rps?: string;
  seed?: string;
  dryRun?: boolean;
  /** Check or clause ids, repeatable and comma-separated: run only these. */
  only?: string[];
  /** Check or clause ids, repeatable and comma-separated: run all but these. */
  skip?: string[];
  /** An earlier run's JSON report: repeat what failed or errored in it, with its settings. */
  rerunFailed?: string;
  /** Checks expected to fail, each with why (YAML or JSON). */
  expectedFailures?: string;
  /** Write the run's evidence as HAR 1.2 here. */
  har?: string;
}

/** Everything a run needs, resolved and validated. */
export interface RunSettings {
  readonly profile: string;
  readonly config: ResolvedRunConfig;
  readonly attestationPath?: string;
  readonly outputs: Partial<Record<ReportKey, string>>;
  readonly dryRun: boolean;
  /** Set for a partial run: `--only`, `--skip`, `--rerun-failed`. */
  readonly selection?: CheckSelection;
  readonly expectedFailuresPath?: string;
  /** How the run was given, for the command each failure shows that runs its check alone again. */
  readonly rerunOrigin?: RerunOrigin;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];
const isObject = (value: unknown): value is JsonObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

function configError(message: string): UsageError {
  return new UsageError('CONFIG_INVALID', message);
}

/** Reads and shape-checks the config file; paths in it are relative to the file. */
async function readConfigFile(
  explicit: string | undefined,
  cwd: string,
): Promise<{ path: string; data: JsonObject } | undefined> {
  const path = explicit
    ? resolve(cwd, explicit)
    : CONFIG_FILE_NAMES.map((name) => resolve(cwd, name)).find((candidate) => existsSync(candidate));
  if (!path) return undefined;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw configError(`${path}: the config file cannot be read: ${(error as Error).message}`);
  }
  const { DocumentError, parseDocument } = await import('@council-conform/openapi');
  const { CONFIG_KEYS, didYouMean } = await runner();
  let data: JsonObject;
  try {
    data = parseDocument(text, path).data;
  } catch (error) {
    throw configError(error instanceof DocumentError ? error.message : String(error));
  }
  const known = [...CLI_KEYS, ...CONFIG_KEYS];
  const problems: string[] = [];
  for (const key of Object.keys(data)) {
    if (!(known as readonly string[]).includes(key))
      problems.push(`unknown setting "${key}"${didYouMean(key, known)}`);
  }
  for (const key of ['profile', 'attestation', 'expectedFailures'] as const) {
    if (data[key] !== undefined && typeof data[key] !== 'string') problems.push(`"${key}" must be a string`);
  }
  if (data.reports !== undefined) {
    if (!isObject(data.reports))
      problems.push(`"reports" must map formats (${REPORT_KEYS.join(', ')}) to paths`);
    else
      for (const [key, value] of Object.entries(data.reports)) {
        if (!(REPORT_KEYS as readonly string[]).includes(key))
          problems.push(`unknown report format "reports.${key}"${didYouMean(key, REPORT_KEYS)}`);
        else if (typeof value !== 'string') problems.push(`"reports.${key}" must be a file path`);
      }
  }
  if (problems.length > 0)
    throw configError(`${path}: the config file is not valid:\n  - ${problems.join('\n  - ')}`);
  return { path, data };
}

function credentialsFrom(
  token: string | undefined,
  clientId: string | undefined,
  clientSecret: string | undefined,
): Credentials | undefined {
  if (!token && !clientId && !clientSecret) return undefined;
  return {
    ...(token ? { token } : {}),
    ...(clientId ? { clientId } : {}),
    ...(clientSecret ? { clientSecret } : {}),
  };
}

function positiveNumber(raw: string, source: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw configError(`${source} must be a positive number, not "${raw}"`);
  return value;
}

/**
 * Run settings from flags, environment and config file, in that order of precedence. Credentials are taken
 * whole from the first source that has any, so a token from one place never mixes with a secret from another.
 */
export async function resolveRunSettings(
  flags: RunFlags,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): Promise<RunSettings> {
  const file = await readConfigFile(flags.config, cwd);
  // --rerun-failed takes the run's settings from its report; flags that would contradict them are refused.
  if (flags.rerunFailed !== undefined) refuseFlagsTheReportGives(flags);
  const rerun = flags.rerunFailed ? await readRerunReport(resolve(cwd, flags.rerunFailed)) : undefined;
  const { didYouMean, resolveRunConfig } = await runner();
  const { listSpecIds } = await import('@council-conform/specs');
  const data: JsonObject = file?.data ?? {};
  const fromFile = (path: string) => resolve(dirname(file?.path ?? cwd), path);
  const e = (key: keyof typeof RUN_ENV) => {
    const value = env[RUN_ENV[key]];
    return value === undefined || value === '' ? undefined : value;
  };

  const profile = rerun?.profile ?? flags.profile ?? e('profile') ?? (data.profile as string | undefined);
  const known = listSpecIds();
  if (!profile)
    throw new UsageError(
      'PROFILE_MISSING',
      `--profile is required (or ${RUN_ENV.profile}, or "profile" in the config file); one of ${known.join(', ')}`,
    );
  if (!known.includes(profile))
    throw new UsageError(
      'PROFILE_UNKNOWN',
      `no profile "${profile}"${didYouMean(profile, known)}; known profiles: ${known.join(', ')} (see \`conform specs\`)`,
    );

  const {
    profile: _p,
    attestation: fileAttestation,
    reports: fileReports,
    expectedFailures: fileExpectedFailures,
    ...fileRun
  } = data;
  const run: Record<string, unknown> = { ...fileRun };
  const target = flags.target ?? e('target');
  if (target !== undefined) run.target = target;
  const mode = flags.mode ?? e('mode');
  if (mode !== undefined) run.mode = mode;
  const tokenUrl = e('tokenUrl');
  if (tokenUrl !== undefined) run.tokenUrl = tokenUrl;
  if (flags.feature && flags.feature.length > 0) run.features = flags.feature;
  else if (e('features') !== undefined)
    run.features = (e('features') as string)
      .split(',')
      .map((f) => f.trim())
      .filter(Boolean);
  const seed = flags.seed ?? e('seed');
  if (seed !== undefined) run.seed = seed;
  if (flags.rps !== undefined) run.requestsPerSecond = positiveNumber(flags.rps, '--rps');
  else if (e('rps') !== undefined) run.requestsPerSecond = positiveNumber(e('rps') as string, RUN_ENV.rps);

  const primary =
    credentialsFrom(flags.token, flags.clientId, flags.clientSecret) ??
    credentialsFrom(e('token'), e('clientId'), e('clientSecret'));
  if (primary) run.credentials = primary;
  const second =
    credentialsFrom(flags.secondToken, flags.secondClientId, flags.secondClientSecret) ??
    credentialsFrom(e('secondToken'), e('secondClientId'), e('secondClientSecret'));
  if (second) run.secondTenant = second;
  const roundTripTarget = flags.roundTrip ?? e('roundTrip') ?? rerun?.settings?.roundTrip?.target;
  if (roundTripTarget !== undefined) {
    const credentials = credentialsFrom(
      undefined,
      flags.roundTripClientId ?? e('roundTripClientId'),
      flags.roundTripClientSecret ?? e('roundTripClientSecret'),
    );
    run.roundTrip = { target: roundTripTarget, ...(credentials ? { credentials } : {}) };
  }
  // A CA to trust besides the public ones: --ca-file, else CONFORM_CA_FILE (relative to where the command was
  // typed), else the file's tls.caFile (relative to the file) or tls.ca (the PEM text itself).
  const fileTls = isObject(fileRun.tls) ? fileRun.tls : undefined;
  const caFile = flags.caFile ?? e('caFile');
  if (caFile !== undefined) {
    const { caFile: _inFile, ...rest } = fileTls ?? {};
    const source = flags.caFile ? '--ca-file' : RUN_ENV.caFile;
    run.tls = { ...rest, ca: await readCaFile(resolve(cwd, caFile), source) };
  } else if (fileTls?.caFile !== undefined) {
    const { caFile: inFile, ...rest } = fileTls;
    if (typeof inFile !== 'string') throw configError(`${file?.path}: "tls.caFile" must be a file path`);
    if (rest.ca !== undefined)
      throw configError(`${file?.path}: "tls.ca" and "tls.caFile" exclude each other; give the CA once`);
    run.tls = { ...rest, ca: await readCaFile(fromFile(inFile), `tls.caFile in ${file?.path}`) };
  }

  if (rerun) applyRerunSource(run, rerun);

  let config: ResolvedRunConfig;
  try {
    config = resolveRunConfig(run as RunConfig & Record<string, unknown>);
  } catch (error) {
    throw configError(
      `${(error as Error).message}${file ? `\n(settings from ${file.path}, the environment and flags)` : ''}`,
    );
  }

  // A file named by flag or environment is found from where the command was typed; one in the file, from it.
  const pathSetting = (flag: string | undefined, key: keyof typeof RUN_ENV, inFile: unknown) => {
    const typed = flag ?? e(key);
    if (typed) return resolve(cwd, typed);
    return typeof inFile === 'string' ? fromFile(inFile) : undefined;
  };
  const attestation = pathSetting(flags.attestation, 'attestation', fileAttestation);
  const outputs: Partial<Record<ReportKey, string>> = {};
  const reportsInFile = isObject(fileReports) ? (fileReports as Record<string, string>) : {};
  const flagOutputs: Record<ReportKey, string | undefined> = {
    json: flags.report,
    junit: flags.junit,
    html: flags.html,
    markdown: flags.markdown,
    har: flags.har,
  };
  for (const key of REPORT_KEYS) {
    const flag = flagOutputs[key];
    const inFile = reportsInFile[key];
    if (flag) outputs[key] = resolve(cwd, flag);
    else if (inFile) outputs[key] = fromFile(inFile);
  }
  const expectedFailures = pathSetting(flags.expectedFailures, 'expectedFailures', fileExpectedFailures);
  const selection = selectionFrom(idList(flags.only), idList(flags.skip), rerun);
  const typedCaFile = flags.caFile ?? e('caFile');
  return {
    profile,
    config,
    ...(attestation ? { attestationPath: attestation } : {}),
    outputs,
    dryRun: flags.dryRun === true,
    ...(selection ? { selection } : {}),
    ...(expectedFailures ? { expectedFailuresPath: expectedFailures } : {}),
    rerunOrigin: {
      profile,
      config,
      cwd,
      ...(file ? { configFile: file.path } : {}),
      ...(typedCaFile ? { caFile: resolve(cwd, typedCaFile) } : {}),
    },
  };
}

/** Every secret the settings carry, for scrubbing anything printed. */
function secretsOf(config: ResolvedRunConfig): string[] {
  return [config.credentials, config.secondTenant, config.roundTrip?.credentials]
    .flatMap((c) => [c?.token, c?.clientSecret])
    .filter((s): s is string => typeof s === 'string' && s.length > 0);
}

/** An io that never prints a secret it was given, whatever the message. */
function scrubbing(io: CliIo, secrets: readonly string[]): CliIo {
  const scrub = (text: string) => secrets.reduce((out, secret) => out.split(secret).join('[redacted]'), text);
  return { out: (text) => io.out(scrub(text)), err: (text) => io.err(scrub(text)) };
}

const duration = (ms: number) => {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
};

function preflightTable(steps: readonly PreflightStep[]): string {
  return formatTable(
    ['Pre-flight', 'Result', 'Detail'],
    steps.map((s) => [s.step, s.ok ? 'ok' : s.warning ? 'warning' : 'FAILED', s.message ?? '']),
  );
}

/** The clause summary printed after a run: status, how each clause was judged, and the verdict. */
export async function formatRunSummary(report: RunReport): Promise<string> {
  const { CLAUSE_STATUS_TEXT, countsLine, judgedBy, levelText, notJudgedLines, partialRunText } =
    await reporters();
  const rows = report.clauses.map((clause) => {
    const checks = report.checks.filter((c) => c.clause === clause.id);
    return [
      String(clause.number),
      clause.id,
      CLAUSE_STATUS_TEXT[clause.status],
      judgedBy(clause),
      checks.length > 0 ? countsLine(checks) : '',
    ];
  });
  const lines = [formatTable(['#', 'Clause', 'Status', 'Judged by', 'Checks'], rows)];
  const partial = partialRunText(report);
  if (partial) lines.push('', partial);
  const findings = report.checks.filter((c) => c.status === 'fail' || c.status === 'error');
  if (findings.length > 0) {
    lines.push('', 'Checks that failed or could not run:');
    for (const check of findings) {
      const expected = check.expectedFailure?.status === 'expected' ? ', expected' : '';
      lines.push(`  ${check.status.padEnd(5)}  ${check.id} (${check.severity}${expected}): ${check.message}`);
      if (check.rerunCommand) lines.push(`         run it again: ${check.rerunCommand}`);
    }
  }
  const expected = expectedFailureLines(report);
  if (expected.length > 0) {
    lines.push('', 'Listed as expected to fail:');
    for (const line of expected) lines.push(`  - ${line}`);
  }
  if (report.notJudged.length > 0) {
    lines.push('', 'Not judged by this run, and what to give it:');
    for (const line of notJudgedLines(report)) lines.push(`  - ${line}`);
  }
  lines.push(
    '',
    `Level: ${levelText(report)}. Certifiable: ${report.certifiable ? 'yes' : 'no'}.`,
    ...report.certifiableReasons.map((reason) => `  - ${reason}`),
    `Sampling seed: ${report.sampling.seed} (--seed ${report.sampling.seed} replays this run’s samples).`,
  );
  return lines.join('\n');
}

/**
 * 0 every must check passed (or did not apply); 1 one failed, or a check listed as expected to fail passed
 * (so that the list cannot go stale); 2 one could not run (a harness error). A failure listed as expected
 * does not count.
 */
export function exitCodeOf(report: RunReport): number {
  const must = report.checks.filter((c) => c.severity === 'must');
  if (must.some((c) => c.status === 'fail' && c.expectedFailure?.status !== 'expected')) return EXIT.findings;
  if (report.checks.some((c) => c.expectedFailure?.status === 'stale')) return EXIT.findings;
  if (must.some((c) => c.status === 'error')) return EXIT.usage;
  return EXIT.ok;
}

export interface RunOutcome {
  readonly report: RunReport;
  readonly exitCode: number;
  readonly written: readonly string[];
}

/**
 * Runs pre-flight and every check of the catalogue against the target, with progress on stderr, then prints
 * the clause summary and writes the reports asked for. Throws UsageError (exit 2) for configuration and
 * pre-flight problems, with what to fix.
 */
export async function conformRun(
  settings: RunSettings,
  rawIo: CliIo,
  options: {
    progress?: boolean;
    summary?: boolean;
    /** Adds to the report before it is written (the container's image and logs, for `--image`). */
    decorate?: (report: RunReport) => RunReport;
  } = {},
): Promise<RunOutcome> {
  const io = scrubbing(rawIo, secretsOf(settings.config));
  const { config } = settings;
  // A link at an output path is refused when it is written too; checked first so that a run is not wasted.
  for (const path of Object.values(settings.outputs)) await checkOutputPath(path);
  const {
    PreflightError,
    SelectionError,
    describeSelection,
    didYouMean,
    readAttestation,
    runConformance,
    selectedCheckIds,
  } = await runner();
  const { CHECKS, loadReference, measureDataQuality } = await checks();
  const { REPORTERS } = await reporters();
  // Ids are checked against the catalogue before the run, so that a mistyped one costs no request.
  const { selection } = settings;
  try {
    if (selection) selectedCheckIds(CHECKS, selection);
  } catch (error) {
    if (error instanceof SelectionError) throw new UsageError(error.code, `--only/--skip: ${error.message}`);
    throw error;
  }
  const expectedFailures = settings.expectedFailuresPath
    ? await readExpectedFailures(settings.expectedFailuresPath)
    : undefined;
  if (expectedFailures)
    checkExpectedFailureIds(
      expectedFailures,
      CHECKS.map((check) => check.id),
      didYouMean,
    );
  let attestation: Attestation | undefined;
  if (settings.attestationPath) {
    try {
      attestation = await readAttestation(settings.attestationPath);
    } catch (error) {
      throw new UsageError(
        'ATTESTATION_INVALID',
        `${(error as Error).message} (schema: docs/attestation-schema.json)`,
      );
    }
  }
  const { reference, personalFields } = await loadReference(settings.profile);
  const started = Date.now();
  const progress = options.progress !== false;
  if (progress)
    io.err(
      `conform run: ${settings.profile} ${reference.profile.version} against ${config.target} (${config.mode} mode, ${config.requestsPerSecond} requests/s, run budget ${duration(config.runBudgetMs)})${settings.dryRun ? ', pre-flight only' : ''}${selection ? `, a partial run: ${describeSelection(selection)}` : ''}`,
    );
  let report: RunReport;
  try {
    report = await runConformance({
      config,
      reference,
      checks: CHECKS,
      personalFields,
      measureDataQuality,
      ...(attestation ? { attestation } : {}),
      runner: { name: 'council-conform', version: cliPackage.version },
      dryRun: settings.dryRun,
      ...(selection ? { selection } : {}),
      events: {
        onPreflight: (steps) => {
          if (progress || settings.dryRun) io.err(preflightTable(steps));
        },
        onCheckStart: (check, index, total, requests) => {
          if (!progress) return;
          const elapsed = Date.now() - started;
          io.err(
            `[${String(index + 1).padStart(String(total).length)}/${total}] ${check.id} (${check.clause}, ${check.severity}) · ${requests} requests · ${duration(elapsed)} elapsed, ${duration(config.runBudgetMs - elapsed)} left`,
          );
        },
        onCheckEnd: (result) => {
          if (progress && result.status !== 'pass') io.err(`    ${result.status}: ${result.message}`);
        },
      },
    });
  } catch (error) {
    if (error instanceof PreflightError) throw new UsageError(error.code, error.message);
    throw error;
  }
  if (options.decorate) report = options.decorate(report);
  if (settings.rerunOrigin) {
    const { rerunArguments, withRerunCommands } = await import('./run-rerun-command.ts');
    report = withRerunCommands(report, rerunArguments(settings.rerunOrigin));
  }
  if (expectedFailures) report = withExpectedFailures(report, expectedFailures);
  const written: string[] = [];
  for (const [key, path] of Object.entries(settings.outputs) as [ReportKey, string][]) {
    await mkdir(dirname(path), { recursive: true });
    await writeOutputFile(path, REPORTERS[key](report));
    written.push(path);
  }
  if (settings.dryRun) {
    io.out(`Pre-flight passed: ${config.target} is ready for \`conform run\`.`);
  } else if (options.summary !== false) {
    io.out(await formatRunSummary(report));
    io.out(
      `\n${report.checks.length} checks, ${report.requests} requests in ${duration(report.durationMs)}.`,
    );
  }
  if (options.summary !== false) for (const path of written) io.out(`Wrote ${path}`);
  return { report, exitCode: settings.dryRun ? EXIT.ok : exitCodeOf(report), written };
}

export function registerRun(program: Command, io: CliIo): void {
  program
    .command('run')
    .description('judge a supplier API, live, against a reference spec profile, clause by clause')
    .option('--profile <spec-id>', 'reference spec profile to judge against (see `conform specs`)')
    .option('--target <url>', 'base URL of the supplier API')
    .option(
      '--ca-file <pem>',
      'a CA certificate (PEM) to trust besides the public ones, for a target whose certificate a private CA signed',
    )
    .option(
      '--image <name>',
      'certify a supplier image instead of a URL: start it in a throwaway container (docs/containers.md), run in sandbox mode, remove it',
    )
    .option(
      '--base-path <path>',
      'with --image: where the product serves the profile, `{profile}` standing for its id (default /)',
    )
    .addOption(
      new Option(
        '--mode <mode>',
        'readonly: safe methods only (default); sandbox: writes, bursts and exports too',
      ).choices(['readonly', 'sandbox']),
    )
    .option(
      '--token <token>',
      'bearer token (prefer CONFORM_TOKEN: the command line is visible to other users)',
    )
    .option('--client-id <id>', 'OAuth 2.0 client id')
    .option('--client-secret <secret>', 'OAuth 2.0 client secret (prefer CONFORM_CLIENT_SECRET)')
    .option('--second-token <token>', "a second tenant's bearer token, for the cross-tenant checks")
    .option('--second-client-id <id>', "a second tenant's client id")
    .option('--second-client-secret <secret>', "a second tenant's client secret")
    .option(
      '--round-trip <url>',
      'a reference server (or any implementation offering the baseline import) to import the export into, for the easy-exit round trip',
    )
    .option('--round-trip-client-id <id>', 'client id of a tenant on the round-trip target')
    .option(
      '--round-trip-client-secret <secret>',
      'its client secret (prefer CONFORM_ROUND_TRIP_CLIENT_SECRET)',
    )
    .option(
      '--feature <operation-id>',
      'an optional operation of the profile the API implements (repeatable)',
      collect,
    )
    .option('--attestation <file>', 'the supplier attestation (YAML or JSON; docs/attestation-schema.json)')
    .option('--report <file>', 'write the JSON report here (docs/report-schema.json)')
    .option('--junit <file>', 'write JUnit XML here, for CI')
    .option('--html <file>', 'write the HTML report here')
    .option('--markdown <file>', 'write a Markdown summary here, for pull requests')
    .option('--config <file>', `config file (default: ${CONFIG_FILE_NAMES.join(' or ')} if present)`)
    .option('--rps <n>', 'requests per second (default 5)')
    .option(
      '--seed <seed>',
      'the seed of every sample the checks draw (default: a new one per run, printed and in the report): give a report’s sampling.seed to replay its choices',
    )
    .option('--dry-run', 'run pre-flight only: configuration, reachability, TLS, description, credentials')
    .option(
      '--only <ids>',
      'run only these checks: check ids or clause ids, comma-separated or repeated (a partial run is never certifiable)',
      collect,
    )
    .option(
      '--skip <ids>',
      'run every check but these: check ids or clause ids, comma-separated or repeated',
      collect,
    )
    .option(
      '--rerun-failed <report.json>',
      'repeat only what failed or errored in an earlier run’s JSON report, with its settings (credentials from the environment or flags)',
    )
    .option(
      '--expected-failures <file>',
      'checks expected to fail, each with why (YAML or JSON): they do not fail the run, and one that passes does',
    )
    .option('--har <file>', 'write the run’s evidence here as HAR 1.2, redacted as the report is')
    .action(async (flags: RunFlags) => {
      const argvSecrets = [
        flags.token,
        flags.clientSecret,
        flags.secondToken,
        flags.secondClientSecret,
        flags.roundTripClientSecret,
      ].filter((s): s is string => typeof s === 'string' && s.length > 0);
      const safe = scrubbing(io, argvSecrets);
      try {
        if (flags.clientSecret || flags.secondClientSecret || flags.token || flags.secondToken)
          safe.err(
            'note: a secret on the command line can be read by other users of this machine; prefer the CONFORM_* environment variables',
          );
        const cwd = userCwd();
        if (flags.rerunFailed !== undefined) refuseFlagsTheReportGives(flags);
        if (flags.image) {
          process.exitCode = await runImage(flags, safe, cwd);
          return;
        }
        const settings = await resolveRunSettings(flags, process.env, cwd);
        if (settings.selection?.rerunOf?.checks.length === 0) {
          safe.out(
            `Nothing to re-run: no check failed or errored in the run of ${settings.selection.rerunOf.startedAt} (${flags.rerunFailed}).`,
          );
          return;
        }
        const { exitCode } = await conformRun(settings, safe);
        process.exitCode = exitCode;
      } catch (error) {
        // Whatever went wrong, nothing given as a secret reaches the terminal through the error either.
        const scrub = (text: string) => argvSecrets.reduce((out, s) => out.split(s).join('[redacted]'), text);
        const coded = error as { code?: unknown; message?: unknown };
        throw new UsageError(
          typeof coded.code === 'string' ? coded.code : 'RUN_FAILED',
          scrub(String(coded.message ?? error)),
        );
      }
    });
}

/**
 * `conform run --image`: the supplier's product in a throwaway container, judged in sandbox mode with test
 * tenants the harness makes up, its output kept with the evidence, and the container removed whatever
 * happens (a failed run, an error, Ctrl-C).
 */
async function runImage(flags: RunFlags, io: CliIo, cwd: string): Promise<number> {
  const image = flags.image as string;
  if (flags.target) throw new UsageError('IMAGE_WITH_TARGET', '--image and --target exclude each other');
  if (flags.mode === 'readonly')
    throw new UsageError('IMAGE_READONLY', '--image runs are sandbox runs: the container is throwaway');
  if (flags.token || flags.clientId || flags.secondToken || flags.secondClientId)
    throw new UsageError(
      'IMAGE_WITH_CREDENTIALS',
      '--image makes up its own test tenants and gives them to the container (docs/containers.md); drop the credential flags',
    );
  const profile = flags.profile ?? process.env[RUN_ENV.profile];
  if (!profile) throw new UsageError('PROFILE_MISSING', '--profile is required with --image');
  const { CONTAINER_ENV, planContainerRun, redactLogs, trustingCa, withContainer } = await import(
    './run-image.ts'
  );
  const { startSupplierContainer } = await import('@council-conform/containers');
  const plan = planContainerRun(flags, profile);
  const safe = scrubbing(io, plan.secrets);
  safe.err(
    `conform run: starting ${image} in a throwaway container (host network, a free port, https with a certificate from this run's own CA)…`,
  );
  const container = await startSupplierContainer({
    image,
    env: plan.env,
    tls: { ca: plan.caCertificatePem },
  }).catch((error: unknown) => {
    const failed = error as { code?: string; message?: string; logs?: string };
    const logs = failed.logs ? `\n--- container output ---\n${redactLogs(failed.logs, plan.secrets)}` : '';
    throw new UsageError(failed.code ?? 'CONTAINER_FAILED', `${failed.message ?? String(error)}${logs}`);
  });
  try {
    safe.err(
      `conform run: ${image} is healthy at ${container.url} (container ${container.containerId.slice(0, 12)})`,
    );
    if (container.protocol === 'http')
      safe.err(
        `conform run: ${image} ignored ${CONTAINER_ENV.tlsCert} and ${CONTAINER_ENV.tlsKey} and serves plain http, so secure-tls-enforced, secure-tls-version and secure-hsts cannot be judged and the run cannot be certified; serve https on PORT with that certificate (docs/containers.md)`,
      );
    const given = await resolveRunSettings(plan.flagsFor(container.url), process.env, cwd);
    // A failure's command runs the image again, in a container of its own: this one's address dies with it.
    const resolved: RunSettings = given.rerunOrigin
      ? {
          ...given,
          rerunOrigin: {
            ...given.rerunOrigin,
            image: { name: image, ...(flags.basePath ? { basePath: flags.basePath } : {}) },
          },
        }
      : given;
    // The run trusts its own CA only where the container serves what that CA signed.
    const settings = container.protocol === 'https' ? trustingCa(resolved, plan.caCertificatePem) : resolved;
    const { exitCode } = await conformRun(settings, safe, {
      decorate: withContainer(image, container, plan.secrets),
    });
    return exitCode;
  } finally {
    await container.stop();
    safe.err(`conform run: container ${container.containerId.slice(0, 12)} stopped and removed`);
  }
}

import { isAbsolute, relative } from 'node:path';
import { DEFAULTS, type ResolvedRunConfig, type RunReport, shellCommand } from '@council-conform/runner';

/** What a run was given, beyond its resolved settings, that a command repeating it must give again. */
export interface RerunOrigin {
  readonly profile: string;
  readonly config: ResolvedRunConfig;
  /** Where the command was typed: the paths in the command are written from there. */
  readonly cwd: string;
  /** The config file the settings came from: it holds what no flag does (timeouts, credentials, a CA). */
  readonly configFile?: string;
  /** A CA file given by flag or environment; one the config file names comes with `--config`. */
  readonly caFile?: string;
  /** For `--image` runs: the image and where it serves the profile; its container is made afresh. */
  readonly image?: { readonly name: string; readonly basePath?: string };
}

/** A path as the user would type it from where they typed the run: relative below there, absolute elsewhere. */
function typed(path: string, cwd: string): string {
  const below = relative(cwd, path);
  return below !== '' && !below.startsWith('..') && !isAbsolute(below) ? below : path;
}

/**
 * The `conform run` arguments that repeat a run's settings: never a secret, as credentials are read again
 * from the CONFORM_* environment variables (or the config file) when the command runs.
 */
export function rerunArguments(origin: RerunOrigin): string[] {
  const { config, cwd } = origin;
  const args = ['run'];
  if (origin.configFile) args.push('--config', typed(origin.configFile, cwd));
  if (origin.image) {
    args.push('--image', origin.image.name);
    if (origin.image.basePath) args.push('--base-path', origin.image.basePath);
    args.push('--profile', origin.profile);
  } else args.push('--profile', origin.profile, '--target', config.target, '--mode', config.mode);
  for (const feature of config.features) args.push('--feature', feature);
  args.push('--seed', config.seed);
  if (config.requestsPerSecond !== DEFAULTS.requestsPerSecond)
    args.push('--rps', String(config.requestsPerSecond));
  if (!origin.image && origin.caFile) args.push('--ca-file', typed(origin.caFile, cwd));
  if (!origin.image && config.roundTrip) args.push('--round-trip', config.roundTrip.target);
  return args;
}

/** The command that runs one check alone again with the run's settings. */
export function rerunCommand(args: readonly string[], checkId: string): string {
  return shellCommand(['conform', ...args, '--only', checkId]);
}

/** The report with the command that runs each check that failed or errored alone again. */
export function withRerunCommands(report: RunReport, args: readonly string[]): RunReport {
  return {
    ...report,
    checks: report.checks.map((check) =>
      check.status === 'fail' || check.status === 'error'
        ? { ...check, rerunCommand: rerunCommand(args, check.id) }
        : check,
    ),
  };
}

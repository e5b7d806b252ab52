import { readFile } from 'node:fs/promises';
import type { CheckSelection, RecordedSettings } from '@council-conform/runner';
import { UsageError } from '../errors.ts';

/** Ids from a repeatable flag that also takes comma-separated lists: `--only a,b --only c`. */
export function idList(values: readonly string[] | undefined): string[] {
  return [
    ...new Set(
      (values ?? [])
        .flatMap((value) => value.split(','))
        .map((id) => id.trim())
        .filter(Boolean),
    ),
  ];
}

/** What `--rerun-failed` takes from an earlier run's JSON report: its settings and what failed or errored. */
export interface RerunSource {
  readonly path: string;
  readonly profile: string;
  readonly target: string;
  readonly mode: string;
  readonly features: readonly string[];
  readonly seed: string;
  readonly startedAt: string;
  /** Absent in reports older than format 2.1.0: the run's own settings then apply. */
  readonly settings?: RecordedSettings;
  /** The checks that failed or errored, in the report's order. */
  readonly failed: readonly string[];
}

/** Flags whose values `--rerun-failed` takes from the report: given beside it, they would contradict it. */
const FROM_THE_REPORT = {
  profile: '--profile',
  target: '--target',
  mode: '--mode',
  seed: '--seed',
  feature: '--feature',
  rps: '--rps',
  image: '--image',
  roundTrip: '--round-trip',
  only: '--only',
} as const;

export function refuseFlagsTheReportGives(
  flags: Readonly<Partial<Record<keyof typeof FROM_THE_REPORT, unknown>>>,
): void {
  const given = (Object.keys(FROM_THE_REPORT) as (keyof typeof FROM_THE_REPORT)[]).filter((key) => {
    const value = flags[key];
    return value !== undefined && !(Array.isArray(value) && value.length === 0);
  });
  if (given.length > 0)
    throw new UsageError(
      'RERUN_CONFLICT',
      `--rerun-failed repeats the run its report records, with its profile, target, mode, features, seed and rate; drop ${given.map((key) => FROM_THE_REPORT[key]).join(', ')} (--skip may narrow what is repeated)`,
    );
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

function invalid(path: string, why: string): UsageError {
  return new UsageError(
    'RERUN_REPORT_INVALID',
    `${path} is not a conform run JSON report (--report) that can be repeated: ${why}`,
  );
}

/** Reads the JSON report of an earlier run for `--rerun-failed`, checking what the repeat needs of it. */
export async function readRerunReport(path: string): Promise<RerunSource> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError('RERUN_REPORT_UNREADABLE', `${path} cannot be read: ${(error as Error).message}`);
  }
  let report: unknown;
  try {
    report = JSON.parse(text);
  } catch (error) {
    throw invalid(path, `it is not JSON (${(error as Error).message})`);
  }
  if (!isObject(report)) throw invalid(path, 'it is not a JSON object');
  const { reportVersion, profile, target, sampling, checks, startedAt, settings } = report;
  if (typeof reportVersion !== 'string' || !reportVersion.startsWith('2.'))
    throw invalid(path, `its reportVersion is ${JSON.stringify(reportVersion)}, not 2.x`);
  if (!isObject(profile) || typeof profile.id !== 'string') throw invalid(path, 'it names no profile');
  if (!isObject(target) || typeof target.url !== 'string' || typeof target.mode !== 'string')
    throw invalid(path, 'it names no target');
  if (isObject(target.container))
    throw new UsageError(
      'RERUN_IMAGE_REPORT',
      `${path} records a run of the image ${String(target.container.image)}, whose container is gone; run the command each failure in it shows (conform run --image … --only <check-id>)`,
    );
  const features = Array.isArray(target.features) ? target.features.filter((f) => typeof f === 'string') : [];
  if (!isObject(sampling) || typeof sampling.seed !== 'string')
    throw invalid(path, 'it has no sampling seed');
  if (!Array.isArray(checks) || checks.some((c) => !isObject(c) || typeof c.id !== 'string'))
    throw invalid(path, 'its checks are not a list of checks with ids');
  const failed = (checks as Record<string, unknown>[])
    .filter((check) => check.status === 'fail' || check.status === 'error')
    .map((check) => check.id as string);
  return {
    path,
    profile: profile.id,
    target: target.url,
    mode: target.mode,
    features: features as string[],
    seed: sampling.seed,
    startedAt: typeof startedAt === 'string' ? startedAt : 'an unknown time',
    ...(isObject(settings) ? { settings: settings as unknown as RecordedSettings } : {}),
    failed,
  };
}

/** Puts the report's settings over those gathered from the config file, the environment and flags. */
export function applyRerunSource(run: Record<string, unknown>, source: RerunSource): void {
  run.target = source.target;
  run.mode = source.mode;
  run.features = [...source.features];
  run.seed = source.seed;
  const recorded = source.settings;
  if (!recorded) return;
  // The rate, timeouts, budgets and caps: the recorded settings that are numbers.
  for (const [key, value] of Object.entries(recorded)) if (typeof value === 'number') run[key] = value;
  // A URL the report had to redact cannot be used as it is: the one the run is given stands.
  const usable = (url: string) => !url.includes('[redacted]') && !url.includes('%5Bredacted%5D');
  if (typeof recorded.tokenUrl === 'string' && usable(recorded.tokenUrl)) run.tokenUrl = recorded.tokenUrl;
  if (!recorded.roundTrip) {
    delete run.roundTrip;
    return;
  }
  // The round trip's credentials still come from where credentials come from, never from the report.
  const given = isObject(run.roundTrip) ? run.roundTrip : {};
  run.roundTrip = {
    ...given,
    target: recorded.roundTrip.target,
    ...(usable(recorded.roundTrip.tokenUrl) ? { tokenUrl: recorded.roundTrip.tokenUrl } : {}),
  };
}

/** The selection `--only`, `--skip` and `--rerun-failed` make, or undefined for a run of every check. */
export function selectionFrom(
  only: readonly string[],
  skip: readonly string[],
  rerun: RerunSource | undefined,
): CheckSelection | undefined {
  if (rerun)
    return { only: rerun.failed, skip, rerunOf: { startedAt: rerun.startedAt, checks: rerun.failed } };
  return only.length > 0 || skip.length > 0 ? { only, skip } : undefined;
}

import {
  LINT_FORMATS,
  LINT_FORMATTERS,
  LINT_REPORT_FORMATTERS,
  type LintFormat,
} from '@council-conform/lint-formatters';
import type { LintProfile, LintReport } from '@council-conform/ruleset';
import { type Command, Option } from 'commander';
import { EXIT, UsageError } from '../errors.ts';
import type { CliIo } from '../io.ts';
import { userCwd } from '../user-cwd.ts';

/** The profile of a reference spec, as the lint needs it: the operations a council's contract requires. */
async function lintProfile(id: string): Promise<LintProfile> {
  // The specs (and the OpenAPI parser under them) load when a profile is asked for, not at start-up.
  const { listSpecIds, loadProfile } = await import('@council-conform/specs');
  const known = listSpecIds();
  if (!known.includes(id)) {
    const near = known.find((candidate) => candidate.startsWith(id.slice(0, 4)));
    throw new UsageError(
      'UNKNOWN_PROFILE',
      `no profile "${id}"${near ? `; did you mean ${near}?` : ''} Known profiles: ${known.join(', ')} (see \`conform specs\`).`,
    );
  }
  const profile = await loadProfile(id);
  // The operations serving the profile's public datasets need an open licence (public-data-open-licence).
  const publicOperations = profile.datasets
    .filter((dataset) => dataset.classification === 'public')
    .flatMap((dataset) => [dataset.list, dataset.get]);
  return { id, requiredOperations: profile.operations.required, publicOperations };
}

/** 2 when any description could not be judged, else 1 when any has an error, else 0: the worst of them. */
const exitCodeOf = (report: LintReport): number =>
  report.failures.length > 0 ? EXIT.usage : report.counts.error > 0 ? EXIT.findings : EXIT.ok;

export function registerLint(program: Command, io: CliIo): void {
  program
    .command('lint')
    .description(
      'judge OpenAPI descriptions (files or URLs) against the Council API ruleset, clause by clause',
    )
    .argument(
      '<descriptions...>',
      'paths or http(s) URLs of OpenAPI 3.1 or 3.0 descriptions (Swagger 2.0 is converted to 3.1 and linted, with a warning); several are linted in one run with one summary',
    )
    .option(
      '--profile <spec-id>',
      'also report the operations this reference spec profile requires and the description lacks',
    )
    .addOption(
      new Option(
        '--format <format>',
        'output format (with several descriptions, one document holding them all)',
      )
        .choices(LINT_FORMATS)
        .default('stylish' satisfies LintFormat),
    )
    .addHelpText(
      'after',
      [
        '',
        'Limits, checked before anything is parsed: 50 MB a description, 256 levels of nesting, and YAML',
        'aliases adding at most 1,000,000 nodes (an alias bomb is refused in seconds). A URL is fetched within',
        '30 s; relative $refs are read beside a file, never fetched from a server.',
        '',
        'Exit codes: 0 no errors, 1 errors found, 2 a description could not be judged (with several',
        'descriptions, the worst of them; the others are still linted and reported).',
      ].join('\n'),
    )
    .action(async (locations: string[], options: { profile?: string; format: LintFormat }) => {
      const profile = options.profile === undefined ? undefined : await lintProfile(options.profile);
      // Loaded here, not at start-up: Spectral takes most of a second to load and only lint needs it.
      const { hasErrors, lintDescription, lintDescriptions } = await import('@council-conform/ruleset');
      const lintOptions = { cwd: userCwd(), ...(profile ? { profile } : {}) };
      if (locations.length === 1) {
        // One description prints exactly as it always has; one that cannot be judged is an error (exit 2).
        const result = await lintDescription(locations[0] as string, lintOptions);
        io.out(LINT_FORMATTERS[options.format](result));
        process.exitCode = hasErrors(result) ? EXIT.findings : EXIT.ok;
        return;
      }
      const report = await lintDescriptions(locations, lintOptions);
      io.out(LINT_REPORT_FORMATTERS[options.format](report));
      for (const failure of report.failures) io.err(`conform: ${failure.code}: ${failure.message}`);
      process.exitCode = exitCodeOf(report);
    });
}

import { LINT_FORMATS, LINT_FORMATTERS, type LintFormat } from '@council-conform/lint-formatters';
import type { LintProfile } from '@council-conform/ruleset';
import { listSpecIds, loadProfile } from '@council-conform/specs';
import { type Command, Option } from 'commander';
import { EXIT, UsageError } from '../errors.ts';
import type { CliIo } from '../io.ts';

/** The profile of a reference spec, as the lint needs it: the operations a council's contract requires. */
async function lintProfile(id: string): Promise<LintProfile> {
  const known = listSpecIds();
  if (!known.includes(id)) {
    const near = known.find((candidate) => candidate.startsWith(id.slice(0, 4)));
    throw new UsageError(
      'UNKNOWN_PROFILE',
      `no profile "${id}"${near ? `; did you mean ${near}?` : ''} Known profiles: ${known.join(', ')} (see \`conform specs\`).`,
    );
  }
  const profile = await loadProfile(id);
  return { id, requiredOperations: profile.operations.required };
}

export function registerLint(program: Command, io: CliIo): void {
  program
    .command('lint')
    .description(
      'judge an OpenAPI description (file or URL) against the Council API ruleset, clause by clause',
    )
    .argument('<description>', 'path or http(s) URL of an OpenAPI 3.1 (or 3.0) description')
    .option(
      '--profile <spec-id>',
      'also report the operations this reference spec profile requires and the description lacks',
    )
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(LINT_FORMATS)
        .default('stylish' satisfies LintFormat),
    )
    .action(async (location: string, options: { profile?: string; format: LintFormat }) => {
      const profile = options.profile === undefined ? undefined : await lintProfile(options.profile);
      // Loaded here, not at start-up: Spectral takes most of a second to load and only lint needs it.
      const { hasErrors, lintDescription } = await import('@council-conform/ruleset');
      const result = await lintDescription(location, profile ? { profile } : {});
      io.out(LINT_FORMATTERS[options.format](result));
      process.exitCode = hasErrors(result) ? EXIT.findings : EXIT.ok;
    });
}

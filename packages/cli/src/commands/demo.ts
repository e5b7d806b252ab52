import { CLAUSES } from '@council-conform/clauses';
import { validateOpenApiStructure } from '@council-conform/openapi';
import { listSpecIds, loadSpec, summariseSpec } from '@council-conform/specs';
import type { Command } from 'commander';
import type { CliIo } from '../io.ts';
import { formatTable } from '../table.ts';

/**
 * The README's first command ends here. Each capability the project gains adds its step, so the demo is
 * always the quickest honest tour of what Council Conform does today.
 */
export function registerDemo(program: Command, io: CliIo): void {
  program
    .command('demo')
    .description('a tour on embedded defaults: the clause catalogue and every reference spec, checked')
    .action(async () => {
      io.out('Council Conform demo\n');
      const automated = CLAUSES.filter((clause) => clause.assessment !== 'attested').length;
      io.out(
        `1. The Local Gov Digital Procurement Checklist: ${CLAUSES.length} clauses, ${automated} judged (at least in part) by automated checks, the rest by signed supplier attestation.`,
      );
      io.out(
        formatTable(
          ['#', 'Clause', 'Assessed'],
          CLAUSES.map((c) => [String(c.number), c.id, c.assessment]),
        ),
      );
      io.out(
        '\n2. The reference specs, each bundled with the Council API Baseline and validated as OpenAPI 3.1:',
      );
      const rows: string[][] = [];
      let invalid = 0;
      for (const id of listSpecIds()) {
        const spec = await loadSpec(id);
        const problems = await validateOpenApiStructure(spec.document);
        if (problems.length > 0) invalid += 1;
        const summary = summariseSpec(spec);
        rows.push([
          summary.id,
          summary.version,
          String(summary.operations),
          summary.datasets.join(', '),
          summary.standard,
          problems.length === 0 ? 'valid' : `${problems.length} problems`,
        ]);
      }
      io.out(formatTable(['Spec', 'Version', 'Ops', 'Datasets', 'Aligned to', 'OpenAPI 3.1'], rows));
      io.out(`\nNext: \`pnpm conform clauses\`, \`pnpm conform specs\`, \`pnpm conform --help\`.`);
      if (invalid > 0) {
        io.err(`${invalid} reference spec(s) are not valid OpenAPI 3.1`);
        process.exitCode = 1;
      }
    });
}

import type { Command } from 'commander';
import type { CliIo } from '../io.ts';
import { formatTable } from '../table.ts';

export async function specSummaries() {
  // Loaded here: bundling every spec's description is work only `conform specs` needs.
  const { listSpecIds, loadSpec, summariseSpec } = await import('@council-conform/specs');
  return Promise.all(listSpecIds().map(async (id) => summariseSpec(await loadSpec(id))));
}

export function registerSpecs(program: Command, io: CliIo): void {
  program
    .command('specs')
    .description('list the reference specs: version, operations, datasets, the standard each aligns to')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }) => {
      const summaries = await specSummaries();
      if (options.json) {
        io.out(JSON.stringify(summaries, null, 2));
        return;
      }
      io.out(
        formatTable(
          ['Spec', 'Version', 'Ops', 'Datasets', 'Aligned to', 'Tier'],
          summaries.map((s) => [
            s.id,
            s.version,
            String(s.operations),
            String(s.datasets.length),
            s.standard,
            s.tier,
          ]),
        ),
      );
    });
}

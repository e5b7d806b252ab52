import { CLAUSES, PROCUREMENT_ASKS } from '@council-conform/clauses';
import type { Command } from 'commander';
import type { CliIo } from '../io.ts';
import { formatTable } from '../table.ts';

export function registerClauses(program: Command, io: CliIo): void {
  program
    .command('clauses')
    .description('print the 14 checklist clauses, how each is assessed, and the wider procurement asks')
    .option('--json', 'print the catalogue as JSON')
    .action((options: { json?: boolean }) => {
      if (options.json) {
        io.out(JSON.stringify({ clauses: CLAUSES, procurementAsks: PROCUREMENT_ASKS }, null, 2));
        return;
      }
      io.out(
        formatTable(
          ['#', 'Clause id', 'Title', 'Assessed'],
          CLAUSES.map((clause) => [String(clause.number), clause.id, clause.title, clause.assessment]),
        ),
      );
      io.out('');
      io.out(
        formatTable(
          ['Procurement ask', 'Strengthens'],
          PROCUREMENT_ASKS.map((ask) => [ask.title, ask.strengthens]),
        ),
      );
    });
}

import type { Command } from 'commander';
import { UsageError } from '../errors.ts';
import type { CliIo } from '../io.ts';
import { formatTable } from '../table.ts';

const collect = (value: string, previous: string[] = []) => [...previous, value];

interface MockOptions {
  profile?: string;
  port: string;
  fault?: string[];
  token?: string[];
  listFaults?: boolean;
  json?: boolean;
}

export function registerMock(program: Command, io: CliIo): void {
  program
    .command('mock')
    .description('serve a mock supplier of a reference spec on 127.0.0.1, conformant or with seeded faults')
    .option('--profile <spec-id>', 'reference spec to mock')
    .option('--port <n>', 'port to listen on (0 picks a free one)', '8080')
    .option('--fault <id>', 'apply a fault from the catalogue (repeatable)', collect)
    .option('--token <token>', 'accept this bearer token, one per tenant in order (repeatable)', collect)
    .option('--list-faults', 'list the fault catalogue and exit')
    .option('--json', 'with --list-faults: print as JSON')
    .action(async (options: MockOptions) => {
      // The mocks (msw, the specs and their fixtures) load when `conform mock` runs, not whenever `conform` starts.
      const { createMockSupplier, FAULTS, isFaultId, startMockServer } = await import(
        '@council-conform/mocks'
      );
      const { listSpecIds } = await import('@council-conform/specs');
      if (options.listFaults) {
        if (options.json) io.out(JSON.stringify(FAULTS, null, 2));
        else
          io.out(
            formatTable(
              ['Fault', 'Clause', 'Story'],
              FAULTS.map((f) => [f.id, f.clause, f.story]),
            ),
          );
        return;
      }
      if (!options.profile)
        throw new UsageError(
          'MOCK_PROFILE_MISSING',
          `--profile is required; one of ${listSpecIds().join(', ')}`,
        );
      if (!listSpecIds().includes(options.profile)) {
        throw new UsageError(
          'MOCK_PROFILE_UNKNOWN',
          `no reference spec "${options.profile}"; one of ${listSpecIds().join(', ')}`,
        );
      }
      const unknown = (options.fault ?? []).filter((id) => !isFaultId(id));
      if (unknown.length > 0) {
        throw new UsageError(
          'MOCK_FAULT_UNKNOWN',
          `unknown fault ${unknown.join(', ')}; see \`conform mock --list-faults\``,
        );
      }
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new UsageError('MOCK_PORT_INVALID', `--port ${options.port} is not a port number`);
      const supplier = await createMockSupplier(options.profile, {
        faults: options.fault ?? [],
        tokens: options.token ?? [],
      });
      const server = await startMockServer(supplier, { port });
      io.out(`Mock ${options.profile} supplier listening on ${server.url}`);
      io.out(`Faults: ${supplier.faults.size > 0 ? [...supplier.faults].join(', ') : 'none (conformant)'}`);
      io.out('Test tenants (OAuth 2.0 client credentials at /oauth/token):');
      io.out(
        formatTable(
          ['Tenant', 'client_id', 'client_secret'],
          supplier.tenants.map((t) => [t.name, t.clientId, t.clientSecret]),
        ),
      );
      io.out(
        `Optional operations offered (declare them to \`conform run\`): ${
          supplier.features.length > 0
            ? supplier.features.map((feature) => `--feature ${feature}`).join(' ')
            : 'none'
        }`,
      );
      io.out('Press Ctrl-C to stop.');
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          server.close().finally(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}

import { join, relative, resolve } from 'node:path';
import { CLAUSES } from '@council-conform/clauses';
import {
  type CliIo,
  conformRun,
  exitCodeOf,
  formatRunSummary,
  formatTable,
  fromUserCwd,
  userCwd,
} from '@council-conform/cli';
import type { FaultId } from '@council-conform/mocks';
import { validateOpenApiStructure } from '@council-conform/openapi';
import type { PrivateCa } from '@council-conform/private-ca';
import { listSpecIds, loadSpec, specDir, summariseSpec } from '@council-conform/specs';
import type { Command } from 'commander';
import { DEMO_COUNCILS, importDemoContracts } from './demo-contracts.ts';
import {
  type DemoPublication,
  demoTokenOf,
  publishDemoResults,
  writeDemoAttestation,
} from './demo-dashboard.ts';
import { createDemoCa, EXAMPLE_ATTESTATION } from './demo-reference.ts';

export const DEMO_SPEC = 'street-reports';
/** A fault a current check catches: personal records answered without a token. */
export const DEMO_FAULT: FaultId = 'personal-endpoint-open';

/**
 * Serves a mock of the demo spec over https on a free port (a certificate from `ca`, which the run trusts;
 * plain http on the port redirects) and runs `conform run` against it in sandbox mode, so TLS is judged too.
 */
export async function demoRun(
  io: CliIo,
  outDir: string,
  name: string,
  faults: readonly FaultId[],
  attestationPath: string,
  ca: PrivateCa = createDemoCa(),
) {
  const { serveMockWithRoundTrip } = await import('@council-conform/mocks');
  const { resolveRunConfig } = await import('@council-conform/runner');
  const issued = ca.issueServerCertificate({ hosts: ['127.0.0.1', 'localhost'] });
  // The easy-exit round trip carries the export into a second, empty implementation of the profile.
  const served = await serveMockWithRoundTrip(DEMO_SPEC, faults, {
    tls: { key: issued.keyPem, cert: issued.certificatePem },
  });
  try {
    const config = resolveRunConfig({
      ...served.runTarget,
      tls: { ca: ca.certificatePem },
      mode: 'sandbox',
      requestsPerSecond: 250,
      requestTimeoutMs: 5_000,
      runBudgetMs: 60_000,
      maxRetryAfterMs: 2_000,
    });
    const outputs = {
      json: join(outDir, `${name}.json`),
      html: join(outDir, `${name}.html`),
      junit: join(outDir, `${name}.junit.xml`),
      markdown: join(outDir, `${name}.md`),
    };
    return await conformRun(
      {
        profile: DEMO_SPEC,
        config,
        attestationPath,
        outputs,
        dryRun: false,
      },
      io,
      { progress: false, summary: false },
    );
  } finally {
    await served.close();
  }
}

/**
 * The README's first command ends here. Each capability the project gains adds its step, so the demo is
 * always the quickest honest tour of what Council Conform does today.
 */
export function registerDemo(program: Command, io: CliIo): void {
  program
    .command('demo')
    .description('a tour on embedded defaults: the clause catalogue and every reference spec, checked')
    .option('--out <dir>', 'where to write the demo’s reports', 'demo-output')
    .option(
      '--dashboard-port <port>',
      'where the dashboard serves the demo’s results (busy: any free port)',
      '8090',
    )
    .option('--no-serve', 'stop once the results are published instead of serving the dashboard until Ctrl-C')
    .action(async (options: { out: string; dashboardPort: string; serve: boolean }) => {
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
        '\n2. The reference specs, each bundled with the Council API Baseline, validated as OpenAPI 3.1 and judged by `conform lint` against the Council API ruleset and its own profile:',
      );
      const { lintDescription } = await import('@council-conform/ruleset');
      const rows: string[][] = [];
      let invalid = 0;
      let unclean = 0;
      for (const id of listSpecIds()) {
        const spec = await loadSpec(id);
        const problems = await validateOpenApiStructure(spec.document);
        if (problems.length > 0) invalid += 1;
        const lint = await lintDescription(join(specDir(id), 'openapi.yaml'), {
          profile: { id, requiredOperations: spec.profile.operations.required },
          cwd: resolve(specDir(id), '..', '..'),
        });
        if (lint.findings.length > 0) unclean += 1;
        const summary = summariseSpec(spec);
        rows.push([
          summary.id,
          summary.version,
          String(summary.operations),
          summary.datasets.join(', '),
          summary.standard,
          problems.length === 0 ? 'valid' : `${problems.length} problems`,
          lint.findings.length === 0 ? 'clean' : `${lint.findings.length} findings`,
        ]);
      }
      io.out(formatTable(['Spec', 'Version', 'Ops', 'Datasets', 'Aligned to', 'OpenAPI 3.1', 'Lint'], rows));

      const outDir = fromUserCwd(options.out);
      io.out(
        `\n3. \`conform run\` against two mock ${DEMO_SPEC} suppliers served on 127.0.0.1 over https (a certificate from a private CA made for the demo, which the runs trust), in sandbox mode at 250 requests/s, with the example supplier attestation (docs/examples/attestation.yaml) and a second, empty implementation to carry the export into for the easy-exit round trip.`,
      );
      const { getFault } = await import('@council-conform/mocks');
      // Each run is its own (invented) supplier's product, so the dashboard can rank them.
      const runs = [
        {
          name: 'conformant',
          title: 'a conformant supplier',
          faults: [] as FaultId[],
          attestation: EXAMPLE_ATTESTATION,
        },
        {
          name: `faulty-${DEMO_FAULT}`,
          title: `a faulty supplier: ${getFault(DEMO_FAULT).story}`,
          faults: [DEMO_FAULT],
          attestation: await writeDemoAttestation(
            outDir,
            'faulty',
            'Leaky Civic Systems Ltd',
            'OpenDoor Street Reports 1.0',
          ),
        },
      ];
      let unexpected = false;
      const publications: DemoPublication[] = [];
      const ca = createDemoCa();
      for (const run of runs) {
        const { report, written } = await demoRun(io, outDir, run.name, run.faults, run.attestation, ca);
        // The conformant supplier's run is certified; the faulty supplier only vouches for itself.
        publications.push({ name: run.name, report, certify: run.faults.length === 0 });
        const exit = exitCodeOf(report);
        io.out(`\n3${run === runs[0] ? 'a' : 'b'}. Against ${run.title}`);
        io.out(await formatRunSummary(report));
        io.out(
          `${report.checks.length} checks, ${report.requests} requests in ${(report.durationMs / 1000).toFixed(1)} s; \`conform run\` would exit ${exit}.`,
        );
        io.out(`Reports: ${written.map((path) => relative(userCwd(), path) || path).join(', ')}`);
        if ((run.faults.length === 0) !== (exit === 0)) unexpected = true;
      }
      io.out(
        `\n4. Certifying the reference server (apps/reference-server) for ${DEMO_SPEC} over https (a certificate from the demo's CA): its FROM-scratch image in a throwaway container when a container engine answers, with the easy-exit round trip into a second, empty reference server.`,
      );
      const { certifyReferenceServer } = await import('./demo-reference.ts');
      const certified = await certifyReferenceServer(
        io,
        outDir,
        DEMO_SPEC,
        await writeDemoAttestation(
          outDir,
          'reference-server',
          'Council Conform project',
          'Council Conform reference server',
        ),
        ca,
      );
      publications.push({ name: 'reference-server', report: certified.report, certify: true });
      if (certified.where === 'in-process')
        io.out(
          `No container engine here (${certified.fallbackReason}), so the reference server ran in this process on embedded PGlite instead of in its container.`,
        );
      else
        io.out(
          'The reference server ran in its container, started through testcontainers and removed after.',
        );
      io.out(await formatRunSummary(certified.report));
      io.out(
        `${certified.report.checks.length} checks, ${certified.report.requests} requests in ${(certified.report.durationMs / 1000).toFixed(1)} s; \`conform run\` would exit ${exitCodeOf(certified.report)}.`,
      );
      io.out(`Reports: ${certified.written.map((path) => relative(userCwd(), path) || path).join(', ')}`);
      if (exitCodeOf(certified.report) !== 0) unexpected = true;
      io.out(
        '\n5. Signing the three reports (each by its supplier’s key; the conformant supplier and the reference server also by a demo certifier’s key) and publishing them to the dashboard (apps/dashboard) on embedded PGlite, through its ingest API as `conform publish` does.',
      );
      const demo = await startDemoDashboard(outDir, publications, Number(options.dashboardPort));
      io.out(
        formatTable(
          ['Product', 'Published as', 'Level', 'Signed report'],
          demo.published.map((p) => [
            p.product,
            p.status,
            publications.find((run) => run.name === p.name)?.report.level ?? '',
            relative(userCwd(), p.signedPath) || p.signedPath,
          ]),
        ),
      );
      io.out(
        `Verify one offline: pnpm conform verify ${relative(userCwd(), demo.published[0]?.signedPath ?? '') || '<file>'} --certifier-key ${relative(userCwd(), demo.certifierPublicKey)}`,
      );
      io.out(
        '\n6. Importing three London boroughs’ contracts registers (synthetic, LGA Contracts format, malformed rows included) as `conform contracts import` does, matched to the products by Companies House number.',
      );
      const procurement = await importDemoContracts(
        {
          url: demo.url,
          administratorToken: demoTokenOf(demo.credentials, 'administrator'),
          councilTokens: new Map(
            demo.credentials.flatMap((c) => (c.councilCode ? [[c.councilCode, c.token] as const] : [])),
          ),
        },
        { systemType: DEMO_SPEC },
      ).catch(async (error: unknown) => {
        await demo.close();
        throw error;
      });
      io.out(
        formatTable(
          ['Council', 'Register', 'Contracts', 'Rows refused'],
          procurement.imports.map((i) => [i.council, i.source, String(i.created), String(i.refused)]),
        ),
      );
      io.out(`Joint procurement windows for ${DEMO_SPEC}: ${procurement.timelineUrl}`);
      io.out(
        `\n7. The demo dashboard's accounts, each with its own credential (demo only: they end when the dashboard stops). Saved in ${relative(userCwd(), demo.credentialsPath) || demo.credentialsPath}; use one with --token, e.g. \`pnpm conform publish <file> --to ${demo.url} --token <a supplier's token>\`.`,
      );
      io.out(
        formatTable(
          ['Role', 'Account', 'Credential'],
          demo.credentials.map((c) => [
            c.kind,
            c.councilCode ? `${c.name} (${c.councilCode})` : c.name,
            c.token,
          ]),
        ),
      );
      io.out(
        `\nNext: \`pnpm conform run --help\`, \`pnpm conform mock --profile ${DEMO_SPEC}\`, docs/suppliers.md; \`pnpm conform clauses\`, \`pnpm conform specs\`.`,
      );
      if (unexpected) {
        io.err(
          'the demo runs did not come out as expected: the conformant mock and the reference server should exit 0, the faulty mock 1',
        );
        process.exitCode = 1;
      }
      if (unclean > 0) {
        io.err(
          `${unclean} reference spec(s) have lint findings: run \`pnpm conform lint specs/<id>/openapi.yaml\``,
        );
        process.exitCode = 1;
      }
      if (invalid > 0) {
        io.err(`${invalid} reference spec(s) are not valid OpenAPI 3.1`);
        process.exitCode = 1;
      }
      if (!options.serve) {
        await demo.close();
        io.out(`\nThe dashboard showed the league table at ${demo.url} and has stopped (--no-serve).`);
        return;
      }
      io.out(
        `\nThe dashboard is serving the demo’s results at ${demo.url} (league table, product pages, open data; the procurement timeline at ${procurement.timelineUrl}). Ctrl-C stops it.`,
      );
      await new Promise<void>((stop) => {
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await demo.close();
    });
}

/** The dashboard on the port asked for, or on any free one when that is taken (another demo, say). */
async function startDemoDashboard(outDir: string, runs: readonly DemoPublication[], port: number) {
  try {
    return await publishDemoResults(outDir, runs, { port, councils: DEMO_COUNCILS });
  } catch (error) {
    if (!/already in use/.test((error as Error).message)) throw error;
    return publishDemoResults(outDir, runs, { port: 0, councils: DEMO_COUNCILS });
  }
}

import { writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { CLAUSES } from '@council-conform/clauses';
import {
  type CliIo,
  conformRun,
  exitCodeOf,
  formatRunSummary,
  fromUserCwd,
  processIo,
  type RunOutcome,
  type RunSettings,
  UsageError,
  userCwd,
} from '@council-conform/cli';
import type { FaultId } from '@council-conform/mocks';
import { validateOpenApiStructure } from '@council-conform/openapi';
import type { PrivateCa } from '@council-conform/private-ca';
import type { RunReport } from '@council-conform/runner';
import { listSpecIds, loadSpec, specDir, summariseSpec } from '@council-conform/specs';
import type { Command } from 'commander';
import { DEMO_COUNCILS, DEMO_SUPPLIERS, importDemoContracts, writeDemoRegisters } from './demo-contracts.ts';
import {
  type DemoPublication,
  demoTokenOf,
  publishDemoResults,
  writeDemoAttestation,
} from './demo-dashboard.ts';
import {
  clausesTable,
  contractsTable,
  credentialsTable,
  DemoProgress,
  dataQualityTable,
  publishedTable,
  type ScheduledRow,
  type SpecRow,
  type StatisticsRow,
  scheduledTable,
  specsTable,
  statisticsTable,
  whereToLook,
} from './demo-output.ts';
import { createDemoCa, EXAMPLE_ATTESTATION } from './demo-reference.ts';

export const DEMO_SPEC = 'street-reports';
/** A fault a current check catches: personal records answered without a token. */
export const DEMO_FAULT: FaultId = 'personal-endpoint-open';

/** A demo supplier's mock, served while `use` runs it; each run writes the reports given in `outputs`. */
export async function withDemoMock<T>(
  io: CliIo,
  faults: readonly FaultId[],
  ca: PrivateCa,
  use: (run: (attestationPath: string, outputs: RunSettings['outputs']) => Promise<RunOutcome>) => Promise<T>,
): Promise<T> {
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
    return await use((attestationPath, outputs) => {
      // The demo's CA beside its reports, so each failed check's re-run command (in every report and on the
      // product page) names a file that exists: the command is the one a supplier would type.
      const reportDir = outputs.json === undefined ? userCwd() : dirname(outputs.json);
      const caFile = join(reportDir, 'demo-ca.pem');
      writeFileSync(caFile, ca.certificatePem);
      return conformRun(
        {
          profile: DEMO_SPEC,
          config,
          attestationPath,
          outputs,
          dryRun: false,
          rerunOrigin: { profile: DEMO_SPEC, config, cwd: userCwd(), caFile },
        },
        io,
        { progress: false, summary: false },
      );
    });
  } finally {
    await served.close();
  }
}

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
  return withDemoMock(io, faults, ca, (run) =>
    run(attestationPath, {
      json: join(outDir, `${name}.json`),
      html: join(outDir, `${name}.html`),
      junit: join(outDir, `${name}.junit.xml`),
      markdown: join(outDir, `${name}.md`),
    }),
  );
}

const STEPS = 7;

/** A standard's name without the versions and notes after it; "None (own design…)" as own design. */
const standardName = (name: string) => {
  const short = name.split(/ \(|;/)[0]?.trim() || name;
  return short === 'None' ? 'own design' : short;
};
const shown = (path: string) => relative(userCwd(), path) || path;

/** The quality of the records a run read, when the report measures it. */
function sayDataQuality(progress: DemoProgress, report: RunReport): void {
  if (!report.dataQuality || report.dataQuality.datasets.length === 0) return;
  progress.say('Quality of the data the run read (share of records with valid identifiers, and more):');
  progress.say(dataQualityTable(report.dataQuality));
}

/** The counts line under a run's summary, in plain words. */
const runCounts = (report: RunReport) =>
  `${report.checks.length} checks, ${report.requests} requests in ${(report.durationMs / 1000).toFixed(1)} s; \`conform run\` would exit ${exitCodeOf(report)}.`;

/**
 * The README's first command ends here. Each capability the project gains adds its step, so the demo is
 * always the quickest honest tour of what Council Conform does today. It says what it is doing as it goes,
 * in words a council officer uses, and ends with the pages to open.
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
    .option('--scheduled-runs <n>', 'scheduled runs of each product, as LOTI’s monitor makes them', '3')
    .option('--verbose', 'also say how each step works (engines, databases, modes)')
    .option('--no-serve', 'stop once the results are published instead of serving the dashboard until Ctrl-C')
    .action(
      async (options: {
        out: string;
        dashboardPort: string;
        scheduledRuns: string;
        verbose?: boolean;
        serve: boolean;
      }) => {
        const scheduledRuns = Number(options.scheduledRuns);
        if (!Number.isInteger(scheduledRuns) || scheduledRuns < 0 || scheduledRuns > 20)
          throw new UsageError(
            'SCHEDULED_RUNS_INVALID',
            `--scheduled-runs: give a whole number from 0 to 20, not "${options.scheduledRuns}"`,
          );
        await runDemo(io, { ...options, scheduledRuns, verbose: options.verbose === true });
      },
    );
}

interface DemoOptions {
  readonly out: string;
  readonly dashboardPort: string;
  readonly scheduledRuns: number;
  readonly verbose: boolean;
  readonly serve: boolean;
}

async function runDemo(io: CliIo, options: DemoOptions): Promise<void> {
  const progress = new DemoProgress(io, STEPS, {
    verbose: options.verbose,
    // On a terminal, beats come from a thread of their own, so a busy moment cannot silence them.
    heartbeat: io === processIo ? { kind: 'thread', fd: 1 } : { kind: 'timer' },
  });
  try {
    await tour(io, progress, options);
  } finally {
    await progress.close();
  }
}

async function tour(io: CliIo, progress: DemoProgress, options: DemoOptions): Promise<void> {
  // conform run's own notes (a skipped check's reason, say) are developer detail here.
  const quiet: CliIo = { out: (text) => progress.detail(text), err: (text) => progress.detail(text) };
  progress.say(
    'Council Conform demo: how suppliers’ APIs are judged against the Local Gov Digital Procurement Checklist, published for councils, and matched to the contracts councils hold. It takes a few minutes.',
  );
  let unexpected = false;

  await progress.step(1, 'The checklist every product is judged against', async () => {
    const automated = CLAUSES.filter((clause) => clause.assessment !== 'attested').length;
    progress.say(
      `${CLAUSES.length} clauses: ${automated} judged (at least in part) by automated checks of the API, the rest by the supplier’s signed statement.`,
    );
    progress.say(clausesTable(CLAUSES));
  });

  const { invalid, unclean } = await progress.step(
    2,
    'The reference API descriptions, one per kind of council system, checked',
    async () => {
      progress.say('Each is checked against the OpenAPI 3.1 standard and the Council API rules.');
      progress.detail(
        'each spec bundled with the Council API Baseline, then `conform lint` with its profile',
      );
      progress.doing('loading the Council API rules');
      const { lintDescription } = await import('@council-conform/ruleset');
      const rows: SpecRow[] = [];
      const ids = listSpecIds();
      for (const [index, id] of ids.entries()) {
        progress.doing(`checking ${id} (${index + 1} of ${ids.length})`);
        const spec = await loadSpec(id);
        const problems = await validateOpenApiStructure(spec.document);
        const lint = await lintDescription(join(specDir(id), 'openapi.yaml'), {
          profile: { id, requiredOperations: spec.profile.operations.required },
          cwd: resolve(specDir(id), '..', '..'),
        });
        const summary = summariseSpec(spec);
        rows.push({
          id: summary.id,
          version: summary.version,
          operations: summary.operations,
          datasets: summary.datasets.length,
          // The standard's name, without the versions and notes that follow it.
          standard: standardName(spec.profile.standard.name),
          problems: problems.length,
          findings: lint.findings.length,
        });
      }
      progress.say(specsTable(rows));
      return {
        invalid: rows.filter((r) => r.problems > 0).length,
        unclean: rows.filter((r) => r.findings > 0).length,
      };
    },
  );

  const outDir = fromUserCwd(options.out);
  const ca = createDemoCa();
  const { getFault } = await import('@council-conform/mocks');
  // Each run is its own (invented) supplier's product, so the dashboard can rank them.
  const [example, leaky, project] = DEMO_SUPPLIERS;
  const mocks = [
    {
      name: 'conformant',
      product: example.product,
      title: `${example.product}, from ${example.name}: an invented supplier that does everything right`,
      faults: [] as FaultId[],
      attestation: EXAMPLE_ATTESTATION,
    },
    {
      name: `faulty-${DEMO_FAULT}`,
      product: leaky.product,
      title: `${leaky.product}, from ${leaky.name}: an invented supplier with a fault (${getFault(DEMO_FAULT).story.replace(/\.$/, '').toLowerCase()})`,
      faults: [DEMO_FAULT],
      attestation: await writeDemoAttestation(outDir, 'faulty', leaky.name, leaky.product),
    },
  ];
  const publications: DemoPublication[] = [];
  await progress.step(
    3,
    `Checking two invented suppliers’ ${DEMO_SPEC} APIs, as a council would before buying`,
    async () => {
      progress.detail(
        `mock ${DEMO_SPEC} suppliers on 127.0.0.1 over https (a certificate from a private CA made for the demo, which the runs trust), sandbox mode at 250 requests/s, the example attestation (docs/examples/attestation.yaml), the easy-exit round trip into a second, empty implementation`,
      );
      for (const mock of mocks) {
        progress.doing(`checking ${mock.title.split(':')[0]}`);
        const { report, written } = await demoRun(
          quiet,
          outDir,
          mock.name,
          mock.faults,
          mock.attestation,
          ca,
        );
        // The conformant supplier's run is certified; the faulty supplier only vouches for itself.
        publications.push({ name: mock.name, report, certify: mock.faults.length === 0 });
        progress.say(`\n${mock.title}`);
        progress.say(await formatRunSummary(report));
        progress.say(runCounts(report));
        sayDataQuality(progress, report);
        progress.say(`Reports: ${written.map(shown).join(', ')}`);
        if ((mock.faults.length === 0) !== (exitCodeOf(report) === 0)) unexpected = true;
      }
    },
  );

  // The reference server's start, in plain words, with how it starts for --verbose.
  const onPhase = (what: string, detail?: string) => {
    progress.doing(what);
    if (detail) progress.detail(detail);
  };
  const referenceAttestation = await writeDemoAttestation(
    outDir,
    'reference-server',
    project.name,
    project.product,
  );
  await progress.step(4, `Certifying the project's own reference server for ${DEMO_SPEC}`, async () => {
    progress.doing('getting the reference server ready');
    const { certifyReferenceServer } = await import('./demo-reference.ts');
    const certified = await certifyReferenceServer(
      quiet,
      outDir,
      DEMO_SPEC,
      referenceAttestation,
      ca,
      onPhase,
    );
    publications.push({ name: 'reference-server', report: certified.report, certify: true });
    progress.say(
      certified.where === 'container'
        ? '\nThe reference server ran in its own container, removed afterwards.'
        : '\nThe reference server ran on this computer (no container engine here: `bash scripts/system-setup.sh` installs one).',
    );
    progress.say(await formatRunSummary(certified.report));
    progress.say(runCounts(certified.report));
    sayDataQuality(progress, certified.report);
    progress.say(`Reports: ${certified.written.map(shown).join(', ')}`);
    if (exitCodeOf(certified.report) !== 0) unexpected = true;
  });

  const demo = await progress.step(
    5,
    'Signing the results and publishing them on the dashboard',
    async () => {
      progress.doing('starting the dashboard and its database');
      progress.detail(
        'apps/dashboard on embedded PGlite; each report signed by its supplier’s key, the conformant supplier’s and the reference server’s also by a demo certifier’s key, published through the ingest API as `conform publish` does',
      );
      const started = await startDemoDashboard(outDir, publications, Number(options.dashboardPort));
      progress.say(
        publishedTable(
          started.published.map((p) => {
            const report = publications.find((run) => run.name === p.name)?.report;
            return {
              product: p.product,
              supplier: report?.attestation?.supplier ?? '',
              level: report?.level ?? '',
              status: p.status,
            };
          }),
        ),
      );
      progress.say(
        `Each signed report is in ${shown(outDir)}; check one without the dashboard: pnpm conform verify ${shown(started.published[0]?.signedPath ?? '<file>')} --certifier-key ${shown(started.certifierPublicKey)}`,
      );
      progress.say(
        `\nThe dashboard's accounts, each with its own credential (demo only: they end when the dashboard stops), saved in ${shown(started.credentialsPath)}:`,
      );
      progress.say(credentialsTable(started.credentials));
      return started;
    },
  );

  try {
    const procurement = await progress.step(
      6,
      `Importing ${DEMO_COUNCILS.length} councils’ contracts registers and matching them to the products`,
      async () => {
        progress.doing(
          'writing and importing each council’s register (invented, in the LGA Contracts format)',
        );
        progress.detail(
          'as `conform contracts import` does, with each council’s own credential; contracts matched to products by Companies House number',
        );
        const registers = await writeDemoRegisters(join(outDir, 'registers'), new Date());
        const imported = await importDemoContracts(
          {
            url: demo.url,
            administratorToken: demoTokenOf(demo.credentials, 'administrator'),
            councilTokens: new Map(
              demo.credentials.flatMap((c) => (c.councilCode ? [[c.councilCode, c.token] as const] : [])),
            ),
          },
          { systemType: DEMO_SPEC, registers, suppliers: DEMO_SUPPLIERS },
        );
        progress.say(contractsTable(imported.imports));
        progress.say(
          `A refused row is one a person must correct in the council's register (each is listed by line). Registers: ${shown(join(outDir, 'registers'))}`,
        );
        return imported;
      },
    );

    await progress.step(
      7,
      `Scheduled checks, as LOTI’s monitor makes them: ${scheduledRunsText(options.scheduledRuns)} of each product`,
      async () => {
        progress.detail(
          'each run signed by the demo certifier’s key as evidence (evidenceOnly), published with the certifier’s credential, as `conform worker` publishes LOTI’s sweep',
        );
        const rows: ScheduledRow[] = [];
        const schedule = async (product: string, run: () => Promise<RunOutcome>) => {
          const levels: string[] = [];
          let requests = 0;
          for (let round = 1; round <= options.scheduledRuns; round += 1) {
            progress.doing(`checking ${product}, run ${round} of ${options.scheduledRuns}`);
            const { report } = await run();
            await demo.publishScheduled(report);
            levels.push(report.level);
            requests += report.requests;
          }
          rows.push({ product, levels, requests });
        };
        if (options.scheduledRuns > 0) {
          for (const mock of mocks)
            await withDemoMock(quiet, mock.faults, ca, (run) =>
              schedule(mock.product, () => run(mock.attestation, {})),
            );
          progress.doing('getting the reference server ready');
          const { withReferenceServer } = await import('./demo-reference.ts');
          await withReferenceServer(quiet, DEMO_SPEC, ca, onPhase, (target) =>
            schedule(project.product, () => target.run(referenceAttestation, {})),
          );
          progress.say(scheduledTable(rows));
        }
        const statistics = await serviceStatistics(demo.url);
        if (statistics.length > 0) {
          progress.say(
            '\nService statistics over the last 30 days, from every published run’s requests (as on each product page):',
          );
          progress.say(statisticsTable(statistics));
        }
      },
    );

    const council = DEMO_COUNCILS[0];
    const conformant = demo.published.find((p) => p.name === 'conformant') ?? demo.published[0];
    progress.say('');
    progress.say(
      whereToLook({
        leagueTable: demo.url,
        product: { name: conformant?.product ?? 'a product', url: conformant?.productUrl ?? demo.url },
        timeline: procurement.timelineUrl,
        council: {
          name: council?.name ?? 'a council',
          url: new URL(`/procurement/councils/${council?.code ?? ''}`, demo.url).toString(),
        },
        openData: new URL('/data/league-table.csv', demo.url).toString(),
        statistics: new URL('/data/service-statistics.csv', demo.url).toString(),
        credentialsPath: shown(demo.credentialsPath),
      }),
    );
    progress.say(
      `Publish, review or import with one: \`pnpm conform publish <file> --to ${demo.url} --token <a supplier's token>\`.`,
    );
    progress.say(
      `\nNext: \`pnpm conform run --help\`, \`pnpm conform mock --profile ${DEMO_SPEC}\`, docs/suppliers.md; \`pnpm conform clauses\`, \`pnpm conform specs\`.`,
    );
  } catch (error) {
    await demo.close();
    throw error;
  }
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
    progress.say(
      `\nThe dashboard has stopped (--no-serve); without it, it serves at ${demo.url} until Ctrl-C.`,
    );
    return;
  }
  progress.say(`\nThe dashboard is serving the demo’s results at ${demo.url}. Ctrl-C stops it.`);
  await new Promise<void>((stop) => {
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await demo.close();
}

const scheduledRunsText = (n: number) => (n === 1 ? 'one run' : `${n} runs`);

/** The 30-day service statistics of every listed product, as the dashboard publishes them as open data. */
async function serviceStatistics(dashboardUrl: string): Promise<StatisticsRow[]> {
  const response = await fetch(new URL('/data/service-statistics.json', dashboardUrl));
  if (!response.ok) return [];
  const body = (await response.json()) as { statistics?: Record<string, unknown>[] };
  const number = (value: unknown) => (typeof value === 'number' ? value : null);
  return (body.statistics ?? [])
    .filter((record) => record.window_days === 30)
    .map((record) => ({
      product: String(record.product ?? ''),
      runs: number(record.runs) ?? 0,
      exchanges: number(record.exchanges) ?? 0,
      availability: number(record.availability),
      errorRate: number(record.error_rate),
      medianMs: number(record.median_ms),
      p95Ms: number(record.p95_ms),
    }));
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

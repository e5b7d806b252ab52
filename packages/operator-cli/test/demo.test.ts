import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLAUSES } from '@council-conform/clauses';
import { formatRunSummary } from '@council-conform/cli';
import { expiryTimeline } from '@council-conform/dashboard';
import type { RunReport } from '@council-conform/runner';
import { listSpecIds, loadSpec, summariseSpec } from '@council-conform/specs';
import { BUDGET } from '@council-conform/test-budgets';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEMO_FAULT, demoRun } from '../src/commands/demo.ts';
import {
  DEMO_COUNCILS,
  DEMO_SUPPLIERS,
  type DemoContracts,
  importDemoContracts,
  quarterEndAfter,
  writeDemoRegisters,
} from '../src/commands/demo-contracts.ts';
import {
  type PublishedDemo,
  publishDemoResults,
  writeDemoAttestation,
} from '../src/commands/demo-dashboard.ts';
import {
  clausesTable,
  contractsTable,
  credentialsTable,
  DEMO_WIDTH,
  DemoProgress,
  dataQualityTable,
  fitTable,
  fitText,
  publishedTable,
  scheduledTable,
  specsTable,
  statisticsTable,
  whereToLook,
} from '../src/commands/demo-output.ts';
import { createDemoCa, EXAMPLE_ATTESTATION } from '../src/commands/demo-reference.ts';
import { capture } from './support.ts';

/** Words a council officer would not know, kept to --verbose. */
const DEVELOPER_WORDS = /FROM-scratch|testcontainers|PGlite/i;
const tooWide = (text: string) => text.split('\n').filter((line) => line.length > DEMO_WIDTH);

describe('the demo’s output', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('wraps a table wider than the terminal, keeping every cell’s text', () => {
    const wide = [
      'hereditaments, open_data, accounts, reliefs, charges, more datasets than any column can hold in one line',
      'VOA rating list, as the Valuation Office Agency publishes it',
    ];
    const table = fitTable(['Spec', 'Datasets', 'Aligned to'], [['business-rates', ...wide]]);
    expect(tooWide(table)).toEqual([]);
    const words = table.split(/\s+/);
    for (const cell of wide) for (const word of cell.split(' ')) expect(words).toContain(word);
    // A table that fits is laid out as formatTable lays it out.
    expect(fitTable(['A', 'B'], [['1', 'two']])).toBe('A  B\n-  ---\n1  two');
  });

  it('wraps a long line with its continuation indented under it', () => {
    const line = `  - ${'word '.repeat(40)}`;
    const [first, second, ...rest] = fitText(line, 40).split('\n');
    expect(first?.startsWith('  - word')).toBe(true);
    expect(second?.startsWith('    word')).toBe(true);
    for (const piece of [first, second, ...rest]) expect(piece?.length).toBeLessThanOrEqual(40);
    // A word longer than the width is cut rather than left sticking out.
    expect(
      fitText('x'.repeat(250))
        .split('\n')
        .map((l) => l.length),
    ).toEqual([100, 100, 54]);
  });

  it('says when a step starts and ends with its seconds, and beats at least every 5 s while it works', async () => {
    vi.useFakeTimers();
    const io = capture();
    const progress = new DemoProgress(io, 7);
    let finish: () => void = () => undefined;
    const step = progress.step(4, 'Certifying the reference server', async () => {
      progress.doing("building the reference supplier's container");
      progress.detail('FROM-scratch image through testcontainers');
      await new Promise<void>((resolve) => {
        finish = resolve;
      });
      return 'certified';
    });
    await vi.advanceTimersByTimeAsync(12_000);
    finish();
    expect(await step).toBe('certified');
    expect(io.stdout().trim().split('\n')).toEqual([
      '[4/7] Certifying the reference server',
      "  building the reference supplier's container…",
      "  … still building the reference supplier's container (5.0 s)",
      "  … still building the reference supplier's container (10.0 s)",
      '[4/7] done in 12.0 s',
    ]);
    // No beat once the step is over.
    await vi.advanceTimersByTimeAsync(20_000);
    expect(io.stdout()).not.toContain('20.0 s');

    const verbose = capture();
    new DemoProgress(verbose, 7, { verbose: true }).detail('embedded PGlite');
    expect(verbose.stdout()).toContain('[detail] embedded PGlite');
  });

  it('says where it stopped when a step fails, and stops beating', async () => {
    vi.useFakeTimers();
    const io = capture();
    const progress = new DemoProgress(io, 7);
    const failing = progress.step(6, 'Importing the registers', async () => {
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      throw new Error('the dashboard refused Camden’s register');
    });
    const outcome = expect(failing).rejects.toThrow('refused Camden');
    await vi.advanceTimersByTimeAsync(3_000);
    await outcome;
    expect(io.stdout()).toContain('[6/7] stopped after 3.0 s');
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('the demo’s registers', () => {
  it('end quarters from today, so the timeline always looks ahead', () => {
    expect(quarterEndAfter(new Date('2026-12-07T05:00:00Z'), 1)).toBe('2027-03-31');
    expect(quarterEndAfter(new Date('2026-12-07T05:00:00Z'), 4)).toBe('2027-12-31');
    expect(quarterEndAfter(new Date('2027-02-28T23:00:00Z'), 1)).toBe('2027-06-30');
    expect(quarterEndAfter(new Date('2027-04-01T00:00:00Z'), 0)).toBe('2027-06-30');
  });
});

/**
 * The demo's data, loaded as the demo loads it: its suppliers' runs (the reference server's product judged
 * on a mock here, since only its name matters to procurement), published to the dashboard, the councils'
 * registers imported, one scheduled run published as LOTI's monitor does.
 */
describe('after the demo’s data is loaded', () => {
  let dir: string;
  let demo: PublishedDemo;
  let procurement: DemoContracts;
  let reports: RunReport[];
  const now = new Date();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'conform-demo-'));
    const ca = createDemoCa();
    const io = capture();
    const [example, leaky, project] = DEMO_SUPPLIERS;
    const runs = [
      { name: 'conformant', faults: [], attestation: EXAMPLE_ATTESTATION, certify: true },
      {
        name: 'faulty',
        faults: [DEMO_FAULT],
        attestation: await writeDemoAttestation(dir, 'faulty', leaky.name, leaky.product),
        certify: false,
      },
      {
        name: 'reference-server',
        faults: [],
        attestation: await writeDemoAttestation(dir, 'reference-server', project.name, project.product),
        certify: true,
      },
    ];
    reports = [];
    for (const run of runs)
      reports.push((await demoRun(io, dir, run.name, run.faults, run.attestation, ca)).report);
    expect(reports.map((r) => r.attestation?.product)).toEqual([
      example.product,
      leaky.product,
      project.product,
    ]);
    demo = await publishDemoResults(
      dir,
      runs.map((run, index) => ({
        name: run.name,
        report: reports[index] as RunReport,
        certify: run.certify,
      })),
      { port: 0, councils: DEMO_COUNCILS },
    );
    procurement = await importDemoContracts(
      {
        url: demo.url,
        administratorToken: demo.credentials.find((c) => c.kind === 'administrator')?.token as string,
        councilTokens: new Map(
          demo.credentials.flatMap((c) => (c.councilCode ? [[c.councilCode, c.token] as const] : [])),
        ),
      },
      {
        systemType: 'street-reports',
        registers: await writeDemoRegisters(join(dir, 'registers'), now),
        suppliers: DEMO_SUPPLIERS,
      },
    );
    await demo.publishScheduled(reports[0] as RunReport);
  }, BUDGET.realRun);

  afterAll(async () => {
    await demo?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const contracts = async () => {
    const response = await fetch(new URL('/data/contracts.json', demo.url));
    expect(response.status).toBe(200);
    return ((await response.json()) as { contracts: Record<string, string | null>[] }).contracts;
  };

  it('matches each demo product to at least one council contract', async () => {
    const all = await contracts();
    expect(demo.published).toHaveLength(3);
    for (const product of demo.published) {
      const path = new URL(product.productUrl).pathname;
      const matched = all.filter((c) => c.product_page === path);
      expect(matched.length, `${product.product} has no council contract`).toBeGreaterThan(0);
      expect(matched.every((c) => c.matched_by === 'companies-house')).toBe(true);
    }
  });

  it('leaves one or two contracts for a person to review, and shows a joint procurement window', async () => {
    const all = await contracts();
    const toReview = all.filter((c) => c.product === null && c.system_type === null);
    expect(toReview.map((c) => c.contract_reference).sort()).toEqual(['ISL/2021/118', 'SWK/0310']);
    const streetReports = all
      .filter((c) => c.system_type === 'street-reports')
      .map((c) => ({
        council: { code: c.council_code as string, name: c.council_name as string },
        endDate: c.end_date ?? null,
        reference: c.contract_reference,
      }));
    expect(streetReports.length).toBeGreaterThanOrEqual(5);
    const timeline = expiryTimeline(streetReports, now);
    expect(timeline.ended).toEqual([]);
    expect(timeline.windows.map((w) => w.councils.map((c) => c.name))).toEqual([
      ['Camden', 'Hackney'],
      ['Islington', 'Southwark'],
    ]);
    // The timeline page is there to open.
    expect((await fetch(procurement.timelineUrl)).status).toBe(200);
  });

  it('prints every section within 100 columns, in words a council officer knows', async () => {
    const io = capture();
    const progress = new DemoProgress(io, 7);
    progress.say(clausesTable(CLAUSES));
    const specs = await Promise.all(listSpecIds().map(async (id) => summariseSpec(await loadSpec(id))));
    progress.say(
      specsTable(
        specs.map((s) => ({
          id: s.id,
          version: s.version,
          operations: s.operations,
          datasets: s.datasets.length,
          standard: s.standard,
          problems: 0,
          findings: 2,
        })),
      ),
    );
    for (const report of reports) {
      progress.say(await formatRunSummary(report));
      // Each run measures the quality of what it read: street reports carry UPRNs and USRNs.
      expect(report.dataQuality?.datasets.length).toBeGreaterThan(0);
      progress.say(dataQualityTable(report.dataQuality as NonNullable<RunReport['dataQuality']>));
    }
    progress.say(
      publishedTable(
        demo.published.map((p, index) => ({
          product: p.product,
          supplier: reports[index]?.attestation?.supplier ?? '',
          level: reports[index]?.level ?? '',
          status: p.status,
        })),
      ),
    );
    progress.say(credentialsTable(demo.credentials));
    progress.say(contractsTable(procurement.imports));
    progress.say(
      scheduledTable(
        demo.published.map((p) => ({ product: p.product, levels: ['gold', 'gold', 'none'], requests: 480 })),
      ),
    );
    progress.say(
      statisticsTable(
        demo.published.map((p) => ({
          product: p.product,
          runs: 4,
          exchanges: 640,
          availability: 0.996875,
          errorRate: 0.003125,
          medianMs: 3.4,
          p95Ms: 41,
        })),
      ),
    );
    const conformant = demo.published[0];
    progress.say(
      whereToLook({
        leagueTable: demo.url,
        product: { name: conformant?.product ?? '', url: conformant?.productUrl ?? '' },
        timeline: procurement.timelineUrl,
        council: { name: 'Camden', url: new URL('/procurement/councils/E09000007', demo.url).toString() },
        openData: new URL('/data/league-table.csv', demo.url).toString(),
        statistics: new URL('/data/service-statistics.csv', demo.url).toString(),
        credentialsPath: join(dir, 'credentials.json'),
      }),
    );
    const output = io.stdout();
    expect(output).toContain('Camden');
    expect(output).toMatch(/^Reports +\d+ +\d+% +\d+% +n\/a /m);
    expect(output).toContain(conformant?.productUrl);
    expect(tooWide(output)).toEqual([]);
    expect(output).not.toMatch(DEVELOPER_WORDS);
  });
});

describe('the demo’s heartbeat on a thread of its own', () => {
  it('beats while this thread is too busy to run a timer', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'conform-demo-beat-'));
    const file = join(dir, 'out.txt');
    const fd = openSync(file, 'w');
    const io = { out: (text: string) => writeSync(fd, `${text}\n`), err: () => undefined };
    const progress = new DemoProgress(io, 7, { heartbeat: { kind: 'thread', fd }, heartbeatMs: 100 });
    try {
      await progress.step(5, 'Starting the dashboard', async () => {
        progress.doing("starting the dashboard's database");
        // Busy, as compiling WebAssembly is: no timer of this thread can fire until the beat is written.
        const until = Date.now() + BUDGET.settle;
        while (!readFileSync(file, 'utf8').includes('… still') && Date.now() < until) {
          /* busy */
        }
      });
    } finally {
      await progress.close();
      closeSync(fd);
    }
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines.slice(0, 3)).toEqual([
      '[5/7] Starting the dashboard',
      "  starting the dashboard's database…",
      expect.stringMatching(/^ {2}… still starting the dashboard's database \(\d+\.\d s\)$/),
    ]);
    expect(lines.at(-1)).toMatch(/^\[5\/7\] done in \d+\.\d s$/);
    await rm(dir, { recursive: true, force: true });
  });
});

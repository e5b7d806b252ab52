import { Worker } from 'node:worker_threads';
import type { CliIo } from '@council-conform/cli';
import type { RunReport } from '@council-conform/runner';

/** The demo's output fits a terminal this wide: an officer's laptop, a projector, a narrow window. */
export const DEMO_WIDTH = 100;
/** Longest the demo stays silent while a step works. */
export const HEARTBEAT_MS = 5_000;

/** Cuts `text` into pieces of at most `width` characters, at spaces where it can, mid-word where it must. */
function breakWords(text: string, width: number): string[] {
  const pieces: string[] = [];
  let rest = text.trimEnd();
  while (rest.length > width) {
    const space = rest.lastIndexOf(' ', width);
    const cut = space > 0 ? space : width;
    pieces.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  pieces.push(rest);
  return pieces;
}

/**
 * Each line of `text` wrapped to `width`: a continuation is indented two more than the line it continues, so
 * a wrapped list item still reads as one.
 */
export function fitText(text: string, width = DEMO_WIDTH): string {
  return text
    .split('\n')
    .flatMap((line) => {
      if (line.length <= width) return [line];
      const indent = /^ */.exec(line)?.[0] ?? '';
      const hanging = `${indent}  `;
      const text = line.slice(indent.length);
      const first = breakWords(text, width - indent.length)[0] ?? '';
      // The rest from the text itself: rejoining the pieces would put a space where a word was cut.
      const rest = text.slice(first.length).trimStart();
      return [
        `${indent}${first}`,
        ...breakWords(rest, width - hanging.length).map((piece) => `${hanging}${piece}`),
      ];
    })
    .join('\n');
}

/**
 * A plain-text table no wider than `width`: while it is too wide, the widest column narrows and its cells
 * wrap onto more lines (at spaces where they can), so nothing is cut off. Columns as `formatTable` lays them.
 */
export function fitTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  width = DEMO_WIDTH,
): string {
  const gap = 2;
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const total = () => widths.reduce((sum, w) => sum + w, 0) + gap * (widths.length - 1);
  // No column narrower than 6, so a wrapped cell keeps a few characters a line.
  while (total() > width) {
    const widest = widths.indexOf(Math.max(...widths));
    if ((widths[widest] ?? 0) <= 6) break;
    widths[widest] = (widths[widest] ?? 0) - 1;
  }
  const render = (cells: readonly string[]) => {
    const wrapped = widths.map((w, column) => breakWords(cells[column] ?? '', w));
    const height = Math.max(...wrapped.map((lines) => lines.length));
    return Array.from({ length: height }, (_, line) =>
      wrapped
        .map((lines, column) =>
          column === wrapped.length - 1
            ? (lines[line] ?? '')
            : (lines[line] ?? '').padEnd(widths[column] ?? 0),
        )
        .join(' '.repeat(gap))
        .trimEnd(),
    ).join('\n');
  };
  return [render(headers), widths.map((w) => '-'.repeat(w)).join(' '.repeat(gap)), ...rows.map(render)].join(
    '\n',
  );
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
/** Room left on a heartbeat line for its seconds, " (1234.5 s)". */
const SECONDS_ROOM = 12;

/** What the heartbeat repeats while a step works: the line's text and when what it says began. */
interface Beat {
  readonly label: string;
  readonly since: number;
}

/**
 * Where the heartbeat comes from. `timer`: a timer on this thread, which a busy thread delays (tests, with
 * fake timers). `thread`: a worker thread writing straight to a file descriptor, which beats even while this
 * thread is busy: starting an embedded database compiles WebAssembly for tens of seconds without yielding.
 */
export type HeartbeatSource = { readonly kind: 'timer' } | { readonly kind: 'thread'; readonly fd: number };

/** The worker thread's code: the same rule as the timer, with its own clock. CommonJS, as `eval` runs it. */
const HEARTBEAT_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
let beat = null;
let lastOutput = Date.now();
parentPort.on('message', (message) => {
  beat = message.beat;
  lastOutput = message.lastOutput;
});
setInterval(() => {
  const now = Date.now();
  if (!beat || now - lastOutput < workerData.intervalMs) return;
  lastOutput = now;
  try {
    writeSync(workerData.fd, beat.label + ' (' + ((now - beat.since) / 1000).toFixed(1) + ' s)\\n');
  } catch {
    // The output closed (the demo piped into head, say): the beats end quietly with it.
    beat = null;
  }
}, workerData.tickMs);
`;

/**
 * What the demo says while it works: each step's start and end with the seconds it took, what it is doing
 * now, and a heartbeat whenever it has said nothing for `HEARTBEAT_MS` while a step works, so it is never
 * silent for long. Every line is fitted to `DEMO_WIDTH`. Developer detail goes to `detail`, shown with
 * --verbose only.
 */
export class DemoProgress {
  private beat: Beat | null = null;
  private lastOutput = Date.now();
  private timer: ReturnType<typeof setInterval> | undefined;
  private thread: Worker | undefined;
  private readonly intervalMs: number;

  constructor(
    private readonly io: CliIo,
    private readonly steps: number,
    private readonly options: {
      readonly verbose?: boolean;
      readonly heartbeatMs?: number;
      readonly heartbeat?: HeartbeatSource;
    } = {},
  ) {
    this.intervalMs = options.heartbeatMs ?? HEARTBEAT_MS;
  }

  /** Prose or a table, fitted to the demo's width. */
  say(text: string): void {
    this.io.out(fitText(text));
    this.lastOutput = Date.now();
    this.tellThread();
  }

  /** Detail for developers (which engine, which database, which mode): shown with --verbose. */
  detail(text: string): void {
    if (this.options.verbose) this.say(`  [detail] ${text}`);
  }

  /** Says what the step is doing now; the heartbeat repeats it while it lasts. */
  doing(what: string): void {
    this.beat = { label: heartbeatLabel(what), since: Date.now() };
    this.say(`  ${what}…`);
  }

  /** Runs one numbered step, saying when it starts and ends, with a heartbeat in between. */
  async step<T>(number: number, title: string, work: () => Promise<T>): Promise<T> {
    const started = Date.now();
    this.beat = { label: '  … still working', since: started };
    this.say(`\n[${number}/${this.steps}] ${title}`);
    this.startBeating();
    try {
      const result = await work();
      this.stopBeating();
      this.say(`[${number}/${this.steps}] done in ${seconds(Date.now() - started)}`);
      return result;
    } catch (error) {
      this.stopBeating();
      this.say(`[${number}/${this.steps}] stopped after ${seconds(Date.now() - started)}`);
      throw error;
    }
  }

  /** Ends the heartbeat's thread, if it has one. */
  async close(): Promise<void> {
    this.stopBeating();
    await this.thread?.terminate();
    this.thread = undefined;
  }

  private startBeating(): void {
    const source = this.options.heartbeat ?? { kind: 'timer' };
    // A tick well inside the interval, so a beat comes soon after the interval of silence ends.
    const tickMs = Math.max(10, Math.min(250, Math.floor(this.intervalMs / 4)));
    if (source.kind === 'thread') {
      if (!this.thread) {
        this.thread = new Worker(HEARTBEAT_THREAD, {
          eval: true,
          workerData: { fd: source.fd, intervalMs: this.intervalMs, tickMs },
        });
        // Never what keeps the demo running.
        this.thread.unref();
      }
      this.tellThread();
      return;
    }
    this.timer = setInterval(() => {
      const now = Date.now();
      if (!this.beat || now - this.lastOutput < this.intervalMs) return;
      this.io.out(`${this.beat.label} (${seconds(now - this.beat.since)})`);
      this.lastOutput = now;
    }, tickMs);
  }

  private stopBeating(): void {
    this.beat = null;
    clearInterval(this.timer);
    this.timer = undefined;
    this.tellThread();
  }

  private tellThread(): void {
    this.thread?.postMessage({ beat: this.beat, lastOutput: this.lastOutput });
  }
}

/** "  … still <what>", shortened so that the seconds after it stay within the demo's width. */
function heartbeatLabel(what: string): string {
  const label = `  … still ${what}`;
  const room = DEMO_WIDTH - SECONDS_ROOM;
  return label.length <= room ? label : `${label.slice(0, room - 1)}…`;
}

// ---- The demo's sections, as plain functions of what the demo found, so a test can print them from a record.

const JUDGED_BY: Record<string, string> = {
  automated: 'automated checks',
  attested: 'the supplier’s signed statement',
  both: 'automated checks and the supplier’s statement',
};

export function clausesTable(
  clauses: readonly { readonly number: number; readonly title: string; readonly assessment: string }[],
): string {
  return fitTable(
    ['#', 'Clause', 'Judged by'],
    clauses.map((c) => [String(c.number), c.title, JUDGED_BY[c.assessment] ?? c.assessment]),
  );
}

export interface SpecRow {
  readonly id: string;
  readonly version: string;
  readonly operations: number;
  readonly datasets: number;
  readonly standard: string;
  readonly problems: number;
  readonly findings: number;
}

export function specsTable(specs: readonly SpecRow[]): string {
  return fitTable(
    ['System type', 'Version', 'Operations', 'Datasets', 'Based on', 'Result'],
    specs.map((s) => [
      s.id,
      s.version,
      String(s.operations),
      String(s.datasets),
      s.standard,
      s.problems === 0 && s.findings === 0
        ? 'sound'
        : [s.problems > 0 ? `${s.problems} problems` : '', s.findings > 0 ? `${s.findings} findings` : '']
            .filter(Boolean)
            .join(', '),
    ]),
  );
}

/** A report's level as the dashboard names it: Gold, Silver, Bronze, or no level. */
export const levelName = (level: string) =>
  level === 'none' || level === '' ? 'no level' : `${level[0]?.toUpperCase()}${level.slice(1)}`;

export interface PublishedRow {
  readonly product: string;
  readonly supplier: string;
  readonly level: string;
  readonly status: string;
}

export function publishedTable(rows: readonly PublishedRow[]): string {
  return fitTable(
    ['Product', 'Supplier', 'Level', 'Listed as'],
    rows.map((r) => [r.product, r.supplier, levelName(r.level), r.status]),
  );
}

export function contractsTable(
  imports: readonly { council: string; source: string; created: number; refused: number }[],
): string {
  return fitTable(
    ['Council', 'Register', 'Contracts', 'Rows refused'],
    imports.map((i) => [i.council, i.source, String(i.created), String(i.refused)]),
  );
}

export interface ScheduledRow {
  readonly product: string;
  /** Each round's level, in order. */
  readonly levels: readonly string[];
  readonly requests: number;
}

export function scheduledTable(rows: readonly ScheduledRow[]): string {
  return fitTable(
    ['Product', 'Scheduled runs', 'Level each time', 'Requests'],
    rows.map((r) => [
      r.product,
      String(r.levels.length),
      r.levels.map(levelName).join(', '),
      String(r.requests),
    ]),
  );
}

/** One product's figures over a window, as /data/service-statistics.json gives them. */
export interface StatisticsRow {
  readonly product: string;
  readonly runs: number;
  readonly exchanges: number;
  readonly availability: number | null;
  readonly errorRate: number | null;
  readonly medianMs: number | null;
  readonly p95Ms: number | null;
}

const percent = (share: number | null) => (share === null ? 'none' : `${(share * 100).toFixed(1)}%`);
const ms = (value: number | null) => (value === null ? 'none' : `${Math.round(value)} ms`);

export function statisticsTable(rows: readonly StatisticsRow[]): string {
  return fitTable(
    ['Product', 'Runs', 'Requests', 'Available', 'Errors', 'Median', '95th percentile'],
    rows.map((r) => [
      r.product,
      String(r.runs),
      String(r.exchanges),
      percent(r.availability),
      percent(r.errorRate),
      ms(r.medianMs),
      ms(r.p95Ms),
    ]),
  );
}

const share = (part: number, whole: number) =>
  whole === 0 ? 'none' : `${Math.round((part / whole) * 100)}%`;

/**
 * The quality of the records a run read, per dataset: the share carrying each identifier that matters (and
 * valid), of dates that parse, of fields filled. "n/a" where the dataset has no such field.
 */
export function dataQualityTable(quality: NonNullable<RunReport['dataQuality']>): string {
  const identifier = (dataset: (typeof quality.datasets)[number], kind: 'uprn' | 'usrn' | 'gss'): string => {
    const fields = dataset.identifiers.filter((i) => i.kind === kind);
    if (fields.length === 0) return 'n/a';
    const valid = fields.reduce((sum, f) => sum + f.valid, 0);
    return share(valid, dataset.recordsRead * fields.length);
  };
  return fitTable(
    ['Dataset', 'Records', 'UPRN', 'USRN', 'GSS code', 'Dates that parse', 'Fields filled'],
    quality.datasets.map((d) => [
      d.title,
      String(d.recordsRead),
      identifier(d, 'uprn'),
      identifier(d, 'usrn'),
      identifier(d, 'gss'),
      share(d.dates.parsed, d.dates.values),
      share(d.filled.filled, d.filled.values),
    ]),
  );
}

export function credentialsTable(
  credentials: readonly { kind: string; name: string; councilCode?: string; token: string }[],
): string {
  return fitTable(
    ['Role', 'Account', 'Credential'],
    credentials.map((c) => [c.kind, c.councilCode ? `${c.name} (${c.councilCode})` : c.name, c.token]),
  );
}

/** The demo's last words: where to look, each address with what it shows. */
export function whereToLook(links: {
  readonly leagueTable: string;
  readonly product: { readonly name: string; readonly url: string };
  readonly timeline: string;
  readonly council: { readonly name: string; readonly url: string };
  readonly openData: string;
  readonly statistics: string;
  readonly credentialsPath: string;
}): string {
  const entries: [string, string][] = [
    [
      links.leagueTable,
      'the league table: every product, its level and certificate, and what the columns mean',
    ],
    [
      links.product.url,
      `${links.product.name}: a summary in plain words, its results over time and its service statistics`,
    ],
    [links.timeline, 'the procurement timeline: which councils’ contracts end when, and joint windows'],
    [links.council.url, `${links.council.name}’s contracts, matched to the products they bought`],
    [links.openData, 'open data: the league table as CSV (JSON beside it)'],
    [links.statistics, 'open data: every product’s availability, latency and error rate'],
  ];
  return [
    'Open these in a browser:',
    ...entries.flatMap(([url, what]) => [`  ${url}`, `      ${what}`]),
    '',
    `The demo's accounts and their credentials are in ${links.credentialsPath}.`,
  ]
    .map((line) => fitText(line))
    .join('\n');
}

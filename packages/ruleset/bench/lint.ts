/**
 * `pnpm bench` (through turbo) or `pnpm --filter @council-conform/ruleset bench`: `conform lint`, the
 * Spectral CLI with only its `spectral:oas` ruleset and the Redocly CLI with its `recommended` ruleset, side
 * by side in one run, on the largest reference spec and on generated descriptions of 2, 5, 10 and 20 MB.
 * Each command is timed whole, with the peak resident set of its largest process, under a time limit.
 * `conform` is the compiled CLI a supplier installs: built from this checkout by the CLI's own build script
 * (packages/cli/scripts/build.ts, so never stale) and installed from its tarball with npm into a scratch
 * folder. Start-up is timed too: `conform --version` beside `spectral --version` and Node starting alone.
 * Writes bench/results/lint.json and the lint section of docs/performance.md at the repository root, and
 * says whether issue 20's goals are met: `conform lint` within 2× of Redocly's time and no slower than
 * Spectral's at every generated size. An unmet goal is reported, never a failed benchmark.
 *
 * BENCH_RUNS (3): runs of each command on each input, fewer once a command's runs on one input have taken a
 * minute. BENCH_LINT_SIZES_MB (2,5,10,20): the generated sizes. BENCH_LINT_TIME_LIMIT_S (600): the limit on
 * one run of one command; a run past it is ended and reported as not finished. BENCH_STARTUP_RUNS (11): runs
 * of each start-up command.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { delimiter, dirname, join, relative, resolve } from 'node:path';
import { machineFacts, measuredOn, publishBenchmark } from '@council-conform/bench-report';
import { listSpecIds, specDir } from '@council-conform/specs';
import { generateLargeDescription } from '../test/support/large-description.ts';
import { type Measurement, measureCommand } from './measure.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SIZES_MB = (process.env.BENCH_LINT_SIZES_MB ?? '2,5,10,20').split(',').map(Number);
const TIME_LIMIT_MS = Number(process.env.BENCH_LINT_TIME_LIMIT_S ?? 600) * 1000;
/** Past this much time spent on one command and one input, one more run only costs the benchmark time. */
const ENOUGH_MS = 60_000;
const STARTUP_RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 11);
/** Issue 21: `conform --version` starts in under this. */
const STARTUP_GOAL_MS = 300;
const MB = 1024 * 1024;
const round1 = (value: number) => Math.round(value * 10) / 10;

const repoRoot = resolve(import.meta.dirname, '..', '..', '..');
const packageDir = resolve(import.meta.dirname, '..');
const cliDir = join(repoRoot, 'packages', 'cli');
const engineScript = join(packageDir, 'bench', 'engine.ts');

const requireHere = createRequire(import.meta.url);
function installed(name: string, bin: string): { script: string; version: string } {
  const manifestPath = requireHere.resolve(`${name}/package.json`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    version: string;
    bin: string | Record<string, string>;
  };
  const relativeBin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin[bin];
  if (!relativeBin) throw new Error(`${name} has no "${bin}" command`);
  return { script: join(dirname(manifestPath), relativeBin), version: manifest.version };
}
// Each started with this Node, not through a shell shim that takes whichever `node` PATH finds first.
const tsx = installed('tsx', 'tsx');
const spectralCli = installed('@stoplight/spectral-cli', 'spectral');
const redoclyCli = installed('@redocly/cli', 'redocly');

/** Redocly sends usage telemetry and asks npm for a newer version unless told not to. */
const REDOCLY_OFFLINE: NodeJS.ProcessEnv = {
  ...process.env,
  REDOCLY_TELEMETRY: 'off',
  REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
  REDOCLY_SUPPRESS_NOTIFICATIONS: 'true',
  DO_NOT_TRACK: '1',
};

const work = mkdtempSync(join(tmpdir(), 'conform-bench-'));

/**
 * The supplier's `conform` as a supplier has it: the CLI's build script compiles it from this checkout and
 * packs its tarball, and npm installs that into a scratch folder, offline (it has no dependencies).
 */
function installCompiledConform(): { bin: string; tarballBytes: number } {
  const shellEnv = {
    ...process.env,
    PATH: [dirname(process.execPath), process.env.PATH ?? ''].join(delimiter),
  };
  const step = (what: string, command: string, args: string[], cwd: string) => {
    const done = spawnSync(command, args, { cwd, env: shellEnv, encoding: 'utf8', maxBuffer: 64 * MB });
    if (done.status !== 0)
      throw new Error(`${what} failed (exit ${done.status}): ${done.stderr || done.stdout}`);
  };
  process.stdout.write('building and installing the compiled conform (packages/cli build)\n');
  step('building the CLI', process.execPath, [tsx.script, join(cliDir, 'scripts', 'build.ts')], cliDir);
  const distDir = join(cliDir, 'dist');
  const tarball = readdirSync(distDir).find((name) => /^council-conform-cli-.+\.tgz$/.test(name));
  if (!tarball) throw new Error(`the CLI build left no tarball in ${distDir}`);
  const prefix = join(work, 'installed');
  step(
    'installing the CLI tarball',
    'npm',
    ['install', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', join(distDir, tarball)],
    work,
  );
  return {
    bin: join(prefix, 'node_modules', '@council-conform', 'cli', 'dist', 'bin.js'),
    tarballBytes: statSync(join(distDir, tarball)).size,
  };
}
const conform = installCompiledConform();
const spectralRuleset = join(work, '.spectral.yaml');
writeFileSync(spectralRuleset, 'extends: ["spectral:oas"]\n');

type ToolId = 'conform' | 'spectral' | 'redocly';

interface Tool {
  readonly id: ToolId;
  readonly label: string;
  readonly args: (path: string) => string[];
  readonly env?: NodeJS.ProcessEnv;
  /** What the command found, counted from its JSON output; null when the output cannot be read. */
  readonly findings: (stdout: string) => number | null;
}

/** Every object with a `checkId` in conform's JSON, however the formatter groups them. */
function countConformFindings(value: unknown): number {
  if (Array.isArray(value)) return value.reduce<number>((sum, item) => sum + countConformFindings(item), 0);
  if (value === null || typeof value !== 'object') return 0;
  const own = typeof (value as { checkId?: unknown }).checkId === 'string' ? 1 : 0;
  return Object.values(value).reduce<number>((sum, item) => sum + countConformFindings(item), own);
}

const parsed = <T>(stdout: string, count: (json: T) => number): number | null => {
  try {
    return count(JSON.parse(stdout) as T);
  } catch {
    return null;
  }
};

const TOOLS: readonly Tool[] = [
  {
    id: 'conform',
    label: '`conform lint`',
    args: (path) => [conform.bin, 'lint', path, '--format', 'json'],
    findings: (stdout) => parsed<unknown>(stdout, countConformFindings),
  },
  {
    id: 'spectral',
    label: `Spectral CLI ${spectralCli.version}, \`spectral:oas\``,
    args: (path) => [
      spectralCli.script,
      'lint',
      '--ruleset',
      spectralRuleset,
      '--format',
      'json',
      '--quiet',
      path,
    ],
    findings: (stdout) => parsed<unknown[]>(stdout || '[]', (results) => results.length),
  },
  {
    id: 'redocly',
    label: `Redocly CLI ${redoclyCli.version}, \`recommended\``,
    args: (path) => [redoclyCli.script, 'lint', '--extends', 'recommended', '--format', 'json', path],
    env: REDOCLY_OFFLINE,
    findings: (stdout) =>
      parsed<{ totals: { errors: number; warnings: number } }>(
        stdout,
        ({ totals }) => totals.errors + totals.warnings,
      ),
  },
];

/** What one command did on one input over its runs. */
interface ToolResult {
  readonly runs: number;
  /** `finished` when every run ended by itself with exit 0 or 1 (clean or findings). */
  readonly outcome: 'finished' | 'timed-out' | 'failed';
  /** Median wall time of the finished runs; null when none finished. */
  readonly medianMs: number | null;
  /** Median CPU time of the finished runs' process trees; null when none finished or /proc cannot say. */
  readonly cpuMedianMs: number | null;
  /** The highest of the runs' peaks, in MiB. */
  readonly peakRssMiB: number | null;
  readonly findings: number | null;
  /** For an unfinished command: its exit code and the first line it wrote to stderr. */
  readonly failure?: string;
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return Number.isInteger(middle)
    ? ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2
    : (sorted[Math.floor(middle)] ?? Number.NaN);
};
const toMiB = (bytes: number | null) => (bytes === null ? null : Math.round((bytes / MB) * 10) / 10);

function judged(tool: Tool, measurements: readonly Measurement[]): ToolResult {
  const finished = measurements.filter(
    (m) => m.outcome === 'finished' && (m.exitCode === 0 || m.exitCode === 1),
  );
  const peaks = measurements.map((m) => m.peakRssBytes).filter((peak): peak is number => peak !== null);
  const peakRssMiB = peaks.length > 0 ? toMiB(Math.max(...peaks)) : null;
  const last = measurements.at(-1);
  if (finished.length === measurements.length && last) {
    const cpu = finished.map((m) => m.cpuMs).filter((ms): ms is number => ms !== null);
    return {
      runs: measurements.length,
      outcome: 'finished',
      medianMs: Math.round(median(finished.map((m) => m.wallMs))),
      cpuMedianMs: cpu.length === finished.length ? Math.round(median(cpu)) : null,
      peakRssMiB,
      findings: tool.findings(last.stdout),
    };
  }
  const unfinished = measurements.find((m) => !finished.includes(m));
  return {
    runs: measurements.length,
    outcome: unfinished?.outcome === 'timed-out' ? 'timed-out' : 'failed',
    medianMs: null,
    cpuMedianMs: null,
    peakRssMiB,
    findings: null,
    failure:
      unfinished?.outcome === 'timed-out'
        ? `ended at the ${TIME_LIMIT_MS / 1000} s limit`
        : `exit ${unfinished?.exitCode}: ${(unfinished?.stderr ?? '').trim().split('\n')[0]?.slice(0, 200) ?? ''}`,
  };
}

async function measureTools(path: string): Promise<Record<ToolId, ToolResult>> {
  const measurements: Record<ToolId, Measurement[]> = { conform: [], spectral: [], redocly: [] };
  // Round-robin, so that whatever else the machine does in a stretch falls on every tool alike.
  for (let run = 0; run < RUNS; run++) {
    for (const tool of TOOLS) {
      const done = measurements[tool.id];
      const spent = done.reduce((sum, m) => sum + m.wallMs, 0);
      // One run past the limit or a failure says all there is to say; a minute of runs is enough to judge.
      if (done.some((m) => m.outcome !== 'finished' || (m.exitCode !== 0 && m.exitCode !== 1))) continue;
      if (run > 0 && spent >= ENOUGH_MS) continue;
      const measured = await measureCommand({
        executable: process.execPath,
        args: tool.args(path),
        cwd: repoRoot,
        ...(tool.env ? { env: tool.env } : {}),
        timeLimitMs: TIME_LIMIT_MS,
      });
      done.push(measured);
      process.stdout.write(
        `  ${tool.id}: ${measured.outcome}, exit ${measured.exitCode}, ${(measured.wallMs / 1000).toFixed(1)} s, CPU ${((measured.cpuMs ?? Number.NaN) / 1000).toFixed(1)} s, peak ${toMiB(measured.peakRssBytes)} MiB\n`,
      );
    }
  }
  return {
    conform: judged(TOOLS[0]!, measurements.conform),
    spectral: judged(TOOLS[1]!, measurements.spectral),
    redocly: judged(TOOLS[2]!, measurements.redocly),
  };
}

/** The lint engine alone, in a fresh process each run: the first lint and a second one. */
async function engineTimes(path: string): Promise<{ firstMs: number; secondMs: number } | null> {
  const first: number[] = [];
  const second: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const engine = await measureCommand({
      executable: process.execPath,
      args: [tsx.script, engineScript, path],
      cwd: repoRoot,
      timeLimitMs: TIME_LIMIT_MS,
    });
    if (engine.outcome !== 'finished' || engine.exitCode !== 0) return null;
    const measured = JSON.parse(engine.stdout) as { coldMs: number; warmMs: number };
    first.push(measured.coldMs);
    second.push(measured.warmMs);
  }
  return { firstMs: Math.round(median(first)), secondMs: Math.round(median(second)) };
}

type StartupId = 'conform' | 'spectral' | 'node';

/** How long one command takes to start, print its version and exit. */
interface StartupResult {
  readonly label: string;
  /** Runs that finished with exit 0. */
  readonly runs: number;
  readonly medianMs: number | null;
  /** Median user + system CPU time, from GNU time; null where /usr/bin/time is absent. */
  readonly cpuMedianMs: number | null;
  /** Whether any run wrote to stderr (a deprecation warning from a bundled dependency, say). */
  readonly wroteToStderr: boolean;
  readonly failure?: string;
}

/**
 * GNU time reports a command's own CPU time when it exits, which polling /proc misses in a process this
 * short; on a machine shared with other work, that is the figure the queue for the CPU does not inflate.
 */
const GNU_TIME = '/usr/bin/time';
const CPU_LINE = /^__cpu (\d+\.\d+) (\d+\.\d+)\n?/m;

/** Start-up, taking turns run by run as the lint commands do: the median of STARTUP_RUNS runs each. */
async function startupTimes(): Promise<Record<StartupId, StartupResult>> {
  const commands: readonly { id: StartupId; label: string; args: string[] }[] = [
    { id: 'conform', label: '`conform --version`', args: [conform.bin, '--version'] },
    {
      id: 'spectral',
      label: `\`spectral --version\` (Spectral CLI ${spectralCli.version})`,
      args: [spectralCli.script, '--version'],
    },
    { id: 'node', label: 'Node starting alone (`node -e 0`)', args: ['-e', '0'] },
  ];
  const times: Record<StartupId, number[]> = { conform: [], spectral: [], node: [] };
  const cpuTimes: Record<StartupId, number[]> = { conform: [], spectral: [], node: [] };
  const timed = existsSync(GNU_TIME);
  const stderr: Record<StartupId, boolean> = { conform: false, spectral: false, node: false };
  const failures: Partial<Record<StartupId, string>> = {};
  for (let run = 0; run < STARTUP_RUNS; run++) {
    for (const command of commands) {
      if (failures[command.id]) continue;
      const measured = await measureCommand({
        executable: timed ? GNU_TIME : process.execPath,
        args: timed ? ['-f', '__cpu %U %S', process.execPath, ...command.args] : command.args,
        cwd: work,
        timeLimitMs: 60_000,
      });
      const cpu = CPU_LINE.exec(measured.stderr);
      const ownStderr = measured.stderr.replace(CPU_LINE, '');
      if (measured.outcome !== 'finished' || measured.exitCode !== 0) {
        failures[command.id] =
          `exit ${measured.exitCode}: ${ownStderr.trim().split('\n')[0]?.slice(0, 200) ?? ''}`;
        continue;
      }
      times[command.id].push(measured.wallMs);
      if (cpu) cpuTimes[command.id].push((Number(cpu[1]) + Number(cpu[2])) * 1000);
      if (ownStderr.trim() !== '') stderr[command.id] = true;
    }
  }
  const result = (id: StartupId, label: string): StartupResult => ({
    label,
    runs: times[id].length,
    medianMs: times[id].length > 0 ? Math.round(median(times[id])) : null,
    cpuMedianMs:
      cpuTimes[id].length > 0 && cpuTimes[id].length === times[id].length
        ? Math.round(median(cpuTimes[id]))
        : null,
    wroteToStderr: stderr[id],
    ...(failures[id] ? { failure: failures[id] } : {}),
  });
  const [conformCommand, spectralCommand, nodeCommand] = commands;
  return {
    conform: result('conform', conformCommand?.label ?? ''),
    spectral: result('spectral', spectralCommand?.label ?? ''),
    node: result('node', nodeCommand?.label ?? ''),
  };
}

/** A goal at one size: met, not met, or not known when neither command finished. */
type Verdict = 'met' | 'not met' | 'unknown';

type Clock = 'medianMs' | 'cpuMedianMs';

/** `conform` within `factor` × `other`'s time on `clock`, a command that did not finish counting as slowest. */
function within(conform: ToolResult, other: ToolResult, factor: number, clock: Clock): Verdict {
  const mine = conform[clock];
  const theirs = other[clock];
  if (conform.outcome === 'finished' && other.outcome === 'finished') {
    if (mine === null || theirs === null) return 'unknown';
    return mine <= factor * theirs ? 'met' : 'not met';
  }
  if (conform.outcome === 'finished') return 'met';
  if (other.outcome === 'finished') return 'not met';
  return 'unknown';
}

interface Goal {
  /** The issue's goal, judged on wall time. */
  readonly wall: Verdict;
  /** The same judged on CPU time, which other work on the machine does not inflate. */
  readonly cpu: Verdict;
}
const goal = (conform: ToolResult, other: ToolResult, factor: number): Goal => ({
  wall: within(conform, other, factor, 'medianMs'),
  cpu: within(conform, other, factor, 'cpuMedianMs'),
});

const largestSpec = listSpecIds()
  .map((id) => ({ id, path: join(specDir(id), 'openapi.yaml') }))
  .sort((a, b) => statSync(b.path).size - statSync(a.path).size)[0];
if (!largestSpec) throw new Error('no reference specs to benchmark');

interface Case {
  readonly name: string;
  readonly file: string;
  readonly bytes: number;
  readonly generatedMB?: number;
  readonly tools: Record<ToolId, ToolResult>;
  readonly engine?: { firstMs: number; secondMs: number } | null;
  readonly goals?: { readonly withinTwiceRedocly: Goal; readonly noSlowerThanSpectral: Goal };
}

const loadAtStart = loadavg()[0] ?? Number.NaN;
process.stdout.write(`\nstart-up, ${STARTUP_RUNS} runs each\n`);
const startup = await startupTimes();
for (const measured of Object.values(startup)) {
  process.stdout.write(
    `  ${measured.label}: ${measured.medianMs ?? '–'} ms, CPU ${measured.cpuMedianMs ?? '–'} ms${measured.failure ? ` (${measured.failure})` : ''}\n`,
  );
}
const underGoal = (ms: number | null): Verdict =>
  ms === null ? 'unknown' : ms < STARTUP_GOAL_MS ? 'met' : 'not met';
const startupGoal: Goal = {
  wall: underGoal(startup.conform.medianMs),
  cpu: underGoal(startup.conform.cpuMedianMs),
};
const cases: Case[] = [];
{
  const name = `largest reference spec (${largestSpec.id})`;
  const bytes = statSync(largestSpec.path).size;
  process.stdout.write(`\n${name}: ${(bytes / MB).toFixed(2)} MB\n`);
  const tools = await measureTools(largestSpec.path);
  const engine = await engineTimes(largestSpec.path);
  cases.push({ name, file: relative(repoRoot, largestSpec.path), bytes, tools, engine });
}
for (const sizeMB of SIZES_MB) {
  const path = join(work, `generated-${sizeMB}mb.json`);
  writeFileSync(path, generateLargeDescription(sizeMB * MB));
  const bytes = statSync(path).size;
  const name = `generated ${sizeMB} MB description`;
  process.stdout.write(`\n${name}: ${(bytes / MB).toFixed(2)} MB\n`);
  const tools = await measureTools(path);
  rmSync(path);
  cases.push({
    name,
    file: '(generated)',
    bytes,
    generatedMB: sizeMB,
    tools,
    goals: {
      withinTwiceRedocly: goal(tools.conform, tools.redocly, 2),
      noSlowerThanSpectral: goal(tools.conform, tools.spectral, 1),
    },
  });
}
rmSync(work, { recursive: true, force: true });

const report = {
  generatedAt: new Date().toISOString(),
  machine: machineFacts(),
  spectralCli: spectralCli.version,
  redoclyCli: redoclyCli.version,
  runs: RUNS,
  timeLimitSeconds: TIME_LIMIT_MS / 1000,
  /** The compiled CLI timed: its tarball's size, built from this checkout at the start of the run. */
  conform: { compiled: true, tarballBytes: conform.tarballBytes },
  startup: { runs: STARTUP_RUNS, goalMs: STARTUP_GOAL_MS, goal: startupGoal, ...startup },
  /** One-minute load averages: above the core count, other work was queueing for the CPU too. */
  loadAverage: { atStart: round1(loadAtStart), atEnd: round1(loadavg()[0] ?? Number.NaN) },
  cases,
};

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
function cell(result: ToolResult): string {
  const cpu = result.cpuMedianMs === null ? '' : ` (CPU ${seconds(result.cpuMedianMs)})`;
  const peak = result.peakRssMiB === null ? '' : `, ${result.peakRssMiB} MiB`;
  if (result.medianMs === null) {
    return result.outcome === 'timed-out'
      ? `did not finish within ${TIME_LIMIT_MS / 1000} s${peak}`
      : `failed (${result.failure})${peak}`;
  }
  const runs = result.runs === RUNS ? '' : `, ${result.runs} run${result.runs === 1 ? '' : 's'}`;
  const findings = result.findings === null ? '' : ` (${result.findings} findings)`;
  return `${seconds(result.medianMs)}${cpu}${peak}${findings}${runs}`;
}
function ratio(conform: ToolResult, other: ToolResult): string {
  const times = (clock: Clock) => {
    const mine = conform[clock];
    const theirs = other[clock];
    return mine !== null && theirs !== null ? `${(mine / theirs).toFixed(2)}×` : '–';
  };
  return `${times('medianMs')} (CPU ${times('cpuMedianMs')})`;
}
const generated = cases.filter((c) => c.goals);
const goalLine = (label: string, goalOf: (c: Case) => Goal | undefined) => {
  const judge = (clock: keyof Goal) => {
    const verdicts = generated.map((c) => `${c.generatedMB} MB ${goalOf(c)?.[clock] ?? 'unknown'}`);
    const all = generated.every((c) => goalOf(c)?.[clock] === 'met');
    return `${all ? 'met' : '**not met**'} (${verdicts.join(', ')})`;
  };
  return `- ${label}: by wall time ${judge('wall')}; by CPU time ${judge('cpu')}.`;
};
const engine = cases[0]?.engine;
const startupCell = (measured: StartupResult) =>
  measured.medianMs === null
    ? `failed (${measured.failure ?? 'no run finished'}) | –`
    : `${(measured.medianMs / 1000).toFixed(2)} s${measured.runs === STARTUP_RUNS ? '' : ` (${measured.runs} runs)`} | ${measured.cpuMedianMs === null ? '–' : `${(measured.cpuMedianMs / 1000).toFixed(2)} s`}`;
const verdictText = (verdict: Verdict) => (verdict === 'met' ? 'met' : `**${verdict}**`);
// The command measured keeps one core busy and its garbage collector part of another.
const busy = Math.max(report.loadAverage.atStart, report.loadAverage.atEnd) > report.machine.cores + 2;

const section = [
  '## `conform lint`',
  '',
  `${measuredOn(report.machine, report.generatedAt)}; the median of up to ${RUNS} runs of each command (fewer once its runs on an input have taken a minute; the count is shown where it is fewer), each limited to ${TIME_LIMIT_MS / 1000} s. Raw numbers: \`bench/results/lint.json\`.`,
  '',
  `| Input | Size | ${TOOLS.map((tool) => tool.label).join(' | ')} | conform ÷ Redocly | conform ÷ Spectral |`,
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...cases.map(
    (c) =>
      `| ${c.name} | ${(c.bytes / MB).toFixed(2)} MB | ${cell(c.tools.conform)} | ${cell(c.tools.spectral)} | ${cell(c.tools.redocly)} | ${ratio(c.tools.conform, c.tools.redocly)} | ${ratio(c.tools.conform, c.tools.spectral)} |`,
  ),
  '',
  'Each cell: wall time (and the CPU time of all its processes), peak RSS of the largest process, what',
  'the command found. The ratios are of wall time (and of CPU time).',
  '',
  `Load average (one minute) ${report.loadAverage.atStart} at the start of this run and ${report.loadAverage.atEnd} at its end, on ${report.machine.cores} cores; the command being measured accounts for one to two of it. ${busy ? 'Past that, other work was queueing for the CPU, which lengthens wall times and leaves CPU times as they are: the CPU-time verdicts are the steadier ones here.' : 'The machine was otherwise quiet.'}`,
  '',
  `Start-up, the median of ${STARTUP_RUNS} runs each, taking turns:`,
  '',
  '| Command | Median wall time | Median CPU time |',
  '| --- | ---: | ---: |',
  ...Object.values(startup).map((measured) => `| ${measured.label} | ${startupCell(measured)} |`),
  '',
  `Goal (issue 21): \`conform --version\` under ${STARTUP_GOAL_MS / 1000} s: by wall time ${verdictText(startupGoal.wall)}; by CPU time ${verdictText(startupGoal.cpu)}. It ${startup.conform.wroteToStderr ? '**wrote to stderr**' : 'wrote nothing to stderr'}. Node starting alone is the floor any command stands on, on this machine at this load; CPU time is user and system time as GNU time reports it.`,
  '',
  'Goals (issue 20), at every generated size:',
  '',
  goalLine('`conform lint` within 2× of the Redocly CLI', (c) => c.goals?.withinTwiceRedocly),
  goalLine('`conform lint` no slower than the Spectral CLI', (c) => c.goals?.noSlowerThanSpectral),
  '',
  "The three commands are timed whole, as a supplier's CI runs them: starting Node, reading, linting and",
  'writing JSON; they take turns, run by run, so that what else the machine does falls on each alike.',
  `\`conform\` is the compiled CLI a supplier installs, not the TypeScript source: the run builds it from`,
  `this checkout with the CLI's build script (packages/cli/scripts/build.ts, esbuild; a ${(conform.tarballBytes / MB).toFixed(1)} MB tarball)`,
  'and installs the tarball with npm into a scratch folder, offline. `conform lint` runs Spectral’s',
  'recommended `oas` rules plus the Council rules, so it does more than either CLI beside it. The',
  'generated descriptions are the clean description of `test/support/large-description.ts` with as',
  'many datasets (a list and a get operation, a thirty-field record schema with an example) as the size',
  'takes. Redocly finds nothing in them; Spectral warns of every operation without a `description`',
  '(`operation-description`, which the Council ruleset turns off), so it writes more JSON.',
  '',
  'Peak RSS is the highest VmHWM of any process of the command, read from /proc every 100 ms. A command',
  'past the time limit is ended and reported as not finished; one that exits with anything but 0 or 1 is',
  'reported as failed, with the first line it wrote to stderr.',
  ...(engine
    ? [
        '',
        `The lint engine alone on the largest reference spec, from source in a fresh process: ${seconds(engine.firstMs)} for the first lint (compiling the ruleset and warming the JIT), ${seconds(engine.secondMs)} for a second.`,
      ]
    : []),
].join('\n');

const written = publishBenchmark({
  repoRoot,
  name: 'lint',
  marker: 'lint-bench',
  source: 'packages/ruleset/bench/lint.ts',
  report,
  section,
});
process.stdout.write(
  `\n${section}\n\nwrote ${relative(repoRoot, written.resultsPath)} and ${relative(repoRoot, written.performancePath)}\n`,
);

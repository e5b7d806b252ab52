/**
 * `pnpm bench` (through turbo) or `pnpm --filter @council-conform/ruleset bench`: how long `conform lint`
 * takes on the largest reference spec and on a generated 10 MB description, beside Spectral's own CLI
 * with only its `spectral:oas` ruleset on the same files in the same run. Writes bench/results/lint.json
 * and the lint section of docs/performance.md at the repository root.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { machineFacts, measuredOn, publishBenchmark } from '@council-conform/bench-report';
import { listSpecIds, specDir } from '@council-conform/specs';
import { generateLargeDescription } from '../test/support/large-description.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const repoRoot = resolve(import.meta.dirname, '..', '..', '..');
const packageDir = resolve(import.meta.dirname, '..');
const tsx = join(repoRoot, 'node_modules', '.bin', 'tsx');
const conformBin = join(repoRoot, 'packages', 'cli', 'src', 'bin.ts');
const spectralBin = join(packageDir, 'node_modules', '.bin', 'spectral');
const engineScript = join(packageDir, 'bench', 'engine.ts');

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

function timeCommand(command: string, args: string[]): { ms: number; status: number | null; stdout: string } {
  const started = performance.now();
  const run = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, cwd: repoRoot });
  const ms = performance.now() - started;
  if (run.error) throw run.error;
  return { ms, status: run.status, stdout: run.stdout };
}

interface Case {
  readonly name: string;
  readonly path: string;
}

const work = mkdtempSync(join(tmpdir(), 'conform-bench-'));
const spectralRuleset = join(work, '.spectral.yaml');
writeFileSync(spectralRuleset, 'extends: ["spectral:oas"]\n');

const largestSpec = listSpecIds()
  .map((id) => ({ id, path: join(specDir(id), 'openapi.yaml') }))
  .sort((a, b) => statSync(b.path).size - statSync(a.path).size)[0];
if (!largestSpec) throw new Error('no reference specs to benchmark');
const largePath = join(work, 'generated-10mb.json');
writeFileSync(largePath, generateLargeDescription(10 * 1024 * 1024));

const cases: Case[] = [
  { name: `largest reference spec (${largestSpec.id})`, path: largestSpec.path },
  { name: 'generated 10 MB description', path: largePath },
];

const results = [];
for (const benchCase of cases) {
  const bytes = statSync(benchCase.path).size;
  process.stdout.write(`\n${benchCase.name}: ${(bytes / 1024 / 1024).toFixed(2)} MB\n`);
  // Whole commands, as a supplier's CI runs them: process start, reading, linting, formatting.
  const conformMs: number[] = [];
  const spectralMs: number[] = [];
  let spectralFindings = 0;
  for (let run = 0; run < RUNS; run++) {
    const conform = timeCommand(tsx, [conformBin, 'lint', benchCase.path, '--format', 'json']);
    if (conform.status !== 0 && conform.status !== 1)
      throw new Error(`conform lint exited ${conform.status}`);
    conformMs.push(conform.ms);
    const spectral = timeCommand(spectralBin, [
      'lint',
      '--ruleset',
      spectralRuleset,
      '--format',
      'json',
      '--quiet',
      benchCase.path,
    ]);
    if (spectral.status !== 0 && spectral.status !== 1)
      throw new Error(`spectral lint exited ${spectral.status}`);
    spectralMs.push(spectral.ms);
    spectralFindings = (JSON.parse(spectral.stdout || '[]') as unknown[]).length;
  }
  // The lint engine alone, in a fresh process each run: the first lint and a second one.
  const coldMs: number[] = [];
  const warmMs: number[] = [];
  let findings = 0;
  for (let run = 0; run < RUNS; run++) {
    const engine = timeCommand(tsx, [engineScript, benchCase.path]);
    if (engine.status !== 0) throw new Error(`bench/engine.ts exited ${engine.status}`);
    const measured = JSON.parse(engine.stdout) as { coldMs: number; warmMs: number; findings: number };
    coldMs.push(measured.coldMs);
    warmMs.push(measured.warmMs);
    findings = measured.findings;
  }
  const row = {
    name: benchCase.name,
    file: benchCase.path === largePath ? '(generated)' : relative(repoRoot, benchCase.path),
    bytes,
    runs: RUNS,
    conform: {
      engineFirstMedianMs: Math.round(median(coldMs)),
      engineSecondMedianMs: Math.round(median(warmMs)),
      cliMedianMs: Math.round(median(conformMs)),
      findings,
    },
    spectralOas: { cliMedianMs: Math.round(median(spectralMs)), findings: spectralFindings },
  };
  process.stdout.write(`${JSON.stringify(row)}\n`);
  results.push(row);
}

const report = {
  generatedAt: new Date().toISOString(),
  machine: machineFacts(),
  spectralCli: (
    JSON.parse(
      readFileSync(join(packageDir, 'node_modules', '@stoplight', 'spectral-cli', 'package.json'), 'utf8'),
    ) as {
      version: string;
    }
  ).version,
  cases: results,
};

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const section = [
  '## `conform lint`',
  '',
  `${measuredOn(report.machine, report.generatedAt)}; median of ${RUNS} runs. Raw numbers: \`bench/results/lint.json\`.`,
  '',
  `| Input | Size | \`conform lint\` command | engine, first lint | engine, second lint | Spectral CLI ${report.spectralCli}, \`spectral:oas\` only |`,
  '| --- | ---: | ---: | ---: | ---: | ---: |',
  ...results.map(
    (row) =>
      `| ${row.name} | ${(row.bytes / 1024 / 1024).toFixed(2)} MB | ${seconds(row.conform.cliMedianMs)} (${row.conform.findings} findings) | ${seconds(row.conform.engineFirstMedianMs)} | ${seconds(row.conform.engineSecondMedianMs)} | ${seconds(row.spectralOas.cliMedianMs)} (${row.spectralOas.findings} findings) |`,
  ),
  '',
  "Both commands are timed whole, as a supplier's CI runs them: starting Node (and, for Council Conform,",
  'tsx, since it runs from source), reading, linting and writing JSON. The engine columns are the lint',
  'alone, in a fresh process: the first lint compiles the ruleset and warms the JIT. `conform lint` runs',
  "Spectral's recommended `oas` rules plus the Council rules, so it does more than the Spectral CLI beside",
  "it; most of the time on large inputs goes to Spectral's example validation compiling a JSON Schema",
  'validator per example.',
].join('\n');
const written = publishBenchmark({
  repoRoot,
  name: 'lint',
  marker: 'lint-bench',
  source: 'packages/ruleset/bench/lint.ts',
  report,
  section,
});
rmSync(work, { recursive: true, force: true });
process.stdout.write(
  `\nwrote ${relative(repoRoot, written.resultsPath)} and ${relative(repoRoot, written.performancePath)}\n`,
);

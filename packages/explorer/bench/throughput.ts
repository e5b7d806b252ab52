/**
 * Exploration throughput beside the cost of a fixed check, against the same conformant mock (council tax,
 * its rate limit lifted, on loopback):
 *
 * - exploration: `exploreTarget` with no request-rate limit, answers judged per second (generation,
 *   sending, judging against the description and shrinking, all included);
 * - a fixed check: `conform run --only responses-match-description` in its own process, the run's
 *   wall time over the requests it made (token, pre-flight and discovery included, as a run has them).
 *
 * Writes bench/results/explore.json and the explore section of docs/performance.md.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { machineFacts, measuredOn, publishBenchmark } from '@council-conform/bench-report';
import { createMockSupplier, mockRunTarget, startMockServer } from '@council-conform/mocks';
import { exploreTarget } from '../src/index.ts';

const repoRoot = resolve(import.meta.dirname, '..', '..', '..');
const SPEC = 'council-tax';
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const EXPLORE_REQUESTS = 600;
const FIXED_CHECK = 'responses-match-description';

function runProcess(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ status: number | null; stderr: string }> {
  return new Promise((done, failed) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', failed);
    child.on('close', (status) => done({ status, stderr }));
  });
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

const supplier = await createMockSupplier(SPEC, { rateLimit: { limit: 1_000_000, windowMs: 1000 } });
const server = await startMockServer(supplier);
const { credentials } = mockRunTarget(supplier, server.url);
const loadAtStart = loadavg()[0] ?? Number.NaN;

const exploreRuns: { judged: number; requests: number; ms: number; perSecond: number }[] = [];
for (let run = 1; run <= RUNS; run++) {
  const report = await exploreTarget({
    target: server.url,
    seed: run,
    mode: 'readonly',
    budget: { requests: EXPLORE_REQUESTS, timeMs: 600_000 },
    requestsPerSecond: Number.POSITIVE_INFINITY,
    credentials,
  });
  const perSecond = report.judged / (report.used.timeMs / 1000);
  exploreRuns.push({
    judged: report.judged,
    requests: report.used.requests,
    ms: report.used.timeMs,
    perSecond,
  });
  process.stdout.write(
    `exploration run ${run}: ${report.judged} answers judged in ${report.used.timeMs} ms (${perSecond.toFixed(0)}/s)\n`,
  );
}

const scratch = mkdtempSync(join(tmpdir(), 'explore-bench-'));
const fixedRuns: { requests: number; ms: number; msPerRequest: number }[] = [];
for (let run = 1; run <= RUNS; run++) {
  const reportPath = join(scratch, `run-${run}.json`);
  // Spawned, not run synchronously: the mock answers from this process, so its event loop must go on.
  const result = await runProcess(
    process.execPath,
    [
      '--import',
      'tsx',
      join(repoRoot, 'packages/cli/src/bin.ts'),
      'run',
      '--profile',
      SPEC,
      '--target',
      server.url,
      '--only',
      FIXED_CHECK,
      '--rps',
      '1000000',
      '--report',
      reportPath,
    ],
    {
      cwd: join(repoRoot, 'packages/cli'),
      env: {
        ...process.env,
        CONFORM_CLIENT_ID: credentials.clientId,
        CONFORM_CLIENT_SECRET: credentials.clientSecret,
      },
    },
  );
  if (result.status !== 0 && result.status !== 1)
    throw new Error(
      `conform run failed (${result.status}): ${result.stderr.trim().split('\n').slice(-5).join(' / ')}`,
    );
  const report = JSON.parse(readFileSync(reportPath, 'utf8')) as {
    durationMs: number;
    requests: number;
    checks: { id: string; status: string }[];
  };
  const status = report.checks.find((c) => c.id === FIXED_CHECK)?.status;
  if (status !== 'pass')
    throw new Error(`${FIXED_CHECK} did not pass against the conformant mock: ${status}`);
  fixedRuns.push({
    requests: report.requests,
    ms: report.durationMs,
    msPerRequest: report.durationMs / report.requests,
  });
  process.stdout.write(
    `fixed check run ${run}: ${report.requests} requests in ${report.durationMs} ms (${(report.durationMs / report.requests).toFixed(1)} ms each)\n`,
  );
}
rmSync(scratch, { recursive: true, force: true });
await server.close();

const machine = machineFacts();
const explorePerSecond = median(exploreRuns.map((r) => r.perSecond));
const exploreMsPerRequest = 1000 / explorePerSecond;
const fixedMsPerRequest = median(fixedRuns.map((r) => r.msPerRequest));
const report = {
  machine,
  loadAverageAtStart: loadAtStart,
  spec: SPEC,
  exploration: {
    budgetRequests: EXPLORE_REQUESTS,
    runs: exploreRuns,
    medianJudgedPerSecond: explorePerSecond,
  },
  fixedCheck: { id: FIXED_CHECK, runs: fixedRuns, medianMsPerRequest: fixedMsPerRequest },
};
const section = [
  '## Exploration throughput (`conform explore`)',
  '',
  `${measuredOn(machine, new Date())}.`,
  `Load average at the start: ${loadAtStart.toFixed(2)}. ${RUNS} runs of each, medians given.`,
  '',
  `Against the conformant ${SPEC} mock on loopback (its rate limit lifted), with \`--rps\` unlimited:`,
  '',
  '| What | Requests per run | Per request | Per second |',
  '| --- | --- | --- | --- |',
  `| Exploration: generate, send, judge against the description, shrink | ${EXPLORE_REQUESTS} | ${exploreMsPerRequest.toFixed(1)} ms | ${explorePerSecond.toFixed(0)} answers judged |`,
  `| Fixed check \`${FIXED_CHECK}\` in \`conform run --only\` (token, pre-flight and discovery included) | ${median(fixedRuns.map((r) => r.requests))} | ${fixedMsPerRequest.toFixed(1)} ms | ${(1000 / fixedMsPerRequest).toFixed(0)} requests |`,
  '',
  `An explored request costs ${(exploreMsPerRequest / fixedMsPerRequest).toFixed(2)}× a fixed check's request here. Against a real API the run's \`--rps\` (5 by default) bounds both long before either cost matters: 400 explored requests take 80 s at 5 per second.`,
].join('\n');
const written = publishBenchmark({
  repoRoot,
  name: 'explore',
  marker: 'explore-bench',
  source: 'packages/explorer/bench/throughput.ts',
  report,
  section,
});
process.stdout.write(
  `\n${section}\n\nwrote ${relative(repoRoot, written.resultsPath)} and ${relative(repoRoot, written.performancePath)}\n`,
);

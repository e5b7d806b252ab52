/**
 * One measurement of the export-validation benchmark, in a fresh process. Started by
 * bench/export-validation.ts; prints one JSON line on stdout.
 *
 *   pair <target-url> <ndjson-path> <spec-id> <expected-records>
 *     Throughput: the production path and its lower bound in one process, on one compiled validator, so
 *     that both run on the same optimised code. How well V8 happens to optimise Ajv's generated functions
 *     differs from process to process by up to half the run time (profiles of slow runs show Ajv's
 *     ucs2length left un-inlined), and it moves both paths alike. First the validator is exercised on the
 *     file's first records, as a real run's crawl of the API exercises it before the export is analysed.
 *     Then the lower bound is timed (the same lines, already in memory as strings, through JSON.parse and
 *     the same validator, nothing else; the file is read and split into lines outside the timed loops),
 *     then the production path (runExport and analyseExport from src/support/export.ts, on the runner's
 *     real HTTP client, against the benchmark's export server; only analyseExport is timed), then the
 *     lower bound again: the figure is the mean of the two, so that neither path gains from going later.
 *   stream <target-url> <spec-id> <expected-records>
 *     Peak memory: the production path alone in a fresh process, so that VmHWM is its own; its time is
 *     reported too, cold, as a one-off run of the checks would see it.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import {
  createHarnessHttp,
  createRunContext,
  Redactor,
  type RunContext,
  resolveRunConfig,
} from '@council-conform/runner';
import { loadReference } from '../src/reference.ts';
import { analyseExport, runExport } from '../src/support/export.ts';

/** Records the validator sees before the pair's timings: enough for V8 to optimise it, as a crawl would. */
const WARM_UP_RECORDS = 20_000;

/** Peak resident set size so far, in bytes (VmHWM; resourceUsage's maxRSS where /proc is missing). */
function peakRss(): number {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}

async function context(
  specId: string,
  target: string,
): Promise<{ ctx: RunContext & { close(): void }; pointer: string }> {
  const { reference, personalFields } = await loadReference(specId);
  const config = resolveRunConfig({
    target,
    mode: 'readonly',
    credentials: { token: 'bench-token' },
    requestsPerSecond: 1000,
    // The download is one request: its timeout and size cap must cover a 1M-record file.
    requestTimeoutMs: 60 * 60_000,
    runBudgetMs: 60 * 60_000,
    maxResponseBytes: 64 * 1024 ** 3,
    exportBudgetMs: 60_000,
  });
  const budget = new AbortController();
  const http = createHarnessHttp({
    target: config.targetUrl,
    requestsPerSecond: config.requestsPerSecond,
    requestTimeoutMs: config.requestTimeoutMs,
    maxResponseBytes: config.maxResponseBytes,
    maxRetryAfterMs: config.maxRetryAfterMs,
    redactor: new Redactor(personalFields),
    signal: budget.signal,
    tokenFor: async () => 'bench-token',
  });
  const ctx = createRunContext(config, reference, http);
  const dataset = reference.profile.datasets[0];
  if (!dataset) throw new Error(`${specId} has no datasets`);
  const pointer = `/components/schemas/${dataset.schema}`;
  // Compiled before any timing: the comparison is per record.
  ctx.referenceValidator.validate(pointer, {});
  return { ctx, pointer };
}

/** Starts the export job, then times analyseExport alone and checks that it judged the file rightly. */
async function timedAnalysis(ctx: RunContext & { close(): void }, expected: number) {
  const run = await runExport(ctx);
  if (run.outcome !== 'completed') throw new Error(`export did not complete: ${run.message}`);
  const rssBefore = peakRss();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const analyses = await analyseExport(ctx);
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const analysis = analyses[0];
  if (!analysis || analyses.length !== 1) throw new Error(`expected one file, got ${analyses.length}`);
  const spilledRuns = analysis.ids.spilledRuns;
  ctx.close();
  const problems = [
    analysis.error,
    analysis.status === 200 ? undefined : `status ${analysis.status}`,
    analysis.records === expected ? undefined : `${analysis.records} records, expected ${expected}`,
    analysis.invalidCount === 0
      ? undefined
      : `${analysis.invalidCount} invalid: ${analysis.invalid[0]?.message}`,
    analysis.csvProblems.length === 0 ? undefined : `CSV: ${analysis.csvProblems[0]?.message}`,
    analysis.utf8 ? undefined : 'not UTF-8',
    analysis.sha256 === analysis.file.sha256 ? undefined : 'SHA-256 differs from the manifest',
    analysis.bytes === analysis.file.bytes ? undefined : 'byte count differs from the manifest',
  ].filter((p): p is string => Boolean(p));
  if (problems.length > 0) throw new Error(`the analysis is wrong: ${problems.join('; ')}`);
  return {
    format: analysis.file.format,
    records: analysis.records,
    bytes: analysis.bytes,
    ms,
    cpuUserMs: cpu.user / 1000,
    cpuSystemMs: cpu.system / 1000,
    ids: analysis.ids.size,
    idRunsOnDisk: spilledRuns,
    peakRssBeforeBytes: rssBefore,
  };
}

/**
 * The lower bound over the first `limit` lines of an NDJSON file: lines already in memory as strings,
 * through JSON.parse and `validate`, nothing else. Reading, cutting and decoding stay outside the timed
 * loop; each line is decoded on its own, as a program holding lines in memory would have them (one-byte
 * strings where a line is ASCII).
 */
function lowerBound(path: string, validate: (record: unknown) => boolean, limit = Number.POSITIVE_INFINITY) {
  const fd = openSync(path, 'r');
  const block = Buffer.allocUnsafe(16 * 1024 * 1024);
  let carry = Buffer.alloc(0);
  let records = 0;
  let invalid = 0;
  let ms = 0;
  const timed = (lines: string[]) => {
    const started = performance.now();
    for (const line of lines) if (!validate(JSON.parse(line))) invalid += 1;
    ms += performance.now() - started;
    records += lines.length;
  };
  try {
    while (records < limit) {
      const read = readSync(fd, block, 0, block.length, null);
      if (read === 0) break;
      const end = block.lastIndexOf(0x0a, read - 1);
      const whole = Buffer.concat([carry, block.subarray(0, end + 1)]);
      carry = Buffer.from(block.subarray(end + 1, read));
      const lines: string[] = [];
      for (
        let start = 0, newline = whole.indexOf(0x0a);
        newline !== -1;
        newline = whole.indexOf(0x0a, start)
      ) {
        if (newline > start && records + lines.length < limit)
          lines.push(whole.toString('utf8', start, newline));
        start = newline + 1;
      }
      timed(lines);
    }
    if (carry.length > 0 && records < limit) timed([carry.toString('utf8')]);
  } finally {
    closeSync(fd);
  }
  if (invalid > 0) throw new Error(`${invalid} records are not valid: the generator is wrong`);
  return { records, ms };
}

/**
 * Has the validator judge the file's first records, as a crawl of the API would before the export is
 * analysed. Neither timed path's own code runs here: only the validator they share is warmed.
 */
function warmUp(path: string, validate: (record: unknown) => unknown): void {
  const fd = openSync(path, 'r');
  try {
    const block = Buffer.allocUnsafe(64 * 1024 * 1024);
    const read = readSync(fd, block, 0, block.length, 0);
    const lines = block.toString('utf8', 0, block.lastIndexOf(0x0a, read - 1)).split('\n');
    for (const line of lines.slice(0, WARM_UP_RECORDS)) validate(JSON.parse(line));
  } finally {
    closeSync(fd);
  }
}

async function pair(target: string, path: string, specId: string, expected: number): Promise<void> {
  const { ctx, pointer } = await context(specId, target);
  const validate = (record: unknown) => ctx.referenceValidator.validate(pointer, record).length === 0;
  warmUp(path, (record) => ctx.referenceValidator.validate(pointer, record));
  // The lower bound before and after: whichever runs later meets a validator V8 has optimised further.
  const before = lowerBound(path, validate);
  const streaming = await timedAnalysis(ctx, expected);
  const after = lowerBound(path, validate);
  for (const lower of [before, after])
    if (lower.records !== expected)
      throw new Error(`the lower bound read ${lower.records} records, not ${expected}`);
  process.stdout.write(
    `${JSON.stringify({ records: expected, bytes: streaming.bytes, streamingMs: streaming.ms, lowerBoundMs: (before.ms + after.ms) / 2, lowerBoundBeforeMs: before.ms, lowerBoundAfterMs: after.ms, idRunsOnDisk: streaming.idRunsOnDisk })}\n`,
  );
}

async function stream(target: string, specId: string, expected: number): Promise<void> {
  const { ctx } = await context(specId, target);
  const measured = await timedAnalysis(ctx, expected);
  process.stdout.write(`${JSON.stringify({ ...measured, peakRssBytes: peakRss() })}\n`);
}

const [mode, target, ...rest] = process.argv.slice(2);
if (mode === 'pair' && target && rest.length === 3) await pair(target, rest[0]!, rest[1]!, Number(rest[2]));
else if (mode === 'stream' && target && rest.length === 2) await stream(target, rest[0]!, Number(rest[1]));
else {
  process.stderr.write(
    'usage: export-validation-worker.ts pair <url> <ndjson-file> <spec> <records> | stream <url> <spec> <records>\n',
  );
  process.exit(2);
}

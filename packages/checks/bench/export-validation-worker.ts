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
 *     Then both lower bounds are timed: `records`, the same lines already in memory as strings through
 *     JSON.parse and the same validator, nothing else; and `bytes`, the same bytes in memory through
 *     SHA-256, strict UTF-8, decoding, JSON.parse and the validator (the work the checks must do; see
 *     BoundKind). Then the production path (runExport and analyseExport from src/support/export.ts, on the
 *     runner's real HTTP client, against the benchmark's export server; only analyseExport is timed, once
 *     the API listing its fidelity sample comes from has been read, as a run's earlier checks read it), then
 *     the two bounds again in reverse order: each bound's figure is the mean of its two, so that neither
 *     path gains from going later. Each timed stretch starts after a full garbage collection.
 *   stream <target-url> <spec-id> <expected-records>
 *     Peak memory: the production path alone in a fresh process, so that VmHWM is its own; its time is
 *     reported too, cold, as a one-off run of the checks would see it.
 */
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import {
  createHarnessHttp,
  createRunContext,
  Redactor,
  type RunContext,
  resolveRunConfig,
} from '@council-conform/runner';
import { loadReference } from '../src/reference.ts';
import { analyseExport, fidelityIds, runExport } from '../src/support/export.ts';

/** Records the validator sees before the pair's timings: enough for V8 to optimise it, as a crawl would. */
const WARM_UP_RECORDS = 20_000;

/**
 * A full garbage collection before each timed stretch, so that none pays for collecting what the one before
 * it left: the bound over decoded lines holds 16 MiB of strings at a time, and the production path is timed
 * straight after the bounds.
 */
function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run the worker with --expose-gc, as bench/export-validation.ts does');
  gc();
}

/** User and system CPU time of this process, in milliseconds. */
const cpuMillis = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;

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

/**
 * Starts the export job, then times analyseExport alone and checks that it judged the file rightly.
 * `afterOthers`: timed after other stretches in this process (the pair), so garbage is collected first.
 */
async function timedAnalysis(ctx: RunContext & { close(): void }, expected: number, afterOthers: boolean) {
  const run = await runExport(ctx);
  if (run.outcome !== 'completed') throw new Error(`export did not complete: ${run.message}`);
  // The API listing the fidelity sample is drawn from, read before timing: in a run, the listing checks
  // have read it (and opened the connection) long before the export is analysed; timed, it was a fixed cost
  // of a tenth of a second that only the production path paid.
  const fidelityStarted = performance.now();
  await fidelityIds(ctx);
  const fidelityMs = performance.now() - fidelityStarted;
  // Not in a fresh process: a full collection there changes when V8 next collects, and so the peak RSS that
  // process is for (about 17 MiB higher at 1M records, on 2026-12-08).
  if (afterOthers) collectGarbage();
  const rssBefore = peakRss();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const analyses = await analyseExport(ctx);
  const ms = performance.now() - started;
  const cpuMs = cpuMillis(process.cpuUsage(cpuBefore));
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
    sha256: analysis.sha256,
    ms,
    cpuMs,
    ids: analysis.ids.size,
    idRunsOnDisk: spilledRuns,
    fidelityMs,
    peakRssBeforeBytes: rssBefore,
  };
}

/**
 * What a lower bound's timed loop does. `records`: JSON.parse and the validator over lines already decoded
 * (strings in memory), nothing else. `bytes`: the work the checks must do over the bytes too, as cheaply as
 * this machine does it: SHA-256 of every byte as read, strict UTF-8 over every whole line (Node's `isUtf8`,
 * as the production path checks it; decoding a batch with a fatal TextDecoder and splitting the string took
 * ten times as long), then each line found and decoded on its own (one-byte strings where a line is ASCII),
 * JSON.parse and the validator.
 */
type BoundKind = 'records' | 'bytes';

/**
 * A lower bound over an NDJSON file read from disk in 16 MiB blocks: reading, and for `records` cutting and
 * decoding lines, stay outside the timed loop. Gives the records judged, the time, and for `bytes` the file's
 * SHA-256, which must equal the production path's.
 */
function lowerBound(kind: BoundKind, path: string, validate: (record: unknown) => boolean) {
  collectGarbage();
  const fd = openSync(path, 'r');
  const block = Buffer.allocUnsafe(16 * 1024 * 1024);
  const hash = createHash('sha256');
  let carry = Buffer.alloc(0);
  let records = 0;
  let invalid = 0;
  let utf8 = true;
  let ms = 0;
  let cpuMs = 0;
  let started = 0;
  let cpuStarted = process.cpuUsage();
  const startClock = () => {
    cpuStarted = process.cpuUsage();
    started = performance.now();
  };
  const stopClock = () => {
    ms += performance.now() - started;
    cpuMs += cpuMillis(process.cpuUsage(cpuStarted));
  };
  /** `read`: the bytes just read, each byte once; `whole`: the whole lines they complete. */
  const judge = (read: Buffer, whole: Buffer) => {
    if (kind === 'records') {
      const lines: string[] = [];
      for (let start = 0; start < whole.length; ) {
        const newline = whole.indexOf(0x0a, start);
        const end = newline === -1 ? whole.length : newline;
        if (end > start) lines.push(whole.toString('utf8', start, end));
        start = end + 1;
      }
      startClock();
      for (const line of lines) if (!validate(JSON.parse(line))) invalid += 1;
      stopClock();
      records += lines.length;
      return;
    }
    startClock();
    hash.update(read);
    if (!isUtf8(whole)) utf8 = false;
    for (let start = 0; start < whole.length; ) {
      const newline = whole.indexOf(0x0a, start);
      const end = newline === -1 ? whole.length : newline;
      if (end > start) {
        if (!validate(JSON.parse(whole.toString('utf8', start, end)))) invalid += 1;
        records += 1;
      }
      start = end + 1;
    }
    stopClock();
  };
  try {
    for (let read = readSync(fd, block); read > 0; read = readSync(fd, block)) {
      // Whole lines to the block's last newline; the rest (a line longer than a block, all of it) carried.
      const end = block.lastIndexOf(0x0a, read - 1) + 1;
      const whole = Buffer.concat([carry, block.subarray(0, end)]);
      carry = end === 0 ? whole : Buffer.from(block.subarray(end, read));
      judge(block.subarray(0, read), end === 0 ? whole.subarray(0, 0) : whole);
    }
    // A last line without a newline; its bytes were hashed as they were read.
    if (carry.length > 0) judge(carry.subarray(0, 0), carry);
  } finally {
    closeSync(fd);
  }
  if (invalid > 0) throw new Error(`${invalid} records are not valid: the generator is wrong`);
  if (!utf8) throw new Error('the file is not UTF-8: the generator is wrong');
  return { records, ms, cpuMs, sha256: kind === 'bytes' ? hash.digest('hex') : undefined };
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
  // Each lower bound before and after, nested so that neither gains from going later: whichever runs later
  // meets a validator V8 has optimised further.
  const records = [lowerBound('records', path, validate)];
  const bytes = [lowerBound('bytes', path, validate)];
  const streaming = await timedAnalysis(ctx, expected, true);
  bytes.push(lowerBound('bytes', path, validate));
  records.push(lowerBound('records', path, validate));
  for (const lower of [...records, ...bytes]) {
    if (lower.records !== expected)
      throw new Error(`the lower bound read ${lower.records} records, not ${expected}`);
    if (lower.sha256 !== undefined && lower.sha256 !== streaming.sha256)
      throw new Error('the lower bound hashed other bytes than the production path');
  }
  const mean = (pair: { ms: number; cpuMs: number }[], key: 'ms' | 'cpuMs') =>
    ((pair[0]?.[key] ?? Number.NaN) + (pair[1]?.[key] ?? Number.NaN)) / 2;
  process.stdout.write(
    `${JSON.stringify({
      records: expected,
      bytes: streaming.bytes,
      streamingMs: streaming.ms,
      fidelityMs: streaming.fidelityMs,
      streamingCpuMs: streaming.cpuMs,
      recordsBoundMs: mean(records, 'ms'),
      recordsBoundCpuMs: mean(records, 'cpuMs'),
      recordsBoundBeforeMs: records[0]?.ms,
      recordsBoundAfterMs: records[1]?.ms,
      bytesBoundMs: mean(bytes, 'ms'),
      bytesBoundCpuMs: mean(bytes, 'cpuMs'),
      bytesBoundBeforeMs: bytes[0]?.ms,
      bytesBoundAfterMs: bytes[1]?.ms,
      idRunsOnDisk: streaming.idRunsOnDisk,
    })}\n`,
  );
}

async function stream(target: string, specId: string, expected: number): Promise<void> {
  const { ctx } = await context(specId, target);
  const measured = await timedAnalysis(ctx, expected, false);
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

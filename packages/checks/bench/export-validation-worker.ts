/**
 * One measurement of the export-validation benchmark, in a fresh process so that its peak RSS is its own.
 * Started by bench/export-validation.ts; prints one JSON line on stdout.
 *
 *   stream <target-url> <spec-id> <expected-records>
 *     The production path: runExport and analyseExport from src/support/export.ts, on the runner's real
 *     HTTP client, against the benchmark's export server. Only analyseExport is timed (the job start and
 *     poll are done first; analyseExport reads runExport's memoised result).
 *   stream <target-url> <spec-id> <expected-records> <file>
 *     The same, but analyseExport's download reads <file> from disk instead of HTTP (the job start and poll
 *     still go to the server): the analyser's own cost, without the network's.
 *   lower <ndjson-path> <spec-id>
 *     The lower bound: the same lines, already in memory as strings, through JSON.parse and the same
 *     compiled validator, nothing else. The file is read in blocks outside the timed loops.
 */
import { closeSync, createReadStream, openSync, readFileSync, readSync } from 'node:fs';
import {
  createHarnessHttp,
  createRunContext,
  Redactor,
  type RunContext,
  resolveRunConfig,
} from '@council-conform/runner';
import { loadReference } from '../src/reference.ts';
import { analyseExport, runExport } from '../src/support/export.ts';

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
  local?: string,
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
  // `local`: the same analyser fed from the file on disk instead of over HTTP, to tell the two costs apart.
  const ctx = createRunContext(
    config,
    reference,
    local
      ? {
          ...http,
          request: (request) => http.request(request),
          download: async (request, sink) => {
            let bytes = 0;
            for await (const chunk of createReadStream(local, { highWaterMark: 64 * 1024 })) {
              bytes += (chunk as Buffer).length;
              await sink(chunk as Buffer);
            }
            const exchange = {
              id: 'ex-local',
              startedAt: '',
              durationMs: 0,
              request: { method: 'GET', url: request.url, headers: {} },
            };
            return { exchange, status: 200, headers: {}, bytes };
          },
        }
      : http,
  );
  const dataset = reference.profile.datasets[0];
  if (!dataset) throw new Error(`${specId} has no datasets`);
  const pointer = `/components/schemas/${dataset.schema}`;
  // Compile the validator before timing, in both modes: the comparison is per record.
  ctx.referenceValidator.validate(pointer, {});
  return { ctx, pointer };
}

async function stream(target: string, specId: string, expected: number, local?: string): Promise<void> {
  const { ctx } = await context(specId, target, local);
  const run = await runExport(ctx);
  if (run.outcome !== 'completed') throw new Error(`export did not complete: ${run.message}`);
  const rssBefore = peakRss();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const analyses = await analyseExport(ctx);
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const spilledRuns = analyses[0]?.ids.spilledRuns ?? 0;
  ctx.close();
  const analysis = analyses[0];
  if (!analysis || analyses.length !== 1) throw new Error(`expected one file, got ${analyses.length}`);
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
  process.stdout.write(
    `${JSON.stringify({
      format: analysis.file.format,
      records: analysis.records,
      bytes: analysis.bytes,
      ms,
      cpuUserMs: cpu.user / 1000,
      cpuSystemMs: cpu.system / 1000,
      ids: analysis.ids.size,
      idRunsOnDisk: spilledRuns,
      peakRssBeforeBytes: rssBefore,
      peakRssBytes: peakRss(),
    })}\n`,
  );
}

async function lower(path: string, specId: string): Promise<void> {
  const { ctx, pointer } = await context(specId, 'http://127.0.0.1/');
  const validator = ctx.referenceValidator;
  const fd = openSync(path, 'r');
  const block = Buffer.allocUnsafe(16 * 1024 * 1024);
  let carry = Buffer.alloc(0);
  let records = 0;
  let invalid = 0;
  let bytes = 0;
  let ms = 0;
  const timed = (lines: string[]) => {
    const started = performance.now();
    for (const line of lines) {
      const errors = validator.validate(pointer, JSON.parse(line));
      if (errors.length > 0) invalid += 1;
    }
    ms += performance.now() - started;
    records += lines.length;
  };
  for (;;) {
    const read = readSync(fd, block, 0, block.length, null);
    if (read === 0) break;
    bytes += read;
    // Reading, cutting and decoding stay outside the timed loop. Each line is decoded on its own, as a
    // program holding lines in memory would have them (one-byte strings where a line is ASCII).
    const end = block.lastIndexOf(0x0a, read - 1);
    const whole = Buffer.concat([carry, block.subarray(0, end + 1)]);
    carry = Buffer.from(block.subarray(end + 1, read));
    const lines: string[] = [];
    for (let start = 0, newline = whole.indexOf(0x0a); newline !== -1; newline = whole.indexOf(0x0a, start)) {
      if (newline > start) lines.push(whole.toString('utf8', start, newline));
      start = newline + 1;
    }
    timed(lines);
  }
  closeSync(fd);
  if (carry.length > 0) timed([carry.toString('utf8')]);
  if (invalid > 0) throw new Error(`${invalid} records are not valid: the generator is wrong`);
  process.stdout.write(`${JSON.stringify({ records, bytes, ms, peakRssBytes: peakRss() })}\n`);
}

const [mode, first, specId, expected, localFile] = process.argv.slice(2);
if (mode === 'stream' && first && specId) await stream(first, specId, Number(expected), localFile);
else if (mode === 'lower' && first && specId) await lower(first, specId);
else {
  process.stderr.write(
    'usage: export-validation-worker.ts stream <url> <spec> <records> [<file>] | lower <file> <spec>\n',
  );
  process.exit(2);
}

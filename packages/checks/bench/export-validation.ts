/**
 * `pnpm bench` (through turbo) or `pnpm --filter @council-conform/checks bench`: how fast the export checks
 * validate a large export as it streams in, and in how much memory. For the reference spec whose main
 * dataset schema is the largest, generates exports of 10k, 100k and 1M records (NDJSON and CSV) from the
 * spec's fixtures and serves them from a local export server in this process. Each run of each size starts
 * fresh child processes (bench/export-validation-worker.ts): one times the production path (runExport and
 * analyseExport, src/support/export.ts, on the runner's HTTP client) and its lower bound (the same lines,
 * in memory, through JSON.parse and the same compiled validator) one after the other on one validator; one
 * runs the production path alone for its peak memory; one streams the CSV file. Writes
 * bench/results/export-validation.json and the export section of docs/performance.md at the repository root.
 *
 * BENCH_SIZES=10000,100000 and BENCH_RUNS=1 shorten a run while working on it; a size gets no further runs
 * once its runs have taken BENCH_SIZE_BUDGET_S (600 s), as on a machine busy with other work; BENCH_WORKER_FLAGS adds Node
 * flags to the measuring processes (`--cpu-prof --cpu-prof-dir=/tmp/prof` to see where the time goes).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { machineFacts, measuredOn, publishBenchmark } from '@council-conform/bench-report';
import { createSchemaValidator, type JsonObject } from '@council-conform/openapi';
import { listSpecIds, loadFixtures, loadSpec } from '@council-conform/specs';
import { SPILL_RUN_SIZE } from '../src/support/sorted-ids.ts';

const SIZES = (process.env.BENCH_SIZES ?? '10000,100000,1000000').split(',').map(Number);
/** Of an even count, the mean of the middle two: neither is favoured. */
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? Number.NaN) + upper) / 2;
};
const round = (value: number, digits = 0) => Number(value.toFixed(digits));

/**
 * Runs per size; the figures are medians over them. Five below 1M records, where a run takes seconds and the
 * ratio moves most between runs (0.62 to 0.99 at 10k on 2026-12-08, the same code each time); three at 1M,
 * where a run takes one to three minutes on 2 cores. BENCH_RUNS sets one count for every size.
 */
const runsFor = (records: number) => Number(process.env.BENCH_RUNS ?? (records >= 1_000_000 ? 3 : 5));
/** After this long on one size's runs, it gets no more (at least one): on a loaded machine 1M takes many minutes a run. */
const SIZE_BUDGET_MS = Number(process.env.BENCH_SIZE_BUDGET_S ?? 600) * 1000;
const TARGET_RATIO = 0.8;
/** The issue's 200 MB, in the MiB that peak RSS is shown in. */
const TARGET_RSS_MIB = round(200_000_000 / (1024 * 1024), 1);
/** Peak RSS counts as flat when the largest size needs at most this much more than the smallest. */
const FLAT_TOLERANCE = 0.25;

const repoRoot = resolve(import.meta.dirname, '..', '..', '..');
const packageDir = resolve(import.meta.dirname, '..');
const workerScript = join(packageDir, 'bench', 'export-validation-worker.ts');
const MiB = 1024 * 1024;

const isObject = (value: unknown): value is JsonObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

// --- Which spec: the one whose main (first) dataset's schema, with every $ref inlined, is the largest. ---

function inlinedSchemaBytes(document: JsonObject, schema: string): number {
  const inline = (node: unknown, trail: ReadonlySet<string>): unknown => {
    if (Array.isArray(node)) return node.map((item) => inline(item, trail));
    if (!isObject(node)) return node;
    const ref = node.$ref;
    if (typeof ref === 'string' && ref.startsWith('#/')) {
      if (trail.has(ref)) return { $ref: ref };
      const target = ref
        .slice(2)
        .split('/')
        .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))
        .reduce<unknown>((n, t) => (isObject(n) ? n[t] : undefined), document);
      return inline(target, new Set([...trail, ref]));
    }
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, inline(value, trail)]));
  };
  return JSON.stringify(inline({ $ref: `#/components/schemas/${schema}` }, new Set())).length;
}

const candidates = [];
for (const id of listSpecIds()) {
  let spec: Awaited<ReturnType<typeof loadSpec>>;
  try {
    spec = await loadSpec(id);
  } catch (error) {
    process.stdout.write(`skipping ${id}: ${(error as Error).message}\n`);
    continue;
  }
  const dataset = spec.profile.datasets[0];
  if (dataset)
    candidates.push({ spec, dataset, schemaBytes: inlinedSchemaBytes(spec.document, dataset.schema) });
}
candidates.sort((a, b) => b.schemaBytes - a.schemaBytes);
const chosen = candidates[0];
if (!chosen) throw new Error('no reference specs to benchmark');
const { spec, dataset } = chosen;
const templates = ((await loadFixtures(spec.id))[dataset.id] ?? []).filter(isObject);
if (templates.length === 0) throw new Error(`${spec.id}/${dataset.id} has no fixtures to use as templates`);
process.stdout.write(
  `largest main dataset schema: ${spec.id} ${dataset.id} (${dataset.schema}, ${chosen.schemaBytes} bytes inlined; next ${candidates[1]?.spec.id} at ${candidates[1]?.schemaBytes}); ${templates.length} fixture templates\n`,
);

// --- Generation: each record is a fixture with a deterministic, unique id; checked valid before use. ---

const MARK = '__bench_id_marker__';
const templateId = String(templates[0]?.[dataset.idField] ?? 'rec-1');
const idPrefix = templateId.replace(/\d+$/, '') || `${templateId}-`;
const recordId = (n: number) => `${idPrefix}${String(n + 1).padStart(7, '0')}`;

/** RFC 4180 cell, as the mock supplier writes it: nested values as JSON text. */
const csvCell = (value: unknown): string => {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};
const columns = [...new Set(templates.flatMap((t) => Object.keys(t)))];
const split = (text: string, marker: string): [string, string] => {
  const at = text.indexOf(marker);
  if (at === -1 || text.indexOf(marker, at + 1) !== -1) throw new Error('the id marker must occur once');
  return [text.slice(0, at), text.slice(at + marker.length)];
};
const shapes = templates.map((template) => {
  const marked = { ...template, [dataset.idField]: MARK };
  return {
    json: split(JSON.stringify(marked), JSON.stringify(MARK)),
    csv: split(columns.map((column) => csvCell(marked[column])).join(','), MARK),
  };
});
const ndjsonLine = (n: number) => {
  const [head, tail] = shapes[n % shapes.length]!.json;
  return `${head}${JSON.stringify(recordId(n))}${tail}\n`;
};
const csvRow = (n: number) => {
  const [head, tail] = shapes[n % shapes.length]!.csv;
  return `${head}${csvCell(recordId(n))}${tail}\r\n`;
};

{
  const validator = createSchemaValidator(spec.document, { patterns: 'trusted' });
  const pointer = `/components/schemas/${dataset.schema}`;
  for (const n of [0, ...templates.map((_, i) => 999_999 - i)]) {
    const errors = validator.validate(pointer, JSON.parse(ndjsonLine(n)));
    if (errors.length > 0)
      throw new Error(`generated record ${n} is not valid: ${errors.map((e) => e.message).join('; ')}`);
  }
}

interface Generated {
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
}

function writeFile(path: string, header: string, records: number, line: (n: number) => string): Generated {
  const fd = openSync(path, 'w');
  const hash = createHash('sha256');
  let bytes = 0;
  let batch = header;
  const flush = () => {
    const chunk = Buffer.from(batch, 'utf8');
    hash.update(chunk);
    writeSync(fd, chunk);
    bytes += chunk.length;
    batch = '';
  };
  for (let n = 0; n < records; n++) {
    batch += line(n);
    if (batch.length > 4 * MiB) flush();
  }
  flush();
  closeSync(fd);
  return { path, bytes, sha256: hash.digest('hex') };
}

// --- The export server: POST /exports, one complete job, and the current file. ---

interface Served {
  readonly file: Generated;
  readonly format: 'ndjson' | 'csv';
  readonly records: number;
}
let served: Served | undefined;
const MEDIA_TYPES = {
  ndjson: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8; header=present',
};

const server: Server = createServer((request, response) => {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  if (request.method === 'POST' && path === '/exports') {
    request.resume();
    response.writeHead(202, { location: '/exports/bench', 'content-type': 'application/json' });
    response.end('{"id":"bench","status":"running"}');
  } else if (request.method === 'GET' && path === '/exports/bench' && served) {
    const file = {
      dataset: dataset.id,
      format: served.format,
      mediaType: MEDIA_TYPES[served.format],
      records: served.records,
      bytes: served.file.bytes,
      sha256: served.file.sha256,
      schema: `/openapi.json#/components/schemas/${dataset.schema}`,
      url: `/exports/bench/files/${dataset.id}.${served.format}`,
    };
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ id: 'bench', status: 'complete', manifest: { files: [file] } }));
  } else if (
    request.method === 'GET' &&
    served &&
    path === `/exports/bench/files/${dataset.id}.${served.format}`
  ) {
    response.writeHead(200, {
      'content-type': MEDIA_TYPES[served.format],
      'content-length': String(served.file.bytes),
    });
    createReadStream(served.file.path, { highWaterMark: 256 * 1024 }).pipe(response);
  } else {
    response.writeHead(404, { 'content-type': 'application/problem+json' });
    response.end('{"title":"Not Found","status":404}');
  }
});
await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
const target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

// --- Measurements, each in a fresh process. ---

function worker(args: string[]): Promise<Record<string, number>> {
  return new Promise((done, fail) => {
    const flags = process.env.BENCH_WORKER_FLAGS?.split(' ').filter(Boolean) ?? [];
    // --expose-gc: the worker collects garbage before each timed stretch.
    const child = spawn(
      process.execPath,
      [...flags, '--expose-gc', '--import', 'tsx', workerScript, ...args],
      {
        cwd: packageDir,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', fail);
    child.on('close', (code) => {
      if (code !== 0) fail(new Error(`worker ${args[0]} exited ${code}: ${stderr.trim()}`));
      else done(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, number>);
    });
  });
}

interface Throughput {
  readonly medianMs: number;
  readonly recordsPerSecond: number;
  readonly mbPerSecond: number;
}

function throughput(ms: number[], records: number, bytes: number): Throughput {
  const at = median(ms);
  return {
    medianMs: round(at),
    recordsPerSecond: round(records / (at / 1000)),
    mbPerSecond: round(bytes / MiB / (at / 1000), 1),
  };
}

const peakMiB = (samples: Record<string, number>[], key = 'peakRssBytes') =>
  round(Math.max(...samples.map((s) => s[key] ?? Number.NaN)) / MiB, 1);

interface Row {
  readonly records: number;
  readonly runs: number;
  readonly ndjson: {
    readonly bytes: number;
    /** The production path, timed in the same process as the lower bounds (medians over runs). */
    readonly streaming: Throughput;
    /** SHA-256, strict UTF-8, decoding, JSON.parse and the validator over the bytes in memory. */
    readonly bytesBound: Throughput;
    /** JSON.parse and the validator over lines already decoded, in memory (this benchmark's first bound). */
    readonly recordsBound: Throughput;
    /** Median over runs of each run's streaming / bytes-bound records per second: what the target judges. */
    readonly ratio: number;
    readonly ratios: readonly number[];
    /** The same against the records bound. */
    readonly ratioToRecordsBound: number;
    readonly ratiosToRecordsBound: readonly number[];
    /**
     * The same two ratios of CPU time (this process's user + system) rather than wall time: shown, not
     * judged, because on a shared machine they move less with other work than wall times do.
     */
    readonly cpuRatio: number;
    readonly cpuRatioToRecordsBound: number;
    /** The production path alone in a fresh process: its peak RSS, and its time with nothing before it. */
    readonly fresh: Throughput & { readonly peakRssMiB: number };
    /** Sorted runs of exported ids the analysis wrote to disk. */
    readonly idRunsOnDisk: number;
  };
  readonly csv: { readonly bytes: number; readonly streaming: Throughput & { readonly peakRssMiB: number } };
  readonly peakRssBeforeAnalysisMiB: number;
}

// One-minute load averages through the run: above the core count, other work was queueing for the CPU too.
const loadSamples = [loadavg()[0] ?? Number.NaN];
const loadSampler = setInterval(() => loadSamples.push(loadavg()[0] ?? Number.NaN), 10_000);
loadSampler.unref();

const work = mkdtempSync(join(tmpdir(), 'conform-export-bench-'));
const rows: Row[] = [];
try {
  for (const records of SIZES) {
    let started = performance.now();
    const ndjson = writeFile(join(work, `${records}.ndjson`), '', records, ndjsonLine);
    const csv = writeFile(
      join(work, `${records}.csv`),
      `${columns.map(csvCell).join(',')}\r\n`,
      records,
      csvRow,
    );
    process.stdout.write(
      `\n${records} records: NDJSON ${(ndjson.bytes / MiB).toFixed(1)} MiB, CSV ${(csv.bytes / MiB).toFixed(1)} MiB, generated in ${((performance.now() - started) / 1000).toFixed(1)} s; up to ${runsFor(records)} run(s)\n`,
    );
    started = performance.now();
    const pairs: Record<string, number>[] = [];
    const fresh: Record<string, number>[] = [];
    const csvStreamed: Record<string, number>[] = [];
    const runs = runsFor(records);
    for (let run = 0; run < runs && (run === 0 || performance.now() - started < SIZE_BUDGET_MS); run++) {
      served = { file: ndjson, format: 'ndjson', records };
      pairs.push(await worker(['pair', target, ndjson.path, spec.id, String(records)]));
      fresh.push(await worker(['stream', target, spec.id, String(records)]));
      if (process.env.BENCH_VERBOSE)
        process.stdout.write(`${JSON.stringify(pairs.at(-1))}\n${JSON.stringify(fresh.at(-1))}\n`);
      served = { file: csv, format: 'csv', records };
      csvStreamed.push(await worker(['stream', target, spec.id, String(records)]));
    }
    served = undefined;
    const ratiosTo = (bound: string, streaming = 'streamingMs') =>
      pairs.map((p) => round((p[bound] ?? Number.NaN) / (p[streaming] ?? Number.NaN), 2));
    const ratios = ratiosTo('bytesBoundMs');
    const ratiosToRecordsBound = ratiosTo('recordsBoundMs');
    const row: Row = {
      records,
      runs: pairs.length,
      ndjson: {
        bytes: ndjson.bytes,
        streaming: throughput(
          pairs.map((p) => p.streamingMs ?? Number.NaN),
          records,
          ndjson.bytes,
        ),
        bytesBound: throughput(
          pairs.map((p) => p.bytesBoundMs ?? Number.NaN),
          records,
          ndjson.bytes,
        ),
        recordsBound: throughput(
          pairs.map((p) => p.recordsBoundMs ?? Number.NaN),
          records,
          ndjson.bytes,
        ),
        ratio: median(ratios),
        ratios,
        ratioToRecordsBound: median(ratiosToRecordsBound),
        ratiosToRecordsBound,
        cpuRatio: median(ratiosTo('bytesBoundCpuMs', 'streamingCpuMs')),
        cpuRatioToRecordsBound: median(ratiosTo('recordsBoundCpuMs', 'streamingCpuMs')),
        fresh: {
          ...throughput(
            fresh.map((s) => s.ms ?? Number.NaN),
            records,
            ndjson.bytes,
          ),
          peakRssMiB: peakMiB(fresh),
        },
        idRunsOnDisk: Math.max(...fresh.map((s) => s.idRunsOnDisk ?? 0)),
      },
      csv: {
        bytes: csv.bytes,
        streaming: {
          ...throughput(
            csvStreamed.map((s) => s.ms ?? Number.NaN),
            records,
            csv.bytes,
          ),
          peakRssMiB: peakMiB(csvStreamed),
        },
      },
      peakRssBeforeAnalysisMiB: peakMiB(fresh, 'peakRssBeforeBytes'),
    };
    process.stdout.write(
      `${JSON.stringify(row)}\nmeasured in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
    );
    rows.push(row);
    rmSync(ndjson.path, { force: true });
    rmSync(csv.path, { force: true });
  }
} finally {
  clearInterval(loadSampler);
  loadSamples.push(loadavg()[0] ?? Number.NaN);
  server.close();
  rmSync(work, { recursive: true, force: true });
}

// --- Verdicts, results file and the doc section. ---

const first = rows[0];
const last = rows.at(-1);
if (!first || !last) throw new Error('no sizes measured');
const peak = (row: Row) => Math.max(row.ndjson.fresh.peakRssMiB, row.csv.streaming.peakRssMiB);
const minRatio = Math.min(...rows.map((row) => row.ndjson.ratio));
const minRatioToRecordsBound = Math.min(...rows.map((row) => row.ndjson.ratioToRecordsBound));
const minOf = (ratio: (row: Row) => number) => Math.min(...rows.map(ratio)).toFixed(2);
const maxPeak = Math.max(...rows.map(peak));
const growth = peak(last) / peak(first) - 1;
const verdict = {
  /** Judged against the bytes bound (issue 21: SHA-256 and strict UTF-8 are part of the work). */
  ratioMet: minRatio >= TARGET_RATIO,
  minRatio,
  /** Shown, not judged: the first bound, JSON.parse and the validator alone. */
  ratioToRecordsBoundMet: minRatioToRecordsBound >= TARGET_RATIO,
  minRatioToRecordsBound,
  rssUnderLimit: maxPeak < TARGET_RSS_MIB,
  maxPeakRssMiB: maxPeak,
  rssFlat: growth <= FLAT_TOLERANCE,
  rssGrowthSmallestToLargest: round(growth, 2),
};
const count = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000}M` : n >= 1000 ? `${n / 1000}k` : String(n));
const report = {
  generatedAt: new Date().toISOString(),
  machine: machineFacts(),
  loadAverage: {
    atStart: round(loadSamples[0] ?? Number.NaN, 1),
    atEnd: round(loadSamples.at(-1) ?? Number.NaN, 1),
    mean: round(loadSamples.reduce((a, b) => a + b, 0) / loadSamples.length, 1),
    max: round(Math.max(...loadSamples), 1),
    samples: loadSamples.length,
  },
  spec: {
    id: spec.id,
    dataset: dataset.id,
    schema: dataset.schema,
    inlinedSchemaBytes: chosen.schemaBytes,
    templates: templates.length,
    ranking: candidates.map((c) => ({
      spec: c.spec.id,
      dataset: c.dataset.id,
      inlinedSchemaBytes: c.schemaBytes,
    })),
  },
  method: {
    streaming:
      'runExport + analyseExport (packages/checks/src/support/export.ts) on the runner HTTP client, over loopback HTTP from a server in the parent process; analyseExport alone is timed (once the API listing of its fidelity sample has been read, as earlier checks of a run read it), in a fresh child process per size and run after the validator has judged the first 20,000 records (as a crawl of the API has it judge records first); this and each bound start after a full garbage collection',
    bytesBound:
      'in the same process, just before and just after the streaming path (the mean of the two): the same NDJSON bytes in memory (read from disk in 16 MiB blocks outside the timed loop), SHA-256 of every byte, strict UTF-8 (isUtf8) over the whole lines, each line found and decoded, JSON.parse + the same compiled Ajv validator (ctx.referenceValidator), nothing else',
    recordsBound:
      'in the same process, just before and just after the streaming path and around the bytes bound (the mean of the two): the same NDJSON lines as strings in memory, JSON.parse + the same compiled Ajv validator, nothing else; read, split and decoded outside the timed loops',
    ratio:
      "median over runs of each run's bound time / streaming time; the target is judged against the bytes bound",
    cpuRatio:
      "the same of CPU time (process.cpuUsage, user + system) over the same timed stretches; the production path's includes its HTTP client, not the export server's",
    loadAverage: 'one-minute load average sampled every 10 s from the start of the measurements to their end',
    fresh:
      'the production path alone in another fresh child process, nothing before it: peak RSS and a cold time',
    peakRss: 'VmHWM of the fresh child process (/proc/self/status) after the analysis',
    runs: `median of ${rows.map((row) => `${row.runs} runs at ${count(row.records)}`).join(', ')}${rows.some((row) => row.runs < runsFor(row.records)) ? ` (fewer than ${rows.map((row) => runsFor(row.records)).join(', ')} where a size's runs had taken ${SIZE_BUDGET_MS / 1000} s)` : ''}`,
  },
  targets: {
    ratio: TARGET_RATIO,
    peakRssMiB: TARGET_RSS_MIB,
    peakRssMB: 200,
    flat: `peak RSS at the largest size at most ${FLAT_TOLERANCE * 100}% above the smallest`,
  },
  verdict,
  sizes: rows,
};
const thousands = (n: number) => Math.round(n).toLocaleString('en-GB');
const met = (ok: boolean) => (ok ? 'met' : '**not met**');
const speed = (t: Throughput) => `${thousands(t.recordsPerSecond)} rec/s, ${t.mbPerSecond} MB/s`;
/** Where the production path's time goes beyond the bounds: written from CPU profiles, not measured here. */
const PROFILE_NOTES = [
  'Where the production path spends what the bounds do not, from CPU profiles of 100k-record runs on this',
  'machine (2026-11-23; 2026-12-07 under a load average of 6 to 9): parsing and validating cost the same in',
  'path and bounds, and SHA-256 over every byte is about 7% of the path, strict UTF-8 about 1%, in both. Fed',
  'the same 1 MiB batches in memory rather than over HTTP (50k records, six rounds, CPU time), the',
  'production pipeline (NdjsonRecordPipeline and its ByteTally, src/support/ndjson-pipeline.ts) took 983 to',
  '1,034 ms where the SHA-256 + UTF-8 bound took 920 to 992 ms: gathering network chunks into batches and',
  'writing sorted ids to disk cost about 5%. The rest of the gap is the download itself: waiting for the',
  'next bytes from the export server, which shares the two cores (6% of the path on a quiet machine, 10%',
  'under load), and undici and stream hand-offs (2%). Hashing each network chunk as it arrives instead of',
  'each batch hashes the same bytes, so saves nothing; decoding each 1 MiB batch once and parsing slices of',
  'it took 2.3 times the CPU of decoding line by line (a batch is a two-byte string wherever one character',
  'is not ASCII, and JSON.parse reads those slower). Two ways to take work off the main thread were tried',
  'earlier and not kept: a thread for the SHA-256, UTF-8 and date tally saved its 7% but added 14 MiB and a way for the',
  'whole export analysis to fail; and a second thread judging alternate batches gained only a few per cent',
  "at 100k with the server sharing the two cores, lost at 10k (the thread's start), and took peak RSS to",
  '192 MiB, past 200 MB. A third was tried on 2026-12-07 and not kept: the download itself (undici, gathering',
  'whole lines, SHA-256 and UTF-8) in a worker thread started and warmed before the timing, handing each 1 MiB',
  'batch to the main thread (transferred, not copied) to parse and validate. At 10k it reached 0.49 where the',
  'production path reached 0.58 in the same runs: with the export server busy as well, three threads on two',
  "cores slowed the main thread's parsing and validating by more than they took off it. Over loopback on this",
  'machine, downloading alone costs the reading thread about 1 ms a MiB (measured with the work of a batch',
  "simulated), whatever the server's read size or the client's buffer sizes: about 20 ms at 10k and 200 ms at",
  '100k that the in-memory bound never pays.',
  '',
  'Why 10k stays furthest from the bound, from a timeline of the path in the pair (2026-12-08, each step',
  'timed inside one run): the request goes out 2 to 3 ms after analyseExport starts (setting up the',
  "file's checks) and the first body bytes arrive 2 to 18 ms after that (the export server opening and",
  'reading the file); the 1 MiB batches cost what the bound costs, within the spread between runs; and',
  'reading the network chunks between batches (about 17 chunks of up to 64 KiB a batch) took about 65 ms',
  'in all. About 20 ms of that was reading each body by two levels of async iteration (the body stream, and',
  "a generator counting wire bytes): the runner's HTTP client (packages/runner/src/http.ts) now reads",
  "bodies by 'data' events, and the reading between batches took 37 to 52 ms. The event loop was not idle",
  "between batches (performance.eventLoopUtilization): what is left is undici's parser, the body stream and",
  "the socket reads, about 0.13 ms a chunk, and the minor GCs of the batches' garbage that fall between",
  'them. At 100k the same reading is ten times as long and the fixed costs the same. On this machine on',
  "2026-12-08 the same code measured ratios from 0.62 to 0.99 between runs at 10k: the host's speed changed",
  'within a run (consecutive 1 MiB batches took 12 ms, then 20 ms, while the process never waited for a',
  'core, per /proc/self/task/*/schedstat), and that moves a path and its bounds, timed moments apart, unequally.',
  '',
  "Tried on 2026-12-08 after the change to 'data' events, and not kept (medians of five runs at 10k, each set",
  "alternated with a set of the path as it is): the SHA-256 in a worker thread started with the file's",
  'analysis, each 1 MiB batch copied to it, reached 0.67 and 0.56 where the path reached 0.81 and 0.73;',
  "socket reads of up to 1 MiB (a net `onread` buffer given through undici's connector: on a bare client,",
  'about 25 reads of the 10k file instead of about 330) reached 0.74 and 0.78 against 0.73 and 0.87; batches',
  'of 4 MiB rather than 1 MiB reached 0.71 and 0.68 against 0.76 and 0.77. Fed the 10k file in memory in 64',
  'KiB pieces, warm, ten rounds interleaved in one process, the pipeline (ids kept, dates counted) took 263',
  "ms (median; least 229) where the bound's loop took 261 (least 219): its own work costs what the bound's",
  'does. In the pair the first 1 MiB batch took 16 to 21 ms and the rest about 11 ms each on a quiet host,',
  'the first as slow in a second run of the path in the same process, with its code warm. Sets of five runs',
  'of the unchanged path measured medians from 0.73 to 0.87 that day.',
];
const load = report.loadAverage;
// The benchmark keeps one core busy and the export server part of the other.
const busy = load.max > report.machine.cores + 2;
const section = [
  '## Export validation (`right-to-data-*` checks)',
  '',
  `${measuredOn(report.machine, report.generatedAt)}; ${report.method.runs}. Raw numbers: \`bench/results/export-validation.json\`.`,
  '',
  `Load average (one minute, sampled every 10 s) ${load.atStart} at the start, ${load.atEnd} at the end, ${load.mean} on average and ${load.max} at most, on ${report.machine.cores} cores; this benchmark accounts for one to two of it. ${busy ? 'Past that, other work was sharing the CPU: it lengthens every time here, but the ratios compare paths timed in one process moments apart, so they are fair to each other.' : 'The machine was otherwise quiet.'}`,
  '',
  `Data: \`${spec.id}\`, dataset \`${dataset.id}\` (schema \`${dataset.schema}\`, ${chosen.schemaBytes} bytes with every \`$ref\` inlined, the largest main-dataset schema of the reference specs), ${templates.length} fixtures repeated with unique ids; every record is valid.`,
  '',
  '| Records | NDJSON | streaming (production path) | lower bound: SHA-256 + UTF-8 + JSON.parse + validator | ratio (each run) | lower bound: JSON.parse + validator | ratio (each run) | ratios by CPU time | fresh process: streaming, peak RSS | CSV | CSV streaming, peak RSS |',
  '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map(
    (row) =>
      `| ${count(row.records)} | ${(row.ndjson.bytes / MiB).toFixed(0)} MiB | ${speed(row.ndjson.streaming)} | ${speed(row.ndjson.bytesBound)} | **${row.ndjson.ratio.toFixed(2)}** (${row.ndjson.ratios.map((r) => r.toFixed(2)).join(', ')}) | ${speed(row.ndjson.recordsBound)} | ${row.ndjson.ratioToRecordsBound.toFixed(2)} (${row.ndjson.ratiosToRecordsBound.map((r) => r.toFixed(2)).join(', ')}) | ${row.ndjson.cpuRatio.toFixed(2)}, ${row.ndjson.cpuRatioToRecordsBound.toFixed(2)} | ${thousands(row.ndjson.fresh.recordsPerSecond)} rec/s, ${row.ndjson.fresh.peakRssMiB} MiB | ${(row.csv.bytes / MiB).toFixed(0)} MiB | ${thousands(row.csv.streaming.recordsPerSecond)} rec/s, ${row.csv.streaming.peakRssMiB} MiB |`,
  ),
  '',
  'Targets (issues 8 and 21):',
  '',
  `- Streaming throughput at least ${TARGET_RATIO} of the lower bound that counts SHA-256 and strict UTF-8 (issue 21 decided they are part of the work the checks must do, so the target is judged against this bound): ${met(verdict.ratioMet)} (lowest ratio ${minRatio.toFixed(2)}).`,
  `- Shown, not judged: against the first bound, JSON.parse and the validator alone, the lowest ratio is ${minRatioToRecordsBound.toFixed(2)} (${verdict.ratioToRecordsBoundMet ? 'at least' : 'under'} ${TARGET_RATIO}). By CPU time rather than wall time (the ratios-by-CPU column: to the SHA-256 + UTF-8 bound, then to the JSON.parse + validator bound), the lowest are ${minOf((row) => row.ndjson.cpuRatio)} and ${minOf((row) => row.ndjson.cpuRatioToRecordsBound)}.`,
  `- Peak RSS under 200 MB (${TARGET_RSS_MIB} MiB) at every size: ${met(verdict.rssUnderLimit)} (highest ${maxPeak} MiB).`,
  `- Peak RSS flat from ${count(first.records)} to ${count(last.records)} records (at most ${FLAT_TOLERANCE * 100}% growth): ${met(verdict.rssFlat)} (${peak(first)} → ${peak(last)} MiB, ${verdict.rssGrowthSmallestToLargest >= 0 ? '+' : ''}${Math.round(verdict.rssGrowthSmallestToLargest * 100)}%).`,
  '',
  'The streaming figure is the production path whole: `analyseExport` (src/support/export.ts) downloading',
  "the file over loopback HTTP with the runner's client from the export server in the parent process, cutting",
  '1 MiB batches of whole lines, hashing each batch (SHA-256), checking strict UTF-8 and counting dd/mm/yyyy',
  'dates in its bytes, then decoding, parsing and validating each record, keeping a 200-record sample, and',
  `keeping every id for \`right-to-data-export-complete\`: ids are held ${SPILL_RUN_SIZE.toLocaleString('en-GB')} at a time, then sorted and`,
  `written to the run's scratch directory (${last.ndjson.idRunsOnDisk} runs at ${count(last.records)} records), so that the completeness check merges sorted`,
  'streams and no size of export is held in memory. The API listing the fidelity sample is drawn from is',
  "read before the timing starts, as a run's listing checks have read it by the time the export is analysed.",
  '',
  'The two lower bounds work on the same file in memory, read from disk in 16 MiB blocks outside the timed',
  'loops. The first (SHA-256 + UTF-8) does what the checks must do to every byte, as cheaply as this machine',
  "does it: SHA-256 of every byte, strict UTF-8 over the whole lines with Node's `isUtf8` (as the production",
  'path checks it; decoding a block with a fatal `TextDecoder` and splitting the string took ten times as',
  'long), then each line found, decoded on its own (a one-byte string where it is ASCII), `JSON.parse` and the',
  'compiled validator. The second is only `JSON.parse` and the validator over lines already decoded: the',
  'bound this benchmark first reported, kept so the earlier figures stay comparable. All three are timed in',
  'one process on one compiled validator, the bounds just before and just after the production path in',
  "mirrored order (each bound's figure is the mean of its two), once the validator has judged the first",
  '20,000 records (a real run validates API records with it before it reaches the export), each after a',
  'full garbage collection, so that none pays for collecting what the one before it left. Timed in',
  'separate processes, as this benchmark first did, path and bound swung against each other from 0.60 to',
  "1.04 between runs: how well V8 optimises Ajv's generated functions differs from process to process (in",
  "slow runs the profiles show Ajv's `ucs2length` left un-inlined, costing a third more time), and that",
  'moves both paths alike when they share the validator. The fresh-process column is the production path',
  'alone, with nothing run before it: the validator is compiled and optimised during the download.',
  '',
  ...PROFILE_NOTES,
  '',
  'Peak RSS is the VmHWM of that fresh process, Node and the compiled reference included',
  `(${first.peakRssBeforeAnalysisMiB} MiB before the download starts). CSV files are checked for RFC 4180 structure, not validated`,
  'against the schema, so they have no lower bound. Their bytes are decoded at most 32 KiB at a time',
  '(`CSV_DECODE_PIECE_BYTES`, src/support/csv-stream.ts): decoded as the download handed them over, often',
  'several network chunks gathered while the checks were busy, they made strings large enough for V8 to',
  'allocate outside its young generation; a row being read kept each alive through a minor GC, and each',
  'then stayed in the old generation until the next full GC. The heap grew by about 100 MB over a million',
  'rows before one came (seen with `--trace-gc` and v8.getHeapSpaceStatistics: the large-object space',
  'grew, the rest did not), and peak RSS at 1M was 213 MiB (2026-12-07, before the change). For the same',
  'reason the id spill (src/support/sorted-ids.ts) reuses one array for every run of ids after the first:',
  'grown from empty each run, it passed through ever larger copies, the last few in the large-object space.',
].join('\n');
const written = publishBenchmark({
  repoRoot,
  name: 'export-validation',
  marker: 'export-bench',
  source: 'packages/checks/bench/export-validation.ts',
  report,
  section,
});
process.stdout.write(
  `\nwrote ${relative(repoRoot, written.resultsPath)} and ${relative(repoRoot, written.performancePath)}\n`,
);

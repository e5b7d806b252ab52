import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

/** The machine a benchmark ran on, as every result file and doc section states it. */
export interface MachineFacts {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly platform: string;
}

export function machineFacts(): MachineFacts {
  const list = cpus();
  return {
    // "AMD EPYC 7B13 64-Core Processor": the host's core count says nothing about this machine's.
    cpu: (list[0]?.model ?? 'unknown').replace(/\s+\d+-Core Processor$/, '').trim(),
    cores: list.length,
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

/** "Measured 2026-11-23 on 2 cores (AMD EPYC), 24 GiB, Node v22.23.3" */
export function measuredOn(machine: MachineFacts, at: Date | string): string {
  const day = (typeof at === 'string' ? at : at.toISOString()).slice(0, 10);
  return `Measured ${day} on ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, Node ${machine.node}`;
}

const PERFORMANCE_HEADER =
  '# Performance\n\nBenchmarks run by `pnpm bench` (never timed tests). Each section is written by its benchmark.\n';

/**
 * `document` with the section marked `marker` replaced by `body` (between fresh markers naming `source`),
 * or with it appended when the document has none yet. Other sections are left exactly as they were.
 */
export function withSection(document: string, marker: string, source: string, body: string): string {
  const section = [
    `<!-- ${marker}:start (written by \`pnpm bench\`: ${source}) -->`,
    body.trimEnd(),
    `<!-- ${marker}:end -->`,
  ].join('\n');
  const escaped = marker.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const marked = new RegExp(`<!-- ${escaped}:start[\\s\\S]*?<!-- ${escaped}:end -->`);
  // A function, so that `$` in the body is never read as a replacement pattern.
  return marked.test(document)
    ? document.replace(marked, () => section)
    : `${document.trimEnd()}\n\n${section}\n`;
}

export interface BenchmarkPublication {
  /** The repository root: results go to bench/results/, the section to docs/performance.md. */
  readonly repoRoot: string;
  /** The results file's name, without `.json`. */
  readonly name: string;
  /** The doc section's marker, `<!-- <marker>:start … -->` to `<!-- <marker>:end -->`. */
  readonly marker: string;
  /** The benchmark's script, relative to the repository root, named in the section's opening marker. */
  readonly source: string;
  readonly report: unknown;
  /** The section's Markdown, from its heading on, without markers. */
  readonly section: string;
}

/** Writes bench/results/<name>.json and the `marker` section of docs/performance.md; returns both paths. */
export function publishBenchmark(publication: BenchmarkPublication): {
  readonly resultsPath: string;
  readonly performancePath: string;
} {
  const resultsDir = join(publication.repoRoot, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const resultsPath = join(resultsDir, `${publication.name}.json`);
  writeFileSync(resultsPath, `${JSON.stringify(publication.report, null, 2)}\n`);
  const performancePath = join(publication.repoRoot, 'docs', 'performance.md');
  const existing = existsSync(performancePath) ? readFileSync(performancePath, 'utf8') : PERFORMANCE_HEADER;
  writeFileSync(
    performancePath,
    withSection(existing, publication.marker, publication.source, publication.section),
  );
  return { resultsPath, performancePath };
}

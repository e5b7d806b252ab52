/**
 * Our reference specs, bundled into one document each, pass the two linters a council's reviewer is most
 * likely to reach for besides `conform lint`: the Spectral CLI with only its `spectral:oas` ruleset, and the
 * Redocly CLI with its `recommended` ruleset. Warnings are allowed; an error from either fails the test,
 * named by file, rule and path. Both run as child processes, offline. What they read is exactly what is
 * published: the bundler's output, as the reference server serves it, and for one spec the file
 * `conform bundle <spec> --out` writes.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { type JsonObject, validateOpenApiStructure } from '@council-conform/openapi';
import { BUDGET } from '@council-conform/test-budgets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { listSpecIds, loadSpec, specDir } from '../src/index.ts';

interface Finished {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(
  script: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<Finished> {
  return new Promise((resolvePromise, reject) => {
    // Node itself, not the package's shell shim: the shim takes whichever `node` PATH finds first.
    const child = spawn(process.execPath, [script, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (status) =>
      resolvePromise({
        status,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      }),
    );
  });
}

const requireHere = createRequire(import.meta.url);
const binOf = (name: string, bin: string): string => {
  const manifestPath = requireHere.resolve(`${name}/package.json`);
  const manifest = requireHere(manifestPath) as { bin: string | Record<string, string> };
  const relative = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin[bin];
  if (!relative) throw new Error(`${name} has no "${bin}" command`);
  return join(dirname(manifestPath), relative);
};
const SPECTRAL = binOf('@stoplight/spectral-cli', 'spectral');
const REDOCLY = binOf('@redocly/cli', 'redocly');
const TSX = binOf('tsx', 'tsx');
/** The supplier's `conform`, from source: its `bundle` command is how a supplier makes /openapi.json. */
const CONFORM = resolve(import.meta.dirname, '..', '..', 'packages', 'cli', 'src', 'bin.ts');
/** The spec whose `conform bundle` output file is linted too (one is enough: every spec takes the same path). */
const BUNDLED_BY_CLI = 'street-reports';
const CLI_FILE = `${BUNDLED_BY_CLI}.conform-bundle.json`;

/** Redocly sends usage telemetry and checks npm for a newer version unless told not to. */
const REDOCLY_OFFLINE: NodeJS.ProcessEnv = {
  ...process.env,
  REDOCLY_TELEMETRY: 'off',
  REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
  REDOCLY_SUPPRESS_NOTIFICATIONS: 'true',
  DO_NOT_TRACK: '1',
};

interface SpectralResult {
  readonly code: string | number;
  readonly message: string;
  readonly path: readonly (string | number)[];
  readonly severity: number;
  readonly source?: string;
}

interface RedoclyProblem {
  readonly ruleId: string;
  readonly severity: 'error' | 'warn';
  readonly message: string;
  readonly location: readonly { readonly pointer?: string }[];
}

/** "<file>: <rule> at <path>: <message>", one per error, for each bundled file. */
type ErrorsByFile = Map<string, string[]>;

async function spectralErrors(files: readonly string[], work: string): Promise<ErrorsByFile> {
  const ruleset = join(work, '.spectral.yaml');
  writeFileSync(ruleset, 'extends: ["spectral:oas"]\n');
  const finished = await run(
    SPECTRAL,
    ['lint', '--ruleset', ruleset, '--format', 'json', '--quiet', ...files],
    work,
    process.env,
  );
  // 0: nothing at error level; 1: errors found. Anything else is Spectral failing, not our specs.
  if (finished.status !== 0 && finished.status !== 1) {
    throw new Error(`spectral lint exited ${finished.status}: ${finished.stderr || finished.stdout}`);
  }
  const results = JSON.parse(finished.stdout || '[]') as SpectralResult[];
  const errors: ErrorsByFile = new Map(files.map((file) => [basename(file), []]));
  for (const result of results.filter((r) => r.severity === 0)) {
    const file = basename(result.source ?? '(no file)');
    const list = errors.get(file) ?? [];
    list.push(`${file}: ${result.code} at ${result.path.join('.') || '(root)'}: ${result.message}`);
    errors.set(file, list);
  }
  return errors;
}

async function redoclyErrors(file: string, work: string): Promise<string[]> {
  const finished = await run(
    REDOCLY,
    ['lint', '--extends', 'recommended', '--format', 'json', '--max-problems', '100000', file],
    work,
    REDOCLY_OFFLINE,
  );
  if (finished.status !== 0 && finished.status !== 1) {
    throw new Error(`redocly lint exited ${finished.status}: ${finished.stderr || finished.stdout}`);
  }
  const { problems } = JSON.parse(finished.stdout) as { problems: RedoclyProblem[] };
  return problems
    .filter((problem) => problem.severity === 'error')
    .map(
      (problem) =>
        `${basename(file)}: ${problem.ruleId} at ${problem.location[0]?.pointer ?? '(no location)'}: ${problem.message}`,
    );
}

const specIds = listSpecIds();
const work = mkdtempSync(join(tmpdir(), 'conform-other-linters-'));
const bundled = new Map<string, { path: string; document: JsonObject }>();
let spectral: ErrorsByFile = new Map();
const redocly = new Map<string, string[]>();

let cliBundle: JsonObject | undefined;

beforeAll(async () => {
  for (const id of specIds) {
    const { document } = await loadSpec(id);
    const path = join(work, `${id}.json`);
    writeFileSync(path, `${JSON.stringify(document, null, 2)}\n`);
    bundled.set(id, { path, document });
  }
  const cliPath = join(work, CLI_FILE);
  const made = await run(TSX, [CONFORM, 'bundle', BUNDLED_BY_CLI, '--out', cliPath], work, process.env);
  if (made.status !== 0)
    throw new Error(`conform bundle exited ${made.status}: ${made.stderr || made.stdout}`);
  cliBundle = JSON.parse(readFileSync(cliPath, 'utf8')) as JsonObject;
  const files = [...[...bundled.values()].map((entry) => entry.path), cliPath];
  // Spectral once over every file (its start is the slow part); Redocly one file a run, two at a time,
  // since its JSON output for several files is several documents run together.
  const pending = [...files];
  const redoclyWorker = async () => {
    for (let file = pending.shift(); file !== undefined; file = pending.shift()) {
      redocly.set(basename(file), await redoclyErrors(file, work));
    }
  };
  [spectral] = await Promise.all([spectralErrors(files, work), redoclyWorker(), redoclyWorker()]);
}, BUDGET.heavy);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.each(specIds)('reference spec %s, bundled', (id) => {
  it('is valid OpenAPI 3.1 with every path of its source and no path item taken by $ref', async () => {
    const entry = bundled.get(id);
    expect(entry).toBeDefined();
    const problems = await validateOpenApiStructure(entry!.document);
    expect(problems.map((problem) => problem.message)).toEqual([]);
    const paths = entry!.document.paths as Record<string, JsonObject>;
    const source = parse(readFileSync(join(specDir(id), 'openapi.yaml'), 'utf8')) as JsonObject;
    expect(Object.keys(paths)).toEqual(Object.keys(source.paths as JsonObject));
    expect(Object.entries(paths).filter(([, item]) => '$ref' in item)).toEqual([]);
  });

  it('has no error under the Spectral CLI with spectral:oas', () => {
    expect(spectral.get(`${id}.json`)).toEqual([]);
  });

  it('has no error under the Redocly CLI with its recommended ruleset', () => {
    expect(redocly.get(`${id}.json`)).toEqual([]);
  });
});

describe(`conform bundle ${BUNDLED_BY_CLI} --out`, () => {
  it('writes the bundler’s document, which neither CLI finds an error in', () => {
    expect(cliBundle).toEqual(bundled.get(BUNDLED_BY_CLI)?.document);
    expect(spectral.get(CLI_FILE)).toEqual([]);
    expect(redocly.get(CLI_FILE)).toEqual([]);
  });
});

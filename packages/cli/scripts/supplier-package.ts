/**
 * The supplier's `conform` as an npm package: the CLI compiled to JavaScript by esbuild, every workspace
 * package and third-party dependency inlined, the reference specs beside it. It installs with Node 22 and
 * npm alone, reaching no registry, and never holds the operator's side (dashboard, monitor, reference
 * server, databases): the build fails, naming the import chain, if anything pulls one in.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, cp, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { delimiter, dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { SPECS_ROOT } from '@council-conform/specs';
import type { Metafile, Plugin } from 'esbuild';

const run = promisify(execFile);

export const CLI_DIR = resolve(import.meta.dirname, '..');
const ENTRY = join(CLI_DIR, 'src', 'bin.ts');

/** What a supplier's install must never hold: the operator's commands, servers and databases. */
export const OPERATOR_ONLY_PACKAGES = [
  '@council-conform/operator-cli',
  '@council-conform/dashboard',
  '@council-conform/monitor',
  '@council-conform/reference-server',
  '@electric-sql/pglite',
  'pg',
  'pg-boss',
] as const;

/**
 * Optional native parts of the Docker client under `conform run --image` (ssh2's CPU probe and compiled
 * crypto): ssh2 requires each inside try/catch and works without them, so they stay out of the bundle.
 */
const OPTIONAL_NATIVE = ['cpu-features', '*.node'];

/**
 * Data a bundled dependency reads from disk beside its own module (new URL('./…', import.meta.url)). Every
 * chunk is written to one folder, so the data goes beside the chunks. The OpenAPI JSON Schemas are what the
 * `description-valid` check validates a supplier's description against.
 */
const DATA_BESIDE_MODULES = [{ name: '@seriousme/openapi-schema-validator', folder: 'schemas' }] as const;

// Each chunk is an ES module: CommonJS dependencies call require() and read __dirname and __filename (ssh2's
// WebAssembly loader does), which an ES module has only if it makes them. The specs sit in the package beside
// dist/, wherever npm put it; CONFORM_SPECS_DIR still moves them.
const BANNER = [
  "import { createRequire as __conformCreateRequire } from 'node:module';",
  "import { dirname as __conformDirname } from 'node:path';",
  "import { fileURLToPath as __conformFileURLToPath } from 'node:url';",
  'const require = __conformCreateRequire(import.meta.url);',
  'const __filename = __conformFileURLToPath(import.meta.url);',
  'const __dirname = __conformDirname(__filename);',
  "const __conformSpecsDir = process.env.CONFORM_SPECS_DIR || __conformFileURLToPath(new URL('../specs', import.meta.url));",
].join('\n');

/**
 * Node gives `await import('a-commonjs-package')` the package's names (testcontainers' functions, yaml's
 * stringify); a split ES module bundle gives only its default export. So each dynamic import of a CommonJS
 * package goes through a small ES module importing it statically and exporting its names by hand, the names
 * found by loading the package here as Node would.
 */
function commonJsNamesForDynamicImports(): Plugin {
  const NAMESPACE = 'commonjs-names';
  return {
    name: NAMESPACE,
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        const ours = args.path.startsWith('node:') || args.path.startsWith('@council-conform/');
        if (args.kind !== 'dynamic-import' || ours || args.namespace === NAMESPACE) return undefined;
        const resolved = await build.resolve(args.path, {
          kind: 'import-statement',
          resolveDir: args.resolveDir,
          importer: args.importer,
        });
        if (resolved.errors.length > 0 || resolved.external || !isCommonJs(resolved.path)) return undefined;
        return { path: resolved.path, namespace: NAMESPACE };
      });
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => {
        const exported = createRequire(args.path)(args.path) as Record<string, unknown>;
        const names = Object.keys(exported).filter(
          (name) => name !== 'default' && name !== '__esModule' && /^[A-Za-z_$][\w$]*$/.test(name),
        );
        return {
          contents: [
            // require(), not a default import, which would take exports.default of a module marked __esModule.
            `const commonJs = require(${JSON.stringify(args.path)});`,
            'export default commonJs;',
            ...(names.length > 0 ? [`export const { ${names.join(', ')} } = commonJs;`] : []),
          ].join('\n'),
          loader: 'js',
          resolveDir: dirname(args.path),
        };
      });
    },
  };
}

/** Whether Node loads a file as CommonJS: .cjs, or .js in a package that does not say "type": "module". */
function isCommonJs(file: string): boolean {
  if (file.endsWith('.cjs')) return true;
  if (!file.endsWith('.js')) return false;
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    const manifestPath = join(dir, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { type?: string };
    // A package.json without a name can still set the type of the folder it sits in.
    return manifest.type !== 'module';
  }
  return true;
}

interface PackageManifest {
  readonly name: string;
  readonly version: string;
  readonly description?: string;
  readonly license?: string;
}

export interface SupplierPackage {
  /** The package's folder: package.json, dist/ (bin.js and its chunks), specs/, the notices. */
  readonly dir: string;
  readonly name: string;
  readonly version: string;
  /** Third-party packages inlined in dist/, by name and version. */
  readonly bundled: readonly string[];
  /** What every `conform` start loads and compiles: dist/bin.js and the chunks it imports statically. */
  readonly startup: StartupCode;
}

export interface StartupCode {
  readonly bytes: number;
  /** The sources that weigh most in it, heaviest first, with their bytes. */
  readonly heaviest: readonly { readonly source: string; readonly bytes: number }[];
}

/** The package owning a file: the nearest package.json above it that has a name. */
function createOwnerLookup(): (file: string) => { dir: string; manifest: PackageManifest } | undefined {
  const byDir = new Map<string, { dir: string; manifest: PackageManifest } | undefined>();
  const lookup = (dir: string): { dir: string; manifest: PackageManifest } | undefined => {
    if (byDir.has(dir)) return byDir.get(dir);
    const manifestPath = join(dir, 'package.json');
    let found: { dir: string; manifest: PackageManifest } | undefined;
    if (existsSync(manifestPath)) {
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Partial<PackageManifest>;
      if (typeof manifest.name === 'string' && typeof manifest.version === 'string')
        found = { dir, manifest: manifest as PackageManifest };
    }
    if (!found && dirname(dir) !== dir) found = lookup(dirname(dir));
    byDir.set(dir, found);
    return found;
  };
  return (file) => lookup(dirname(file));
}

/** The chain of imports from the entry to `target`, for a build error a maintainer can act on. */
function importChain(metafile: Metafile, entry: string, target: string): string[] {
  const cameFrom = new Map<string, string>([[entry, entry]]);
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.shift() as string;
    if (file === target) break;
    for (const imported of metafile.inputs[file]?.imports ?? []) {
      if (imported.external || cameFrom.has(imported.path)) continue;
      cameFrom.set(imported.path, file);
      queue.push(imported.path);
    }
  }
  const chain = [target];
  for (let file = target; file !== entry && cameFrom.has(file); ) {
    file = cameFrom.get(file) as string;
    chain.unshift(file);
  }
  return chain;
}

/** The entry chunk and every chunk it imports statically (what loads before any command runs), measured. */
function startupCode(metafile: Metafile, entryChunk: string): StartupCode {
  const outputs = Object.fromEntries(
    Object.entries(metafile.outputs).map(([path, output]) => [resolve(CLI_DIR, path), output]),
  );
  const loaded = new Set<string>();
  const pending = [entryChunk];
  while (pending.length > 0) {
    const chunk = pending.pop() as string;
    if (loaded.has(chunk)) continue;
    loaded.add(chunk);
    for (const imported of outputs[chunk]?.imports ?? [])
      if (imported.kind === 'import-statement' && !imported.external)
        pending.push(resolve(CLI_DIR, imported.path));
  }
  const bySource = new Map<string, number>();
  let bytes = 0;
  for (const chunk of loaded) {
    bytes += outputs[chunk]?.bytes ?? 0;
    for (const [source, { bytesInOutput }] of Object.entries(outputs[chunk]?.inputs ?? {}))
      bySource.set(source, (bySource.get(source) ?? 0) + bytesInOutput);
  }
  const heaviest = [...bySource.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([source, sourceBytes]) => ({ source, bytes: sourceBytes }));
  return { bytes, heaviest };
}

const LICENCE_FILE = /^(licen[cs]e|copying|notice)(\.(md|txt|markdown))?$/i;

/** Every inlined third-party package's licence, as MIT and its kin require copies to carry. */
function thirdPartyNotices(
  packages: ReadonlyMap<string, { dir: string; manifest: PackageManifest }>,
): string {
  const sections = [...packages.values()]
    .sort((a, b) => a.manifest.name.localeCompare(b.manifest.name))
    .map(({ dir, manifest }) => {
      const files = readdirSync(dir).filter((name) => LICENCE_FILE.test(name));
      const texts = files.map((name) => readFileSync(join(dir, name), 'utf8').trim());
      return [
        `## ${manifest.name} ${manifest.version}`,
        '',
        `Licence: ${manifest.license ?? 'see below'}`,
        '',
        ...(texts.length > 0
          ? texts.map((text) => `\`\`\`\n${text}\n\`\`\`\n`)
          : ['(no licence file shipped)\n']),
      ].join('\n');
    });
  return [
    '# Third-party notices',
    '',
    'dist/ holds these packages, compiled into it by esbuild, under their own licences.',
    '',
    ...sections,
  ].join('\n');
}

const README = (version: string) => `# Council Conform: \`conform\` ${version}

Judges a supplier API, live, against a council reference spec and the clauses of the Local Gov Digital
Procurement Checklist. Needs Node 22.12 or later and nothing else.

\`\`\`sh
npm install -g ./council-conform-cli-${version}.tgz
conform --help
conform lint openapi.yaml --profile street-reports
conform bundle openapi.yaml --out openapi.json
conform run --profile street-reports --target https://sandbox.example.com/api --mode sandbox --report report.json
\`\`\`

Commands: \`clauses\`, \`specs\`, \`lint\`, \`bundle\`, \`run\`, \`mock\`, \`keys generate\`, \`sign\`, \`verify\`,
\`publish\`, \`contracts\`. The reference specs are in \`specs/\`. The supplier's guide is docs/suppliers.md in the Council
Conform repository.
`;

/**
 * Builds the supplier package into `outDir` (emptied first) from this workspace's sources.
 * Throws if an operator-only package would be bundled, or data a bundled module reads is missing.
 */
export async function buildSupplierPackage(outDir: string): Promise<SupplierPackage> {
  const { build } = await import('esbuild');
  const cli = JSON.parse(readFileSync(join(CLI_DIR, 'package.json'), 'utf8')) as PackageManifest;
  await rm(outDir, { recursive: true, force: true });
  const distDir = join(outDir, 'dist');
  const { metafile } = await build({
    absWorkingDir: CLI_DIR,
    entryPoints: { bin: ENTRY },
    outdir: distDir,
    bundle: true,
    // Commands import what they need when they run, so `conform --version` loads none of it.
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    // jsonc-parser (under Spectral) ships a UMD build that requires its parts by computed names, which a
    // bundler cannot follow, beside an ES build that imports them.
    mainFields: ['module', 'main'],
    external: OPTIONAL_NATIVE,
    plugins: [commonJsNamesForDynamicImports()],
    define: { 'process.env.CONFORM_SPECS_DIR': '__conformSpecsDir' },
    // node-fetch 2 (under Spectral) reaches Node's own `punycode` through whatwg-url and tr46, and Node 22
    // prints a deprecation warning on a supplier's stderr when it loads; the userland package is the same
    // code. The trailing slash names the package, not the built-in.
    alias: { punycode: 'punycode/' },
    banner: { js: BANNER },
    // Whitespace and syntax only: names are kept, so a stack trace from a supplier's CI still reads.
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });

  const ownerOf = createOwnerLookup();
  const entryInput = relative(CLI_DIR, ENTRY);
  const thirdParty = new Map<string, { dir: string; manifest: PackageManifest }>();
  // Files esbuild read but tree-shook away entirely are in metafile.inputs too; only what reached a chunk counts.
  const bundledInputs = new Set(
    Object.values(metafile.outputs).flatMap((output) =>
      Object.entries(output.inputs)
        .filter(([, contribution]) => contribution.bytesInOutput > 0)
        .map(([input]) => input),
    ),
  );
  for (const input of bundledInputs) {
    const owner = ownerOf(resolve(CLI_DIR, input));
    if (!owner) continue;
    const { name, version } = owner.manifest;
    if ((OPERATOR_ONLY_PACKAGES as readonly string[]).includes(name))
      throw new Error(
        `${name} would be bundled into the supplier's conform, through ${importChain(metafile, entryInput, input).join(' → ')}; import it lazily from an operator command instead`,
      );
    if (!name.startsWith('@council-conform/') && name !== 'council-conform')
      thirdParty.set(`${name}@${version}`, owner);
  }

  for (const { name, folder } of DATA_BESIDE_MODULES) {
    const owner = [...thirdParty.values()].find((candidate) => candidate.manifest.name === name);
    if (!owner) continue;
    const source = join(owner.dir, folder);
    if (!existsSync(source))
      throw new Error(`${name} reads ${folder}/ beside itself, but ${source} is missing`);
    await cp(source, join(distDir, folder), { recursive: true, dereference: true });
  }

  // The specs and their fixtures, not the package that loads them: the folders holding an openapi.yaml (each
  // reference spec and the baseline).
  await mkdir(join(outDir, 'specs'), { recursive: true });
  for (const entry of readdirSync(SPECS_ROOT, { withFileTypes: true })) {
    if (!entry.isDirectory() || !existsSync(join(SPECS_ROOT, entry.name, 'openapi.yaml'))) continue;
    await cp(join(SPECS_ROOT, entry.name), join(outDir, 'specs', entry.name), { recursive: true });
  }

  await chmod(join(distDir, 'bin.js'), 0o755);
  const manifest = {
    name: cli.name,
    version: cli.version,
    description:
      'conform: judge a council supplier API against the Local Gov Digital Procurement Checklist and its reference specs',
    license: 'MIT',
    type: 'module',
    bin: { conform: 'dist/bin.js' },
    files: ['dist', 'specs', 'THIRD-PARTY-NOTICES.md'],
    engines: { node: '>=22.12' },
    // None: everything the CLI runs is in dist/, so an install reaches no registry.
    dependencies: {},
  };
  await writeFile(join(outDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await writeFile(join(outDir, 'README.md'), README(cli.version));
  await writeFile(join(outDir, 'THIRD-PARTY-NOTICES.md'), `${thirdPartyNotices(thirdParty)}\n`);
  return {
    dir: outDir,
    name: cli.name,
    version: cli.version,
    bundled: [...thirdParty.keys()].sort(),
    startup: startupCode(metafile, join(distDir, 'bin.js')),
  };
}

export interface SupplierTarball {
  readonly path: string;
  /** The .tgz's own size, and what it unpacks to, in bytes. */
  readonly size: number;
  readonly unpackedSize: number;
  readonly files: number;
}

/**
 * Packs a built supplier package with npm into `destination`. npm runs on the Node running this (the
 * project's Node 22), whatever `node` comes first on PATH.
 */
export async function packSupplierPackage(
  built: SupplierPackage,
  destination: string,
): Promise<SupplierTarball> {
  await mkdir(destination, { recursive: true });
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', destination], {
    cwd: built.dir,
    env: { ...process.env, PATH: [dirname(process.execPath), process.env.PATH ?? ''].join(delimiter) },
    maxBuffer: 64 * 1024 * 1024,
  });
  const [packed] = JSON.parse(stdout) as { filename: string; unpackedSize: number; entryCount: number }[];
  if (!packed) throw new Error(`npm pack printed no package: ${stdout}`);
  const path = join(destination, packed.filename);
  return { path, size: (await stat(path)).size, unpackedSize: packed.unpackedSize, files: packed.entryCount };
}

import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { buildScratchNodeImage } from '@council-conform/containers';
import { SPECS_ROOT } from '@council-conform/specs';

export const REFERENCE_IMAGE = 'council-conform/reference-server:local';

const appRoot = resolve(import.meta.dirname, '..');
// PGlite finds its WebAssembly and data files beside its own modules, so it ships as a package, not bundled.
const UNBUNDLED = ['@electric-sql/pglite'];

/**
 * Bundles the server into `outDir`: one ES module with every workspace package and dependency inlined, the
 * packages that must stay files beside it, and the reference specs with their fixtures.
 */
export async function bundleReferenceServer(outDir: string): Promise<{ entry: string }> {
  const { build } = await import('esbuild');
  await mkdir(outDir, { recursive: true });
  await build({
    entryPoints: [join(appRoot, 'src', 'main.ts')],
    outfile: join(outDir, 'server.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    external: [...UNBUNDLED, 'pg-native'],
    legalComments: 'none',
    logLevel: 'warning',
    banner: {
      // CommonJS dependencies call require(); an ES module bundle has none unless it makes one. The specs sit
      // beside the bundle, not where the workspace keeps them.
      js: [
        "import { createRequire as __conformCreateRequire } from 'node:module';",
        'const require = __conformCreateRequire(import.meta.url);',
        "process.env.CONFORM_SPECS_DIR ??= new URL('./specs', import.meta.url).pathname;",
      ].join('\n'),
    },
  });
  const require = createRequire(join(appRoot, 'package.json'));
  for (const name of UNBUNDLED) {
    // Resolve the package's folder through the storage package, which is what depends on it.
    const storageDir = dirname(require.resolve('@council-conform/storage/package.json'));
    const fromStorage = createRequire(join(storageDir, 'package.json'));
    const packageDir = packageRootOf(fromStorage.resolve(name), name);
    await cp(packageDir, join(outDir, 'node_modules', name), { recursive: true, dereference: true });
  }
  await cp(SPECS_ROOT, join(outDir, 'specs'), {
    recursive: true,
    filter: (source) =>
      !/[/\\](node_modules|test|src|scripts)([/\\]|$)/.test(source.slice(SPECS_ROOT.length)),
  });
  return { entry: 'server.mjs' };
}

/** The folder of the package a resolved entry file belongs to (its exports may hide package.json). */
function packageRootOf(entryFile: string, name: string): string {
  for (let dir = dirname(entryFile); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === name
    )
      return dir;
  }
  throw new Error(`cannot find the folder of ${name} above ${entryFile}`);
}

/** Builds the reference server's image FROM scratch with local files only (no registry is reached). */
export async function buildReferenceServerImage(tag = REFERENCE_IMAGE): Promise<{ tag: string }> {
  const outDir = await mkdtemp(join(tmpdir(), 'conform-reference-bundle-'));
  try {
    const { entry } = await bundleReferenceServer(outDir);
    return await buildScratchNodeImage({
      tag,
      appDir: outDir,
      entry,
      env: { HOST: '127.0.0.1', PORT: '8080' },
      labels: {
        'org.opencontainers.image.title': 'Council Conform reference server',
        'org.opencontainers.image.description':
          'A conformant implementation of every Council Conform reference spec (docs/containers.md)',
      },
    });
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildSupplierPackage } from '@council-conform/cli/build';
import { buildScratchNodeImage } from '@council-conform/containers';

export const RUNNER_IMAGE = 'council-conform/runner:local';

/** The folder `conform` works in inside the image: mount the files a run reads and writes here. */
export const RUNNER_WORKDIR = '/work';

/** The `conform` of the supplier's package, as its manifest's `bin` names it. */
export const SUPPLIER_PACKAGE_ENTRY = 'dist/bin.js';

const run = promisify(execFile);

/**
 * A copy of this process's Node binary without its symbol table and debug sections (a seventh of its size,
 * read by debuggers and profilers only); the binary as it is when `strip` is not installed.
 */
async function strippedNodeBinary(dir: string): Promise<{ path: string; stripped: boolean }> {
  const path = join(dir, 'node');
  await copyFile(process.execPath, path);
  try {
    await run('strip', ['--strip-all', path]);
    return { path, stripped: true };
  } catch {
    await copyFile(process.execPath, path);
    return { path, stripped: false };
  }
}

export interface RunnerImage {
  readonly tag: string;
  /** Whether Node's symbols were stripped (binutils' `strip` was found). */
  readonly nodeStripped: boolean;
}

/**
 * Builds the runner image FROM scratch with local files only (no registry is reached): Node, the libraries
 * it loads, CA certificates and the supplier's npm package as `npm pack` would ship it (the CLI bundled by
 * esbuild, the reference specs beside it), so the image runs exactly what a supplier installs. Its
 * entrypoint is `conform`; it works in `/work` as `nobody`.
 */
export async function buildRunnerImage(tag = RUNNER_IMAGE): Promise<RunnerImage> {
  const dir = await mkdtemp(join(tmpdir(), 'conform-runner-image-'));
  try {
    const supplierPackage = await buildSupplierPackage(join(dir, 'package'));
    const node = await strippedNodeBinary(dir);
    await buildScratchNodeImage({
      tag,
      appDir: supplierPackage.dir,
      entry: SUPPLIER_PACKAGE_ENTRY,
      nodeBinary: node.path,
      workdir: RUNNER_WORKDIR,
      // Spectral's URL parser loads Node's deprecated punycode module; Node warns about that only when the
      // caller is outside node_modules, as everything in a bundle is, and the warning is no use to a supplier.
      nodeOptions: ['--disable-warning=DEP0040'],
      labels: {
        'org.opencontainers.image.title': 'Council Conform runner',
        'org.opencontainers.image.description':
          'conform, the Council Conform command line, with the reference specs (docs/containers.md)',
        'org.opencontainers.image.version': supplierPackage.version,
      },
    });
    return { tag, nodeStripped: node.stripped };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The image's size as the engine reports it (its layers, uncompressed), in bytes. */
export async function imageSizeBytes(tag: string): Promise<number> {
  const { stdout } = await run('docker', ['image', 'inspect', '--format', '{{.Size}}', tag]);
  return Number(stdout.trim());
}

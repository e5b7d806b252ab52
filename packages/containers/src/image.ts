import { execFile } from 'node:child_process';
import { chmod, copyFile, cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { configureTestcontainers, requireContainerEngine } from './engine.ts';

const run = promisify(execFile);

export interface ScratchNodeImageOptions {
  /** Image name and tag, e.g. `council-conform/reference-server:dev`. */
  readonly tag: string;
  /** A folder holding the bundled app; copied to `/app` in the image. */
  readonly appDir: string;
  /** The app's entry file, relative to `appDir`. */
  readonly entry: string;
  /** The Node binary to ship. Default: the one running this process (the project's Node 22). */
  readonly nodeBinary?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly labels?: Readonly<Record<string, string>>;
  /** Node's own flags, given before the entry file on every start. */
  readonly nodeOptions?: readonly string[];
  /**
   * The working folder, made writable by the app's user: a tool run over a mounted folder works there.
   * Default `/app`, the app's own folder.
   */
  readonly workdir?: string;
}

/** Shared libraries the dynamic loader resolves for a binary, as `ldd` lists them (absolute paths). */
export async function sharedLibrariesOf(binary: string): Promise<string[]> {
  const { stdout } = await run('ldd', [binary]);
  const libraries = new Set<string>();
  for (const line of stdout.split('\n')) {
    // "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x…)" or "/lib64/ld-linux-x86-64.so.2 (0x…)"
    const path = /=>\s*(\/\S+)/.exec(line)?.[1] ?? /^\s*(\/\S+)\s+\(/.exec(line)?.[1];
    if (path) libraries.add(path);
  }
  if (libraries.size === 0) throw new Error(`ldd lists no shared libraries for ${binary}: is it static?`);
  return [...libraries];
}

/**
 * Builds an image `FROM scratch` out of local files only: the Node binary, the shared libraries it loads,
 * CA certificates and the app. Nothing is pulled, so it builds where no registry is reachable, and the
 * image holds nothing but what the app needs (no shell, no package manager).
 */
export async function buildScratchNodeImage(options: ScratchNodeImageOptions): Promise<{ tag: string }> {
  configureTestcontainers();
  await requireContainerEngine();
  const node = options.nodeBinary ?? process.execPath;
  const context = await mkdtemp(join(tmpdir(), 'conform-image-'));
  try {
    const rootfs = join(context, 'rootfs');
    await mkdir(join(rootfs, 'usr/local/bin'), { recursive: true });
    await copyFile(node, join(rootfs, 'usr/local/bin/node'));
    await chmod(join(rootfs, 'usr/local/bin/node'), 0o755);
    for (const library of await sharedLibrariesOf(node)) {
      await mkdir(join(rootfs, dirname(library)), { recursive: true });
      await copyFile(library, join(rootfs, library));
    }
    await mkdir(join(rootfs, 'etc/ssl/certs'), { recursive: true });
    await copyFile(
      '/etc/ssl/certs/ca-certificates.crt',
      join(rootfs, 'etc/ssl/certs/ca-certificates.crt'),
    ).catch(() => undefined);
    // Node and the app want a writable /tmp; a scratch image has none, and the build context does not keep
    // a 1777 mode, so the folder is handed to the user the app runs as instead.
    await mkdir(join(context, 'tmp'), { recursive: true });
    const workdir = options.workdir ?? '/app';
    if (workdir !== '/app') await mkdir(join(context, 'workdir'), { recursive: true });
    await cp(options.appDir, join(rootfs, 'app'), { recursive: true });
    // The app runs as nobody: a folder made by mkdtemp (0700) would hide it from its own process.
    await chmod(join(rootfs, 'app'), 0o755);
    const env = { NODE_ENV: 'production', ...options.env };
    const dockerfile = [
      'FROM scratch',
      'COPY rootfs/ /',
      'COPY --chown=65534:65534 tmp/ /tmp/',
      ...(workdir === '/app' ? [] : [`COPY --chown=65534:65534 workdir/ ${workdir}/`]),
      ...Object.entries(env).map(([key, value]) => `ENV ${key}=${JSON.stringify(value)}`),
      ...Object.entries(options.labels ?? {}).map(([key, value]) => `LABEL ${key}=${JSON.stringify(value)}`),
      `WORKDIR ${workdir}`,
      'USER 65534:65534',
      `ENTRYPOINT ${JSON.stringify(['/usr/local/bin/node', ...(options.nodeOptions ?? []), `/app/${options.entry}`])}`,
      '',
    ].join('\n');
    await writeFile(join(context, 'Dockerfile'), dockerfile);
    const { GenericContainer } = await import('testcontainers');
    await GenericContainer.fromDockerfile(context).build(options.tag, { deleteOnExit: false });
    return { tag: options.tag };
  } finally {
    await rm(context, { recursive: true, force: true });
  }
}

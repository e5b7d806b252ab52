import { randomBytes } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { type FileHandle, lstat, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UsageError } from './errors.ts';

// Where a platform has no O_NOFOLLOW (Windows), O_EXCL still refuses anything already at the path.
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;
const CREATE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NO_FOLLOW;

export interface OutputFileOptions {
  /**
   * Permission bits for the file: 0600 for a private key. Without it a file replaced keeps the bits it had,
   * and a new one gets 0666 less the umask, as fs.writeFile would.
   */
  readonly mode?: number;
  /**
   * Create the file or fail: anything already at the path, a file or a link, is left alone and the call
   * rejects with the EEXIST error from open (a symbolic link with OUTPUT_IS_LINK), for the caller to explain.
   */
  readonly exclusive?: boolean;
}

function linkRefused(path: string): UsageError {
  return new UsageError(
    'OUTPUT_IS_LINK',
    `${path} is a symbolic link; refusing to write through it, since it could point at any file. Remove the link or choose another path`,
  );
}

function unwritable(path: string, error: unknown): UsageError {
  return new UsageError('OUTPUT_UNWRITABLE', `${path} cannot be written: ${(error as Error).message}`);
}

async function statOf(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw unwritable(path, error);
  }
}

/**
 * Refuses, before any work is done, an output path that a later writeOutputFile would refuse: a symbolic
 * link, or something that is not a file. A long run learns of it in its first second, not after its last.
 */
export async function checkOutputPath(path: string): Promise<Stats | undefined> {
  const existing = await statOf(path);
  if (existing?.isSymbolicLink()) throw linkRefused(path);
  if (existing && !existing.isFile())
    throw new UsageError(
      'OUTPUT_NOT_A_FILE',
      `${path} is ${existing.isDirectory() ? 'a folder' : 'not a regular file'}; give the path of a file to write`,
    );
  return existing;
}

async function writeAndClose(handle: FileHandle, data: string | Uint8Array, mode?: number): Promise<void> {
  try {
    await handle.writeFile(data);
    if (mode !== undefined) await handle.chmod(mode);
  } finally {
    await handle.close();
  }
}

/**
 * Writes a file the CLI produces (a report, a signed report, a key) without ever following a link at its
 * final path: a link planted there could send the bytes over any file its owner can write. Files are written
 * whole to a new file beside the target and renamed over it, so the target is replaced, never written
 * through, and a reader never sees half a report; `exclusive` creates the target itself with O_EXCL instead.
 * A symbolic link at the path is refused with OUTPUT_IS_LINK, naming it; other failures are
 * OUTPUT_UNWRITABLE (both exit 2).
 */
export async function writeOutputFile(
  path: string,
  data: string | Uint8Array,
  options: OutputFileOptions = {},
): Promise<void> {
  if (options.exclusive) {
    let handle: FileHandle;
    try {
      // With O_CREAT and O_EXCL, open never follows a link at the final path: it fails with EEXIST.
      handle = await open(path, CREATE_NEW, options.mode ?? 0o666);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw unwritable(path, error);
      if ((await statOf(path))?.isSymbolicLink()) throw linkRefused(path);
      throw error;
    }
    try {
      await writeAndClose(handle, data);
    } catch (error) {
      await rm(path, { force: true });
      throw unwritable(path, error);
    }
    return;
  }

  const existing = await checkOutputPath(path);
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temporary, CREATE_NEW, options.mode ?? 0o666);
    // The umask already applied to a new file; one replaced keeps its own bits, as writing in place would.
    await writeAndClose(handle, data, options.mode ?? (existing ? existing.mode & 0o7777 : undefined));
    // rename replaces the directory entry: a link planted at the path since the check is replaced, not followed.
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw unwritable(path, error);
  }
}

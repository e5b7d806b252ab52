import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../src/errors.ts';
import { writeOutputFile } from '../src/output-file.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'conform-output-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A file someone else cares about, and a link planted at `at` that points to it. */
async function plantLink(name: string): Promise<{ victim: string; link: string }> {
  const victim = join(dir, `${name}-victim.txt`);
  await writeFile(victim, 'precious\n');
  const link = join(dir, `${name}.json`);
  await symlink(victim, link);
  return { victim, link };
}

async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected the write to be refused');
}

describe('writeOutputFile', () => {
  it('refuses a symbolic link at the path, naming it, and leaves the file it points to alone', async () => {
    for (const exclusive of [false, true]) {
      const { victim, link } = await plantLink(`link-${exclusive}`);
      const error = await rejection(writeOutputFile(link, 'overwritten', { exclusive }));
      expect(error).toBeInstanceOf(UsageError);
      expect(error.code).toBe('OUTPUT_IS_LINK');
      expect(error.message).toBe(
        `${link} is a symbolic link; refusing to write through it, since it could point at any file. Remove the link or choose another path`,
      );
      expect(await readFile(victim, 'utf8')).toBe('precious\n');
    }
    // A dangling link too: following it would create a file wherever it points.
    const dangling = join(dir, 'dangling.json');
    await symlink(join(dir, 'nowhere', 'created.txt'), dangling);
    expect((await rejection(writeOutputFile(dangling, 'x'))).code).toBe('OUTPUT_IS_LINK');
  });

  it('replaces an existing file whole, keeping its permission bits, and leaves no temporary file', async () => {
    const folder = join(dir, 'replace');
    await mkdir(folder);
    const path = join(folder, 'report.json');
    await writeFile(path, 'old');
    await chmod(path, 0o640);
    await writeOutputFile(path, 'new');
    expect(await readFile(path, 'utf8')).toBe('new');
    expect((await stat(path)).mode & 0o777).toBe(0o640);
    await writeOutputFile(path, 'key', { mode: 0o600 });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(folder)).toEqual(['report.json']);
  });

  it('creates exclusively or fails with EEXIST for the caller to explain, and refuses a folder', async () => {
    const path = join(dir, 'once.key');
    await writeOutputFile(path, 'first', { mode: 0o600, exclusive: true });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await rejection(writeOutputFile(path, 'second', { exclusive: true }))).code).toBe('EEXIST');
    expect(await readFile(path, 'utf8')).toBe('first');
    const folder = await rejection(writeOutputFile(dir, 'x'));
    expect(folder.code).toBe('OUTPUT_NOT_A_FILE');
    expect(folder.message).toBe(`${dir} is a folder; give the path of a file to write`);
    const missing = await rejection(writeOutputFile(join(dir, 'no-such-folder', 'r.json'), 'x'));
    expect(missing.code).toBe('OUTPUT_UNWRITABLE');
    expect(missing.message).toMatch(/no-such-folder\/r\.json cannot be written: ENOENT/);
  });
});

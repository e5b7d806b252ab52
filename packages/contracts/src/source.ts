import { open } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { RegisterError } from './register.ts';

/** Larger than any council's register (a few thousand rows is a few megabytes); smaller than a mistake. */
export const MAX_REGISTER_BYTES = 20 * 1024 * 1024;
export const REGISTER_FETCH_TIMEOUT_MS = 60_000;

/**
 * The text of a register's bytes: UTF-8 (a byte order mark is dropped), or Windows-1252 when the bytes are not
 * UTF-8, since that is what a spreadsheet saving "CSV" on Windows writes, £ signs and all.
 */
export function decodeRegister(bytes: Uint8Array): { text: string; encoding: 'utf-8' | 'windows-1252' } {
  if (bytes.includes(0))
    throw new RegisterError(
      'REGISTER_NOT_TEXT',
      'the register holds NUL bytes: it is not a CSV text file (a spreadsheet saved as .xlsx, or UTF-16?)',
    );
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('windows-1252').decode(bytes), encoding: 'windows-1252' };
  }
}

export interface RegisterSource {
  readonly bytes: Uint8Array;
  /**
   * What the open data cites as the source of each row: the URL as given, or only the file's name, since a
   * local path says something about the machine of whoever imported it and nothing about the register.
   */
  readonly source: string;
  readonly kind: 'url' | 'file';
}

export interface ReadRegisterOptions {
  /** Where a relative file path starts. Default: the process's working directory. */
  readonly cwd?: string;
  readonly maxBytes?: number;
  readonly timeoutMs?: number;
}

const tooLarge = (what: string, max: number) =>
  new RegisterError(
    'REGISTER_TOO_LARGE',
    `${what} is larger than ${Math.round(max / 1024 / 1024)} MB: that is not a contracts register`,
  );

async function readUrl(url: URL, maxBytes: number, timeoutMs: number): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    const timedOut = (error as Error).name === 'TimeoutError';
    throw new RegisterError(
      'REGISTER_FETCH_FAILED',
      timedOut
        ? `${url} did not answer within ${timeoutMs / 1000} s`
        : `${url} cannot be fetched: ${cause ?? (error as Error).message}`,
    );
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new RegisterError(
      'REGISTER_FETCH_FAILED',
      `${url} answered HTTP ${response.status}, not the register`,
    );
  }
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw tooLarge(url.toString(), maxBytes);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    // Counted as it arrives: a server may send more than it declared, or declare nothing.
    if (response.body)
      for await (const chunk of response.body) {
        size += chunk.length;
        if (size > maxBytes) throw tooLarge(url.toString(), maxBytes);
        chunks.push(chunk);
      }
  } catch (error) {
    if (error instanceof RegisterError) throw error;
    const timedOut = (error as Error).name === 'TimeoutError';
    throw new RegisterError(
      'REGISTER_FETCH_FAILED',
      timedOut
        ? `${url} did not send the whole register within ${timeoutMs / 1000} s`
        : `${url} broke off sending the register: ${(error as Error).message}`,
    );
  }
  return Buffer.concat(chunks);
}

async function readFileCapped(path: string, maxBytes: number): Promise<Uint8Array> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new RegisterError('REGISTER_UNREADABLE', `${path} cannot be read: ${(error as Error).message}`);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new RegisterError('REGISTER_UNREADABLE', `${path} is not a file`);
    if (stat.size > maxBytes) throw tooLarge(path, maxBytes);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/**
 * A register's bytes from an http(s) URL (with a time limit and a size cap, redirects followed) or from a file.
 * Every failure is a RegisterError saying what went wrong with which source.
 */
export async function readRegisterSource(
  location: string,
  options: ReadRegisterOptions = {},
): Promise<RegisterSource> {
  const maxBytes = options.maxBytes ?? MAX_REGISTER_BYTES;
  const timeoutMs = options.timeoutMs ?? REGISTER_FETCH_TIMEOUT_MS;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
    let url: URL;
    try {
      url = new URL(location);
    } catch {
      throw new RegisterError('REGISTER_UNREADABLE', `"${location}" is not a URL`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new RegisterError(
        'REGISTER_UNREADABLE',
        `"${location}" is a ${url.protocol.slice(0, -1)} URL: give an http(s) URL or a file`,
      );
    return { bytes: await readUrl(url, maxBytes, timeoutMs), source: url.toString(), kind: 'url' };
  }
  const path = resolve(options.cwd ?? process.cwd(), location);
  return { bytes: await readFileCapped(path, maxBytes), source: basename(path), kind: 'file' };
}

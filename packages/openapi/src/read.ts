import { open } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { DocumentError } from './errors.ts';
import { DOCUMENT_LIMITS, type DocumentLimits, describeBytes, tooLargeError } from './limits.ts';

export interface ReadOptions {
  /** Relative paths are read from here (default: the process's working directory). */
  readonly cwd?: string;
  /** For a URL: how long the whole request, body included, may take (default 30 s). */
  readonly timeoutMs?: number;
  /** Bytes read at most (default `DOCUMENT_LIMITS.maxBytes`); one byte more is refused, never parsed. */
  readonly maxBytes?: number;
}

export interface DocumentText {
  /** The absolute path or the URL read. */
  readonly source: string;
  readonly text: string;
  /** For a URL: what the server said it sent, for messages when the text turns out not to be a description. */
  readonly response?: { readonly status: number; readonly contentType: string };
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** Reads a description from a file path or an http(s) URL, never more than the size cap. */
export async function readDocumentText(location: string, options: ReadOptions = {}): Promise<DocumentText> {
  const limits: DocumentLimits = {
    ...DOCUMENT_LIMITS,
    ...(options.maxBytes ? { maxBytes: options.maxBytes } : {}),
  };
  if (/^https?:\/\//i.test(location))
    return readUrl(location, options.timeoutMs ?? DEFAULT_TIMEOUT_MS, limits);
  const path = isAbsolute(location) ? location : resolve(options.cwd ?? process.cwd(), location);
  return { source: path, text: await readFileCapped(path, limits) };
}

/** Reads at most the cap plus one byte, so that a huge file (or /dev/zero) is refused without being read. */
async function readFileCapped(path: string, limits: DocumentLimits): Promise<string> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, 'r');
    const stats = await handle.stat();
    if (stats.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (stats.isFile() && stats.size > limits.maxBytes) throw tooLargeError(path, stats.size, limits);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(1024 * 1024, limits.maxBytes + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > limits.maxBytes) throw tooLargeError(path, undefined, limits);
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } catch (error) {
    if (error instanceof DocumentError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : (error as Error).message;
    throw new DocumentError('DOCUMENT_UNREADABLE', `${path}: cannot be read: ${why}`, path);
  } finally {
    await handle?.close();
  }
}

/**
 * Fetches a description within one time limit for the whole exchange. Every refusal says what came back
 * (status and content type) or which part of the exchange the time limit ran out in.
 */
async function readUrl(url: string, timeoutMs: number, limits: DocumentLimits): Promise<DocumentText> {
  const controller = new AbortController();
  let phase: 'waiting for the response headers' | 'reading the response body' =
    'waiting for the response headers';
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const timedOut = () =>
    new DocumentError(
      'DOCUMENT_UNREADABLE',
      `${url}: the ${timeoutMs / 1000} s time limit for fetching a description ran out while ${phase}.`,
      url,
    );
  try {
    let response: Response;
    try {
      response = await fetch(url, {
        signal: controller.signal,
        headers: { accept: 'application/json, application/yaml;q=0.9, */*;q=0.5' },
      });
    } catch (error) {
      if (controller.signal.aborted) throw timedOut();
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new DocumentError(
        'DOCUMENT_UNREADABLE',
        `${url}: could not be fetched: ${cause?.code ?? cause?.message ?? (error as Error).message}`,
        url,
      );
    }
    const contentType = response.headers.get('content-type') ?? 'no content type';
    const what = `${response.status}${response.statusText ? ` ${response.statusText}` : ''} (${contentType})`;
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new DocumentError(
        'DOCUMENT_UNREADABLE',
        `${url}: the server answered ${what}, not a description.`,
        url,
      );
    }
    const declared = Number(response.headers.get('content-length') ?? Number.NaN);
    if (declared > limits.maxBytes) {
      await response.body?.cancel().catch(() => undefined);
      throw tooLargeError(url, declared, limits);
    }
    phase = 'reading the response body';
    const chunks: Uint8Array[] = [];
    let total = 0;
    const reader = response.body?.getReader();
    try {
      for (;;) {
        const { done, value } = reader ? await reader.read() : { done: true, value: undefined };
        if (done) break;
        total += value.byteLength;
        if (total > limits.maxBytes) {
          await reader?.cancel().catch(() => undefined);
          throw new DocumentError(
            'DOCUMENT_TOO_LARGE',
            `${url}: the server answered ${what} and sent more than ${describeBytes(limits.maxBytes)}, the size cap for one description; nothing was parsed.`,
            url,
          );
        }
        chunks.push(value);
      }
    } catch (error) {
      if (error instanceof DocumentError) throw error;
      if (controller.signal.aborted) throw timedOut();
      throw new DocumentError(
        'DOCUMENT_UNREADABLE',
        `${url}: the server answered ${what} but the body could not be read: ${(error as Error).message}`,
        url,
      );
    }
    return {
      source: url,
      text: Buffer.concat(chunks, total).toString('utf8'),
      response: { status: response.status, contentType },
    };
  } finally {
    clearTimeout(timer);
  }
}

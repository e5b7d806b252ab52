import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CertificateError, type KeyRevocation, parseRevocationList } from '@council-conform/certificates';
import { UsageError } from '../errors.ts';

/** A revocation list is a few hundred bytes a key: this holds thousands, and stops an endless answer early. */
export const REVOCATION_LIST_MAX_BYTES = 5 * 1024 * 1024;
/** A dashboard that has not served its list by now is not going to. */
export const REVOCATION_LIST_TIMEOUT_MS = 30_000;

export interface RevocationListLimits {
  readonly timeoutMs?: number;
  readonly maxBytes?: number;
}

const unreadable = (source: string, why: string) =>
  new UsageError('REVOCATIONS_UNREADABLE', `--revocations ${source}: ${why}`);

/** The body of an http(s) answer as text, refused past `maxBytes` without reading the rest. */
async function fetchText(url: URL, source: string, limits: Required<RevocationListLimits>): Promise<string> {
  const signal = AbortSignal.timeout(limits.timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, { signal, redirect: 'follow', headers: { accept: 'application/json' } });
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    throw unreadable(
      source,
      signal.aborted
        ? `no answer within ${limits.timeoutMs} ms`
        : `cannot be fetched: ${cause ?? (error as Error).message}`,
    );
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw unreadable(source, `the server answered HTTP ${response.status}, not the list`);
  }
  const declared = Number(response.headers.get('content-length'));
  const tooLarge = () =>
    unreadable(source, `the list is larger than ${limits.maxBytes} bytes; refusing to read it`);
  if (declared > limits.maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    // Leaving the loop by a throw cancels the stream, so the rest of an oversized answer is never read.
    if (response.body)
      for await (const chunk of response.body) {
        size += chunk.byteLength;
        if (size > limits.maxBytes) throw tooLarge();
        chunks.push(chunk);
      }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw unreadable(
      source,
      signal.aborted ? `the list did not arrive within ${limits.timeoutMs} ms` : (error as Error).message,
    );
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The key revocation list `--revocations` names: an http(s) URL (the dashboard's `/data/revoked-keys.json`),
 * fetched within a time and size limit, or a file path resolved from `cwd`. Anything that stops it being
 * read, or a list not in the published format, is a UsageError naming the source: verifying without the
 * revocations asked for would say valid where the user expected them to count.
 */
export async function readRevocationList(
  source: string,
  cwd: string,
  limits: RevocationListLimits = {},
): Promise<readonly KeyRevocation[]> {
  const bounded = {
    timeoutMs: limits.timeoutMs ?? REVOCATION_LIST_TIMEOUT_MS,
    maxBytes: limits.maxBytes ?? REVOCATION_LIST_MAX_BYTES,
  };
  let text: string;
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(source)?.[1]?.toLowerCase();
  if (scheme === 'http' || scheme === 'https') text = await fetchText(new URL(source), source, bounded);
  else if (scheme !== undefined)
    throw unreadable(source, `only an http(s) URL or a file path is read, not a ${scheme}: URL`);
  else {
    const path = resolve(cwd, source);
    try {
      if ((await stat(path)).size > bounded.maxBytes)
        throw unreadable(path, `the list is larger than ${bounded.maxBytes} bytes; refusing to read it`);
      text = await readFile(path, 'utf8');
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw unreadable(path, `cannot be read: ${(error as Error).message}`);
    }
  }
  try {
    return parseRevocationList(text);
  } catch (error) {
    if (error instanceof CertificateError)
      throw new UsageError(error.code, `--revocations ${source}: ${error.message}`);
    throw error;
  }
}

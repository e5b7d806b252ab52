import { readFile, stat } from 'node:fs/promises';
import type { CredentialsSource } from './targets.ts';

export interface ResolvedCredentials {
  readonly token?: string;
  readonly clientId?: string;
  readonly clientSecret?: string;
}

export class CredentialsError extends Error {
  override readonly name = 'CredentialsError';
}

const FIELDS = ['token', 'clientId', 'clientSecret'] as const;

/**
 * A target's credentials, read on the worker when its run starts, so a rotated secret takes effect at the next
 * run and none is ever stored with the target. Errors name the variable or file entry, never a value.
 */
export async function resolveCredentials(
  source: CredentialsSource,
  env: Readonly<Record<string, string | undefined>> = process.env,
  /** Whose they are, for errors: the target's own, or its second tenant's. */
  whose = 'this target',
): Promise<ResolvedCredentials | undefined> {
  if (source.from === 'none') return undefined;
  if (source.from === 'env') {
    const out: Record<string, string> = {};
    for (const field of FIELDS) {
      const name = source[field];
      if (!name) continue;
      const value = env[name];
      if (value === undefined || value === '')
        throw new CredentialsError(
          `the environment variable ${name} (the ${field} of ${whose}) is not set on this worker`,
        );
      out[field] = value;
    }
    return out;
  }
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(source.path);
  } catch (error) {
    throw new CredentialsError(
      `the secrets file ${source.path} cannot be read on this worker: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  // As ssh does for keys: a secrets file others can read has already leaked, so it is not used.
  if ((info.mode & 0o077) !== 0)
    throw new CredentialsError(
      `the secrets file ${source.path} is readable by others (mode ${(info.mode & 0o777).toString(8)}); chmod 600 it`,
    );
  let data: unknown;
  try {
    data = JSON.parse(await readFile(source.path, 'utf8'));
  } catch (error) {
    throw new CredentialsError(
      `the secrets file ${source.path} is not JSON: ${(error as Error).message.replace(/".*"/, '…')}`,
    );
  }
  const entry = (data as Record<string, unknown> | null)?.[source.entry];
  if (!entry || typeof entry !== 'object' || Array.isArray(entry))
    throw new CredentialsError(`the secrets file ${source.path} has no entry "${source.entry}"`);
  const out: Record<string, string> = {};
  for (const field of FIELDS) {
    const value = (entry as Record<string, unknown>)[field];
    if (value === undefined) continue;
    if (typeof value !== 'string' || value === '')
      throw new CredentialsError(
        `the secrets file ${source.path}, entry "${source.entry}": ${field} must be a non-empty string`,
      );
    out[field] = value;
  }
  if (!out.token && !(out.clientId && out.clientSecret))
    throw new CredentialsError(
      `the secrets file ${source.path}, entry "${source.entry}", needs a token, or a clientId and a clientSecret`,
    );
  return out;
}

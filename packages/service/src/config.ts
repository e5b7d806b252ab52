/** A mistake in a server's environment: the process names it and exits 2 instead of starting. */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

export type Env = Readonly<Record<string, string | undefined>>;

/** A whole number from the environment, `fallback` when unset; anything else outside `min`..`max` is named. */
export function integerFromEnv(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max)
    throw new ConfigurationError(`${name} must be a whole number from ${min} to ${max}, not "${raw}"`);
  return value;
}

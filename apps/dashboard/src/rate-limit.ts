export interface RateLimit {
  /** Requests allowed per client in one window. */
  readonly limit: number;
  readonly windowMs: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * A fixed window per client. Fixed rather than sliding: a publisher is told exactly when to come back, and the
 * state is one counter per client.
 */
export function createRateLimiter(
  { limit, windowMs }: RateLimit,
  now: () => number = Date.now,
): (client: string) => RateDecision {
  const windows = new Map<string, { start: number; count: number }>();
  return (client) => {
    const at = now();
    // Forget finished windows now and then, so a stream of one-off addresses cannot grow the map for ever.
    if (windows.size > 10_000)
      for (const [key, window] of windows) if (at - window.start >= windowMs) windows.delete(key);
    let window = windows.get(client);
    if (!window || at - window.start >= windowMs) {
      window = { start: at, count: 0 };
      windows.set(client, window);
    }
    window.count += 1;
    if (window.count <= limit) return { allowed: true };
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((window.start + windowMs - at) / 1000)),
    };
  };
}

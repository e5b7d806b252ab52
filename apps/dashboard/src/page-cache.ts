import { randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Reply } from './http.ts';

export interface PageCacheOptions {
  /** How long a rendered page is served again, by the dashboard's clock. */
  readonly ttlMs: number;
  /** The most the cache holds, in bytes of rendered pages; the least recently served go first. */
  readonly maxBytes: number;
}

/**
 * Briefly: a write through this dashboard drops every cached page at once, so the time to live only bounds how
 * stale a page can be after a change this process did not see (another process writing the same database, a
 * certificate expiring).
 */
export const DEFAULT_PAGE_CACHE: PageCacheOptions = { ttlMs: 30_000, maxBytes: 32 * 1024 * 1024 };

export interface PageCache {
  /**
   * The page at `key`: served from the cache while fresh; otherwise rendered, once however many ask for it at
   * the same time, and kept when it is a 200 and nothing was written while it was rendered.
   */
  serve(key: string, render: () => Promise<Reply>): Promise<Reply>;
  /** Something a page shows was written: pages rendered before now are not served again. */
  dataChanged(): void;
  /** How many times data has changed: a page rendered under one generation is stale under the next. */
  readonly generation: number;
}

interface Entry {
  readonly reply: Reply;
  readonly renderedAt: number;
  readonly generation: number;
}

const NONCE = /'nonce-([A-Za-z0-9+/=]+)'/;

/**
 * The reply with a new Content-Security-Policy nonce, in its header and in the page's nonce attributes: a
 * nonce must differ in every answer, or a cached one, once seen, would let injected script run.
 */
function withFreshNonce(reply: Reply): Reply {
  const policy = reply.headers['content-security-policy'];
  const old = policy ? NONCE.exec(policy)?.[1] : undefined;
  if (!policy || !old || typeof reply.body !== 'string') return reply;
  const nonce = randomBytes(16).toString('base64');
  return {
    ...reply,
    headers: {
      ...reply.headers,
      'content-security-policy': policy.replace(`'nonce-${old}'`, `'nonce-${nonce}'`),
    },
    body: reply.body.split(`nonce="${old}"`).join(`nonce="${nonce}"`),
  };
}

const byteSize = (reply: Reply) =>
  1 + (typeof reply.body === 'string' ? Buffer.byteLength(reply.body, 'utf8') : reply.body.length);

/** Rendered pages kept in memory by key (the page's URL), dropped whenever data changes. */
export function createPageCache(options: PageCacheOptions, now: () => number): PageCache {
  const cache = new LRUCache<string, Entry>({
    maxSize: options.maxBytes,
    sizeCalculation: (entry) => byteSize(entry.reply),
  });
  const rendering = new Map<string, Promise<Reply>>();
  let generation = 0;

  // The dashboard's clock, not the cache's own: it may be set back (in tests, or by an operator), and a page
  // rendered "in the future" must not count as fresh.
  const fresh = (entry: Entry) => {
    const age = now() - entry.renderedAt;
    return entry.generation === generation && age >= 0 && age < options.ttlMs;
  };

  function renderOnce(key: string, render: () => Promise<Reply>): Promise<Reply> {
    const flight = `${generation}\u0000${key}`;
    const pending = rendering.get(flight);
    if (pending) return pending;
    const startedIn = generation;
    const renderedAt = now();
    const rendered = render()
      .then((reply) => {
        if (reply.status === 200 && generation === startedIn && byteSize(reply) <= options.maxBytes)
          cache.set(key, { reply, renderedAt, generation: startedIn });
        return reply;
      })
      .finally(() => rendering.delete(flight));
    rendering.set(flight, rendered);
    return rendered;
  }

  return {
    async serve(key, render) {
      const entry = cache.get(key);
      if (entry && fresh(entry)) return withFreshNonce(entry.reply);
      if (entry) cache.delete(key);
      return withFreshNonce(await renderOnce(key, render));
    },
    dataChanged() {
      generation += 1;
      cache.clear();
    },
    get generation() {
      return generation;
    },
  };
}

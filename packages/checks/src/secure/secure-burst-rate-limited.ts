import {
  type Check,
  HarnessError,
  type HarnessResponse,
  parseRetryAfter,
  type RunContext,
} from '@council-conform/runner';
import { fail, harnessError, judged, notJudged, pass } from '../support/outcomes.ts';
import { isPublic, topLevelDatasets } from '../support/probes.ts';

/** The burst's bounds: it stops at the first 429, or after this many requests, or this long. */
export const BURST_MAX_REQUESTS = 1_000;
export const BURST_MAX_MS = 15_000;
/** However high a limit the API advertises, the burst sends no more than this. */
const BURST_CEILING = 5_000;

/**
 * The limit an API advertises in `RateLimit-Policy` (IETF httpapi-ratelimit-headers): `100;w=60` or
 * `"default";q=100;w=60`. Undefined when it advertises none.
 */
export function advertisedPolicy(
  header: string | undefined,
): { limit: number; windowMs: number } | undefined {
  if (!header) return undefined;
  const first = header.split(',')[0] ?? '';
  const limit = /(?:^|;)\s*q=(\d+)/.exec(first)?.[1] ?? /^\s*(\d+)/.exec(first)?.[1];
  const window = /(?:^|;)\s*w=(\d+)/.exec(first)?.[1];
  return limit ? { limit: Number(limit), windowMs: (window ? Number(window) : 1) * 1000 } : undefined;
}
const CONCURRENCY = 25;

/**
 * A cheap read to repeat without credentials, as a flood from outside would: one known record of a public
 * dataset, else a personal list (refused, but every answer still costs the API), else the root.
 */
async function burstTarget(ctx: RunContext): Promise<string> {
  const datasets = topLevelDatasets(ctx);
  const dataset = datasets.find(isPublic);
  const get = dataset ? ctx.operationPath(dataset.get)?.path : undefined;
  const first = dataset ? (await ctx.crawl(dataset)).records[0] : undefined;
  if (dataset && get && first)
    return get.replace(/\{[^}]+\}/, encodeURIComponent(String(first[dataset.idField])));
  const list = ctx.operationPath((dataset ?? datasets[0])?.list ?? '')?.path;
  return list && !list.includes('{') ? list : '/';
}

export const secureBurstRateLimited: Check = {
  id: 'secure-burst-rate-limited',
  clause: 'secure',
  severity: 'must',
  title: 'A burst of requests is limited with 429 and Retry-After',
  description: `In sandbox mode, repeats one cheap read without credentials as fast as it can (${CONCURRENCY} at a time, past the run’s own rate limit) until the API answers 429, for at most ${BURST_MAX_REQUESTS} requests or ${BURST_MAX_MS / 1000} s; the 429 must carry Retry-After. An API that never limits can be overwhelmed by one faulty or hostile client, and one that limits without Retry-After leaves well-behaved clients guessing.`,
  modes: ['sandbox'],
  sampling:
    'One record of a public dataset (else a list, else the root), read over and over without credentials.',
  async run(ctx) {
    const target = await burstTarget(ctx);
    // Enough requests to pass the limit the API says it has, where that is more than the usual burst.
    const probe = await ctx.http.request({
      url: target,
      noRetry: true,
      note: 'read the advertised rate limit',
    });
    const policy = advertisedPolicy(probe.header('ratelimit-policy'));
    const maxRequests = Math.min(BURST_CEILING, Math.max(BURST_MAX_REQUESTS, (policy?.limit ?? 0) + 1));
    const began = Date.now();
    let sent = 0;
    let errors = 0;
    let stop = false;
    let limited: HarnessResponse | undefined;
    let bare429: HarnessResponse | undefined;
    let first: HarnessResponse | undefined;
    let lastError: HarnessError | undefined;
    const statuses = new Map<number, number>();
    const worker = async () => {
      while (!stop && sent < maxRequests && Date.now() - began < BURST_MAX_MS) {
        sent += 1;
        let response: HarnessResponse;
        try {
          response = await ctx.http.request({
            url: target,
            noRetry: true,
            unthrottled: true,
            note: `burst request ${sent}`,
          });
        } catch (error) {
          if (!(error instanceof HarnessError) || error.code === 'BUDGET_EXHAUSTED') throw error;
          errors += 1;
          lastError = error;
          if (errors >= 20) stop = true;
          continue;
        }
        first ??= response;
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status !== 429) continue;
        if (parseRetryAfter(response.header('retry-after')) !== undefined) {
          limited ??= response;
          stop = true;
        } else bare429 ??= response;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const elapsed = Date.now() - began;
    const rate = Math.round((sent * 1000) / Math.max(1, elapsed));
    const data = { requests: sent, elapsedMs: elapsed, statuses: Object.fromEntries(statuses), errors };
    const exchangeIds = [first, limited ?? bare429].flatMap((r) => (r ? [r.exchange.id] : []));
    if (limited)
      return pass(
        `after ${sent} requests in ${elapsed} ms the API answered 429 with Retry-After: ${limited.header('retry-after')}`,
        { exchangeIds, data, judged: judged(sent, 'burst requests') },
      );
    if (bare429)
      return fail(
        `the burst was limited with 429 but without a Retry-After header; send Retry-After (seconds) with every 429`,
        { exchangeIds, data },
      );
    // The most requests the burst put in any one of the API's windows: if that never passed the limit the
    // API advertises, the API was never asked to limit, and "never limited" would be the harness's shortfall.
    const perWindow = policy
      ? Math.round(elapsed <= policy.windowMs ? sent : (sent * policy.windowMs) / elapsed)
      : undefined;
    if (policy && perWindow !== undefined && perWindow <= policy.limit)
      return notJudged(
        `the burst sent about ${perWindow} requests per ${policy.windowMs / 1000} s window, within the limit of ${policy.limit} the API advertises (RateLimit-Policy: ${probe.header('ratelimit-policy')}), so whether it limits past that was not seen`,
        `a run from a machine that can send more than ${policy.limit} requests in ${policy.windowMs / 1000} s to the API, or a sandbox with a lower limit`,
        { exchangeIds, data },
      );
    if (errors > sent / 2)
      return harnessError(
        `the burst could not be judged: ${errors} of ${sent} requests failed (${lastError?.message ?? 'unknown'})`,
        { exchangeIds, data },
      );
    return fail(
      `${sent} requests to ${target} in ${elapsed} ms (about ${rate}/s) were never limited; answer a burst with 429 and Retry-After`,
      { exchangeIds, data },
    );
  },
};

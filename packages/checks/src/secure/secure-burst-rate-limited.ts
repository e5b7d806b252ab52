import {
  type Check,
  HarnessError,
  type HarnessResponse,
  parseRetryAfter,
  type RunContext,
} from '@council-conform/runner';
import { fail, harnessError, pass } from '../support/outcomes.ts';
import { isPublic, topLevelDatasets } from '../support/probes.ts';

/** The burst's bounds: it stops at the first 429, or after this many requests, or this long. */
export const BURST_MAX_REQUESTS = 1_000;
export const BURST_MAX_MS = 15_000;
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
  async run(ctx) {
    const target = await burstTarget(ctx);
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
      while (!stop && sent < BURST_MAX_REQUESTS && Date.now() - began < BURST_MAX_MS) {
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
        { exchangeIds, data },
      );
    if (bare429)
      return fail(
        `the burst was limited with 429 but without a Retry-After header; send Retry-After (seconds) with every 429`,
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

/**
 * Service statistics of a supplier's API, in the manner of the figures Open Banking asks banks to publish:
 * availability, median and 95th-percentile latency and error rate over the last 30 and 90 days, computed from
 * the HTTP exchanges the product's signed reports already record.
 *
 * Definitions (docs/dashboard.md repeats them):
 * - An exchange counts when the harness sent an HTTP request to the API at the run's target origin (scheme,
 *   host and port): it has a response, or it failed for want of one (a timeout, a network or a TLS failure).
 *   Observations that were no HTTP exchange, requests the harness never sent (the run's budget spent, a link to
 *   another origin refused), and the probes that knock on another door on purpose (plain http beside an https
 *   API, a TLS 1.0 handshake), which a sound API refuses, do not count; a response the harness refused to read
 *   whole (too large, not JSON) counts as answered.
 * - Answered: a response with a status below 500, or 501 (Not Implemented: the API's definite answer for an
 *   optional operation it does not offer, not an outage). Server error: any other 5xx. Failure: no response.
 * - Availability: answered ÷ counted. Error rate: (server errors + failures) ÷ counted; the two add up to 1.
 * - Latency: the time to the whole response of every exchange that had one (5xx included, failures not: a
 *   timeout measures the harness's patience, not the API), as the report records it (`durationMs`).
 * - Percentiles: nearest rank (the smallest recorded value with at least p% of values at or below it), so
 *   every figure shown is one a request really took.
 * - Window: runs that finished no more than `days` × 24 hours before now, and not after now.
 */
import { fieldOf, isRecord, listOf } from './unknown-value.ts';

/** One counted exchange: its HTTP status, or null when it got no response; and how long it took. */
export interface MeasuredExchange {
  readonly status: number | null;
  readonly durationMs: number;
}

/** A run as the statistics need it: when it finished and what its exchanges got. */
export interface MeasuredRun {
  readonly reportId: string;
  readonly runFinishedAt: string;
  readonly exchanges: readonly MeasuredExchange[];
}

export interface WindowStatistics {
  readonly days: number;
  /** The window's start and end (now). */
  readonly from: string;
  readonly to: string;
  readonly runs: number;
  readonly exchanges: number;
  readonly answered: number;
  readonly serverErrors: number;
  readonly failures: number;
  /** Null when no exchange counted: a share of nothing is no figure. */
  readonly availability: number | null;
  readonly errorRate: number | null;
  readonly medianMs: number | null;
  readonly p95Ms: number | null;
}

/** The windows the dashboard publishes. */
export const STATISTICS_WINDOWS = [30, 90] as const;

const DAY_MS = 24 * 60 * 60 * 1000;
/** Failures for want of an answer from the supplier. Other harness errors mean no request went out. */
const NO_ANSWER = new Set(['TIMEOUT', 'NETWORK', 'TLS']);

/** Nearest-rank percentile of values sorted ascending; null for none. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? null;
}

const HTTP_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE']);

function originOf(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/**
 * The exchanges of one report that count, read defensively: a report is the supplier's JSON. `targetUrl` is the
 * report's `target.url`; without one that parses, no exchange can be placed at the API and none counts.
 */
export function measuredExchanges(exchanges: unknown, targetUrl: unknown): MeasuredExchange[] {
  const measured: MeasuredExchange[] = [];
  const target = originOf(targetUrl);
  if (target === undefined || target === 'null') return measured;
  for (const exchange of listOf(exchanges)) {
    if (!isRecord(exchange)) continue;
    const method = fieldOf(exchange.request, 'method');
    if (typeof method !== 'string' || !HTTP_METHODS.has(method.toUpperCase())) continue;
    if (originOf(fieldOf(exchange.request, 'url')) !== target) continue;
    const duration = Number(exchange.durationMs);
    const durationMs = Number.isFinite(duration) && duration >= 0 ? duration : 0;
    const status = fieldOf(exchange.response, 'status');
    if (typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 599) {
      measured.push({ status, durationMs });
      continue;
    }
    const code = fieldOf(exchange.error, 'code');
    if (typeof code === 'string' && NO_ANSWER.has(code)) measured.push({ status: null, durationMs });
  }
  return measured;
}

export function inWindow(runFinishedAt: string, now: Date, days: number): boolean {
  const finished = Date.parse(runFinishedAt);
  const end = now.getTime();
  return Number.isFinite(finished) && finished <= end && end - finished <= days * DAY_MS;
}

/** The statistics of the runs that finished within `days` of `now`. */
export function serviceStatistics(runs: readonly MeasuredRun[], now: Date, days: number): WindowStatistics {
  const within = runs.filter((run) => inWindow(run.runFinishedAt, now, days));
  let answered = 0;
  let serverErrors = 0;
  let failures = 0;
  const durations: number[] = [];
  for (const run of within)
    for (const exchange of run.exchanges) {
      if (exchange.status === null) failures += 1;
      else {
        if (exchange.status >= 500 && exchange.status !== 501) serverErrors += 1;
        else answered += 1;
        durations.push(exchange.durationMs);
      }
    }
  durations.sort((a, b) => a - b);
  const counted = answered + serverErrors + failures;
  return {
    days,
    from: new Date(now.getTime() - days * DAY_MS).toISOString(),
    to: now.toISOString(),
    runs: within.length,
    exchanges: counted,
    answered,
    serverErrors,
    failures,
    availability: counted === 0 ? null : answered / counted,
    errorRate: counted === 0 ? null : (serverErrors + failures) / counted,
    medianMs: percentile(durations, 50),
    p95Ms: percentile(durations, 95),
  };
}

/** Per run: its own median latency and error rate, for the chart of the window's runs. */
export interface RunLatency {
  readonly reportId: string;
  readonly runFinishedAt: string;
  readonly exchanges: number;
  readonly medianMs: number | null;
  readonly p95Ms: number | null;
}

export function runLatencies(runs: readonly MeasuredRun[], now: Date, days: number): RunLatency[] {
  return runs
    .filter((run) => inWindow(run.runFinishedAt, now, days))
    .sort((a, b) => Date.parse(a.runFinishedAt) - Date.parse(b.runFinishedAt))
    .map((run) => {
      const durations = run.exchanges
        .filter((e) => e.status !== null)
        .map((e) => e.durationMs)
        .sort((a, b) => a - b);
      return {
        reportId: run.reportId,
        runFinishedAt: run.runFinishedAt,
        exchanges: run.exchanges.length,
        medianMs: percentile(durations, 50),
        p95Ms: percentile(durations, 95),
      };
    });
}

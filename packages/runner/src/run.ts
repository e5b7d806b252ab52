import { createSecureContext, rootCertificates } from 'node:tls';
import { Agent } from 'undici';
import type { Attestation, AttestationStatement } from './attestation.ts';
import { TokenManager } from './auth.ts';
import { LIMIT_KEYS } from './config.ts';
import { createRunContext } from './context.ts';
import { curlCommand } from './curl.ts';
import { createHarnessHttp, type Exchange, HarnessError } from './http.ts';
import { PreflightError, type PreflightStep, preflight } from './preflight.ts';
import { Redactor } from './redact.ts';
import {
  type CheckResult,
  type ClauseResult,
  certifiability,
  citedExchangeIds,
  judgeClauses,
  judgeLevel,
  type Level,
  type NotJudged,
  notJudgedOf,
} from './results.ts';
import {
  type CheckSelection,
  describeSelection,
  isPartial,
  leftOutResult,
  type PartialRun,
  selectedCheckIds,
} from './selection.ts';
import type { Check, CheckOutcome, DataQuality, Reference, ResolvedRunConfig, RunContext } from './types.ts';

export const REPORT_VERSION = '2.2.0';

/**
 * The settings of a run beyond its target and sampling, none of them secret, so that `conform run
 * --rerun-failed` can repeat the run as it was.
 */
export interface RecordedSettings extends Readonly<Record<(typeof LIMIT_KEYS)[number], number>> {
  readonly tokenUrl: string;
  readonly roundTrip?: { readonly target: string; readonly tokenUrl: string };
}

/**
 * How long a check may run on after the run's budget is spent before it is abandoned. Every request aborts
 * when the budget ends, so a check normally ends at once with its own message; this only bounds one that
 * waits on something else, so that the report is always written.
 */
export const ABANDON_AFTER_BUDGET_MS = 2_000;

export interface RunReport {
  readonly reportVersion: string;
  readonly runner: { readonly name: string; readonly version: string };
  readonly profile: { readonly id: string; readonly version: string; readonly sha256: string };
  readonly target: {
    readonly url: string;
    readonly mode: 'readonly' | 'sandbox';
    readonly features: readonly string[];
    /** Set when the target was a supplier image run in a throwaway container. */
    readonly container?: { readonly image: string; readonly containerId: string; readonly logs: string };
  };
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  readonly requests: number;
  readonly preflight: readonly PreflightStep[];
  readonly checks: readonly CheckResult[];
  readonly clauses: readonly ClauseResult[];
  readonly level: Level;
  /** True when the level counts clauses whose must checks were not all judged (see `notJudged`). */
  readonly levelProvisional: boolean;
  readonly certifiable: boolean;
  readonly certifiableReasons: readonly string[];
  /** Every check this run did not judge, with what to give so that it can. */
  readonly notJudged: readonly NotJudged[];
  /** How the checks chose what they read: the seed that replays the run's samples (`--seed`). */
  readonly sampling: { readonly seed: string };
  /** The run's other settings (since report format 2.1.0). */
  readonly settings?: RecordedSettings;
  /** Set when the run ran only some checks (`--only`, `--skip`, `--rerun-failed`); it is then not certifiable. */
  readonly partial?: PartialRun;
  /**
   * What the records the run read hold, per dataset (since report format 2.2.0): information beside the
   * verdict, which never changes a check's outcome or the level.
   */
  readonly dataQuality?: DataQuality;
  readonly attestation: {
    readonly supplier: string;
    readonly product: string;
    readonly signedBy: { name: string; role: string };
    readonly date: string;
    readonly statements: readonly AttestationStatement[];
  } | null;
  readonly exchanges: readonly Exchange[];
}

export interface RunEvents {
  onPreflight?(steps: readonly PreflightStep[]): void;
  onCheckStart?(check: Check, index: number, total: number, requests: number): void;
  onCheckEnd?(result: CheckResult, index: number, total: number): void;
}

export interface RunInput {
  readonly config: ResolvedRunConfig;
  readonly reference: Reference;
  readonly checks: readonly Check[];
  readonly attestation?: Attestation;
  readonly runner: { readonly name: string; readonly version: string };
  readonly events?: RunEvents;
  /** Stop after pre-flight. */
  readonly dryRun?: boolean;
  /** Personal field names of the reference, redacted from evidence. */
  readonly personalFields: ReadonlySet<string>;
  /** Run only these checks: the rest are reported not judged, and the run is not certifiable. */
  readonly selection?: CheckSelection;
  /**
   * Measures the records the checks read once they have all run (`measureDataQuality` of the checks
   * package), for the report's `dataQuality`; not measured on a dry run or when pre-flight failed.
   */
  readonly measureDataQuality?: (ctx: RunContext) => Promise<DataQuality>;
}

/**
 * Runs pre-flight and then every check, one after another on one rate-limited client, within the run's time
 * budget. A check that throws is an `error`, never a supplier `fail`. Resolves to the report; throws
 * PreflightError when the configuration is wrong.
 */
export async function runConformance(input: RunInput): Promise<RunReport> {
  const { config, reference } = input;
  const selection = isPartial(input.selection) ? input.selection : undefined;
  // Checked before any request, so that a mistyped id costs nothing.
  const selected = selection ? selectedCheckIds(input.checks, selection) : undefined;
  const leftOut = new Set(input.checks.filter((c) => selected && !selected.has(c.id)).map((c) => c.id));
  const started = Date.now();
  const budget = new AbortController();
  const timer = setTimeout(() => budget.abort(), config.runBudgetMs);
  timer.unref();
  const redactor = new Redactor(input.personalFields);
  // A CA of the run's own (a sandbox's private CA) is trusted besides the public ones, never instead.
  const dispatcher = config.tls?.ca
    ? // One secure context for the run: given as a CA list instead, every new connection would parse the
      // public roots again (about a hundred and fifty certificates), which made a burst of connections crawl.
      new Agent({
        connect: { secureContext: createSecureContext({ ca: [...rootCertificates, config.tls.ca] }) },
      })
    : undefined;
  // Getting a token is bounded like any request: by the run's budget and the longest wait it accepts.
  const tokenLimits = { signal: budget.signal, maxRetryAfterMs: config.maxRetryAfterMs };
  const primary = new TokenManager(
    config.credentials,
    config.tokenUrl,
    (s) => redactor.addSecret(s),
    config.requestTimeoutMs,
    dispatcher,
    tokenLimits,
  );
  const secondary = new TokenManager(
    config.secondTenant,
    config.tokenUrl,
    (s) => redactor.addSecret(s),
    config.requestTimeoutMs,
    dispatcher,
    tokenLimits,
  );
  const http = createHarnessHttp({
    target: config.targetUrl,
    requestsPerSecond: config.requestsPerSecond,
    requestTimeoutMs: config.requestTimeoutMs,
    maxResponseBytes: config.maxResponseBytes,
    maxRetryAfterMs: config.maxRetryAfterMs,
    redactor,
    signal: budget.signal,
    tokenFor: (which, refresh) => (which === 'primary' ? primary : secondary).token(refresh),
    ...(dispatcher ? { dispatcher } : {}),
  });
  // The round trip talks to a second implementation with its own tenant; its token is a secret like any other.
  const roundTripTokens = config.roundTrip
    ? new TokenManager(
        config.roundTrip.credentials,
        config.roundTrip.tokenUrl,
        (s) => redactor.addSecret(s),
        config.requestTimeoutMs,
        // The round-trip target is trusted as the run's target is: a local reference server over https with
        // the same private CA is judged as a public one would be.
        dispatcher,
        tokenLimits,
      )
    : undefined;
  const roundTripHttp =
    config.roundTrip && roundTripTokens
      ? createHarnessHttp({
          target: config.roundTrip.targetUrl,
          requestsPerSecond: Math.max(config.requestsPerSecond, 50),
          requestTimeoutMs: config.requestTimeoutMs,
          maxResponseBytes: config.maxResponseBytes,
          maxRetryAfterMs: config.maxRetryAfterMs,
          redactor,
          signal: budget.signal,
          tokenFor: (_which, refresh) => roundTripTokens.token(refresh),
          idPrefix: 'rt',
          ...(dispatcher ? { dispatcher } : {}),
        })
      : undefined;
  const ctx = createRunContext(
    config,
    reference,
    http,
    roundTripHttp && config.roundTrip ? { target: config.roundTrip.target, http: roundTripHttp } : undefined,
  );
  const evidenceOf = (id: string): Exchange | undefined =>
    http.exchanges.find((e) => e.id === id) ?? roundTripHttp?.exchanges.find((e) => e.id === id);
  const abandoned = new Promise<'abandoned'>((resolve) => {
    budget.signal.addEventListener(
      'abort',
      () => setTimeout(() => resolve('abandoned'), ABANDON_AFTER_BUDGET_MS).unref(),
      { once: true },
    );
  });
  const report = (
    steps: readonly PreflightStep[],
    results: readonly CheckResult[],
    ran: boolean,
    dataQuality?: DataQuality,
  ): RunReport => {
    const clauses = judgeClauses(results, input.attestation);
    const verdict = certifiability(
      results,
      config.mode,
      selection ? { leftOut, described: describeSelection(selection) } : undefined,
    );
    // The evidence of what failed or broke carries the command that sends it again.
    const failedEvidence = new Set(
      results.filter((r) => r.status === 'fail' || r.status === 'error').flatMap(citedExchangeIds),
    );
    const reproducible = (exchange: Exchange): Exchange => {
      const curl = failedEvidence.has(exchange.id) ? curlCommand(exchange) : undefined;
      return curl ? { ...exchange, curl } : exchange;
    };
    const level = ran ? judgeLevel(clauses) : { level: 'none' as const, provisional: false };
    const finished = Date.now();
    return {
      reportVersion: REPORT_VERSION,
      runner: input.runner,
      profile: { id: reference.profile.id, version: reference.profile.version, sha256: reference.sha256 },
      target: { url: config.target, mode: config.mode, features: config.features },
      startedAt: new Date(started).toISOString(),
      finishedAt: new Date(finished).toISOString(),
      durationMs: finished - started,
      requests: http.requestCount,
      preflight: redactor.scrub(steps),
      // Checks and evidence are scrubbed again as a whole: a secret learnt late in the run (a cookie set by a
      // later answer) is taken out of what was recorded before it was known.
      checks: redactor.scrub(results),
      clauses,
      level: level.level,
      levelProvisional: level.provisional,
      certifiable: ran && verdict.certifiable,
      certifiableReasons: input.dryRun ? ['dry run: pre-flight only'] : verdict.reasons,
      notJudged: redactor.scrub(notJudgedOf(results)),
      sampling: { seed: config.seed },
      settings: recordedSettings(config, redactor),
      ...(selection ? { partial: { ...selection, leftOut: [...leftOut] } } : {}),
      ...(dataQuality ? { dataQuality } : {}),
      attestation: input.attestation
        ? {
            supplier: input.attestation.supplier,
            product: input.attestation.product,
            signedBy: input.attestation.signedBy,
            date: input.attestation.date,
            statements: input.attestation.statements,
          }
        : null,
      exchanges: redactor.scrub([...http.exchanges, ...(roundTripHttp?.exchanges ?? [])]).map(reproducible),
    };
  };
  try {
    const steps = await preflight(config, reference, http, { primary, secondary }, ctx);
    input.events?.onPreflight?.(redactor.scrub(steps));
    const failed = steps.filter((s) => !s.ok && !s.warning);
    if (failed.length > 0) {
      const notRun = input.checks.map(
        (check): CheckResult =>
          selection && leftOut.has(check.id)
            ? leftOutResult(check, selection)
            : {
                id: check.id,
                clause: check.clause,
                severity: check.severity,
                title: check.title,
                status: 'error',
                message: redactor.text(
                  `not run: pre-flight failed at ${failed.map((s) => `“${s.step}”`).join(', ')}`,
                ),
                durationMs: 0,
              },
      );
      throw new PreflightError(redactor.scrub(steps), report(steps, notRun, false));
    }
    const results: CheckResult[] = [];
    if (!input.dryRun) {
      const total = input.checks.length - leftOut.size;
      let index = -1;
      for (const check of input.checks) {
        if (selection && leftOut.has(check.id)) {
          results.push(leftOutResult(check, selection));
          continue;
        }
        index += 1;
        input.events?.onCheckStart?.(check, index, total, http.requestCount);
        const begun = performance.now();
        let outcome: Omit<CheckResult, 'id' | 'clause' | 'severity' | 'title' | 'durationMs'>;
        if (check.modes && !check.modes.includes(config.mode)) {
          outcome = {
            status: 'not-judged',
            message: `runs only in ${check.modes.join(' or ')} mode; this run is ${config.mode}`,
            toJudge: `a ${check.modes.join(' or ')}-mode run (--mode ${check.modes[0]}) against a sandbox of the API`,
          };
        } else if (budget.signal.aborted) {
          outcome = {
            status: 'error',
            message: `not run: the run’s time budget of ${config.runBudgetMs} ms was spent`,
          };
        } else {
          // Both ways a check can settle are handled here, so one settling after it was abandoned raises nothing.
          const settled = await Promise.race([
            Promise.resolve()
              .then(() => check.run(ctx))
              .then(
                (value) => ({ value }),
                (error: unknown) => ({ error }),
              ),
            abandoned,
          ]);
          if (settled === 'abandoned') {
            outcome = {
              status: 'error',
              message: `abandoned: the check had not finished ${ABANDON_AFTER_BUDGET_MS} ms after the run’s time budget of ${config.runBudgetMs} ms was spent`,
            };
          } else if ('value' in settled) outcome = withEvidenceRule(settled.value, evidenceOf);
          else {
            const { error } = settled;
            outcome = {
              status: 'error',
              message: `the check could not run: ${error instanceof Error ? error.message : String(error)}`,
              ...(error instanceof HarnessError && error.exchangeId
                ? { exchangeIds: [error.exchangeId] }
                : {}),
            };
          }
        }
        const result: CheckResult = redactor.scrub({
          id: check.id,
          clause: check.clause,
          severity: check.severity,
          title: check.title,
          ...outcome,
          durationMs: Math.round(performance.now() - begun),
        });
        results.push(result);
        input.events?.onCheckEnd?.(result, index, total);
      }
    }
    // Counted from records already in memory, after the last check: it reads nothing and judges nothing.
    const dataQuality =
      input.dryRun || !input.measureDataQuality ? undefined : await input.measureDataQuality(ctx);
    return report(steps, results, !input.dryRun, dataQuality);
  } finally {
    clearTimeout(timer);
    ctx.close();
    await dispatcher?.close();
  }
}

/**
 * The one place that keeps a check from passing on nothing: a `pass` must say what it judged (at least one
 * record, file, page, response or handshake) and cite at least one exchange of this run that got an answer.
 * Anything less is turned into an `error` naming what was missing, whatever the check's own code did. A
 * `not-judged` outcome always says what to give; one that does not is given the check's message to point at.
 */
export function withEvidenceRule(
  outcome: CheckOutcome,
  exchangeOf: (id: string) => Exchange | undefined,
): CheckOutcome {
  if (outcome.status === 'not-judged' && !outcome.toJudge)
    return { ...outcome, toJudge: 'what the message above names' };
  if (outcome.status !== 'pass') return outcome;
  const missing: string[] = [];
  if (!outcome.judged || !(outcome.judged.count >= 1))
    missing.push(`it judged no ${outcome.judged?.of ?? 'records, files or responses'}`);
  const cited = outcome.exchangeIds ?? [];
  const answered = cited
    .map(exchangeOf)
    .filter(
      (e): e is Exchange => e !== undefined && (e.response !== undefined || e.observation !== undefined),
    );
  if (cited.length === 0) missing.push('it cites no exchange as evidence');
  else if (answered.length === 0)
    missing.push(`none of the exchanges it cites (${cited.slice(0, 3).join(', ')}) got an answer`);
  if (missing.length === 0) return outcome;
  return {
    ...outcome,
    status: 'error',
    message: `passed without evidence (${missing.join('; ')}), so it is not counted as a pass; it said: ${outcome.message}`,
  };
}

/** The settings a report records, their URLs redacted as the evidence's are (a token endpoint may carry a key). */
function recordedSettings(config: ResolvedRunConfig, redactor: Redactor): RecordedSettings {
  return {
    ...(Object.fromEntries(LIMIT_KEYS.map((key) => [key, config[key]])) as Record<
      (typeof LIMIT_KEYS)[number],
      number
    >),
    tokenUrl: redactor.url(config.tokenUrl),
    ...(config.roundTrip
      ? {
          roundTrip: {
            target: redactor.url(config.roundTrip.target),
            tokenUrl: redactor.url(config.roundTrip.tokenUrl),
          },
        }
      : {}),
  };
}

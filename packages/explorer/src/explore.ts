import { createSchemaValidator, type JsonObject } from '@council-conform/openapi';
import {
  curlCommand,
  HarnessError,
  type HarnessHttp,
  type HarnessResponse,
  type RunMode,
} from '@council-conform/runner';
import fc from 'fast-check';
import { caseArbitrary, type ExploreCase, edgeCases, requestPath, type SeenIds } from './cases.ts';
import { type FindingKind, judgeAnswer, type Verdict } from './judge.ts';
import { isObject, type OperationModel, operationModels, READ_METHODS } from './model.ts';
import { edgeValues, invalidValues } from './values.ts';

export interface ExploreBudget {
  /** Requests exploration may send, shrinking included. */
  readonly requests: number;
  /** Milliseconds exploration may take. */
  readonly timeMs: number;
}

export interface ExploreOptions {
  /** The runner's safe client on the target: origin only, rate limit, timeouts, size cap, redaction. */
  readonly http: HarnessHttp;
  /** The description, OpenAPI 3.x (convert Swagger 2.0 first). */
  readonly document: JsonObject;
  /** Where the description came from, for the report. */
  readonly descriptionSource: string;
  /** Replays the run: the same seed against the same answers sends the same requests. */
  readonly seed: number;
  /** `readonly` sends GET only; `sandbox` also sends writes with generated bodies. */
  readonly mode: RunMode;
  readonly budget: ExploreBudget;
  /** Whether the client holds credentials (`primary`); operations that need them are skipped otherwise. */
  readonly hasCredentials: boolean;
  /** Called as each operation is done, for progress. */
  readonly onOperation?: (summary: OperationSummary) => void;
}

export interface ExploreFinding {
  readonly kind: FindingKind;
  readonly operation: string;
  readonly message: string;
  /** What the minimal request does, in words. */
  readonly how: string;
  readonly request: { readonly method: string; readonly path: string; readonly body?: unknown };
  readonly status: number;
  readonly exchangeId: string;
  /** Sends the minimal request again; credentials as `$CONFORM_TOKEN`. */
  readonly curl: string;
  /** The fast-check seed and path that give this request again (`--seed` replays the whole run). */
  readonly replay: { readonly seed: number; readonly path: string };
  /** How many smaller requests fast-check tried while shrinking. */
  readonly shrinks: number;
}

export interface OperationSummary {
  readonly operation: string;
  readonly requests: number;
  readonly byIntent: { readonly valid: number; readonly invalid: number; readonly neutral: number };
  readonly findings: number;
  /** Why it was not explored, when it was not. */
  readonly skipped?: string;
}

export interface ExploreReport {
  readonly description: string;
  readonly seed: number;
  readonly mode: RunMode;
  readonly budget: ExploreBudget;
  readonly used: { readonly requests: number; readonly timeMs: number; readonly exhausted: boolean };
  /** Answers judged (429s and failed exchanges are not). */
  readonly judged: number;
  /** The exchanges of the answers judged, in order, for evidence. */
  readonly exchangeIds: readonly string[];
  /** Requests the harness could not get an answer to (timeouts, broken connections). */
  readonly unanswered: number;
  readonly operations: readonly OperationSummary[];
  readonly findings: readonly ExploreFinding[];
}

/** Findings of one kind per operation: the first is shrunk and kept; more of the same say nothing new. */
const ROUNDS_PER_OPERATION = 4;
/** Requests a shrink may send past an operation's share (the whole budget still bounds it). */
const SHRINK_REQUESTS = 30;
/** The part of the budget the fixed edge cases may take before random generation starts. */
const EDGE_SHARE = 0.6;
const ID_FIELD = /^(id|.*_id|.*Id)$/;
const MAX_IDS = 20;

/** How many ways an operation's requests can be varied: its parameters' edges and breakages. */
function variety(operation: OperationModel, mode: RunMode): number {
  const ofSchema = (schema: JsonObject) => edgeValues(schema).length + invalidValues(schema).length;
  return (
    operation.parameters.reduce((sum, parameter) => sum + 1 + ofSchema(parameter.schema), 0) +
    (mode === 'sandbox' && operation.body ? 1 + ofSchema(operation.body.schema) : 0)
  );
}

/** A stable 32-bit number from a string: each operation's seed, derived from the run's. */
export function seedOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash | 0;
}

function idsIn(body: unknown, wanted: string | undefined): string[] {
  const items = Array.isArray(body)
    ? body
    : isObject(body)
      ? ((Object.values(body).find((value) => Array.isArray(value)) as unknown[] | undefined) ?? [])
      : [];
  const out: string[] = [];
  for (const item of items.slice(0, MAX_IDS)) {
    if (!isObject(item)) continue;
    const key =
      wanted && wanted in item
        ? wanted
        : 'id' in item
          ? 'id'
          : Object.keys(item).find((k) => ID_FIELD.test(k));
    const value = key ? item[key] : undefined;
    if (typeof value === 'string' || typeof value === 'number') out.push(String(value));
  }
  return out;
}

/**
 * Explores an API from its description: for each operation, fast-check generates requests (valid ones and
 * deliberately broken ones), each is sent through the harness client and judged; the first request that
 * shows a defect is shrunk by fast-check to the smallest request that still shows it, and exploration of
 * that operation goes on for defects of other kinds. Stops at the budget, whatever is left.
 */
export async function explore(options: ExploreOptions): Promise<ExploreReport> {
  const started = Date.now();
  const deadline = started + options.budget.timeMs;
  const validator = createSchemaValidator(options.document);
  let sent = 0;
  let judged = 0;
  const exchangeIds: string[] = [];
  let unanswered = 0;
  let exhausted = false;
  const spent = () => {
    if (sent >= options.budget.requests || Date.now() >= deadline) exhausted = true;
    return exhausted;
  };

  const all = operationModels(options.document);
  const summaries: OperationSummary[] = [];
  const findings: ExploreFinding[] = [];
  const explorable: OperationModel[] = [];
  for (const operation of all) {
    const skipped =
      options.mode === 'readonly' && !READ_METHODS.has(operation.method)
        ? 'a write: explored only in sandbox mode'
        : operation.method === 'head' || operation.method === 'options' || operation.method === 'trace'
          ? `${operation.method.toUpperCase()} is not explored`
          : !operation.isPublic && !options.hasCredentials
            ? 'needs credentials, and none were given'
            : undefined;
    if (skipped)
      summaries.push({
        operation: operation.key,
        requests: 0,
        byIntent: { valid: 0, invalid: 0, neutral: 0 },
        findings: 0,
        skipped,
      });
    else explorable.push(operation);
  }

  async function send(
    operation: OperationModel,
    exploreCase: ExploreCase,
    note: string,
  ): Promise<HarnessResponse | undefined> {
    sent += 1;
    try {
      return await options.http.request({
        method: operation.method.toUpperCase(),
        url: requestPath(operation, exploreCase),
        auth: !operation.isPublic && options.hasCredentials ? 'primary' : 'none',
        ...(exploreCase.body !== undefined
          ? { body: JSON.stringify(exploreCase.body), headers: { 'content-type': 'application/json' } }
          : {}),
        note,
      });
    } catch (error) {
      if (!(error instanceof HarnessError)) throw error;
      if (error.code === 'BUDGET_EXHAUSTED') exhausted = true;
      unanswered += 1;
      return undefined;
    }
  }

  // Ids first: one plain read of every list (a GET with no path parameter), so that reads by id ask for
  // records that exist.
  const listIds = new Map<string, string[]>();
  for (const operation of explorable) {
    if (operation.method !== 'get' || operation.parameters.some((p) => p.in === 'path') || spent()) continue;
    const response = await send(
      operation,
      { intent: 'valid', how: 'plain read', pathValues: {}, query: [] },
      'exploration: read ids to explore with',
    );
    if (response && response.status === 200 && /json/.test(response.header('content-type') ?? '')) {
      try {
        listIds.set(operation.path, idsIn(response.json(), undefined));
      } catch {
        // Not JSON after all: judged when explored; no ids from it.
      }
    }
  }
  const seen: SeenIds = {
    forParameter(operation, parameter) {
      const parent = operation.path.slice(0, operation.path.lastIndexOf(`/{${parameter.name}}`));
      return listIds.get(parent) ?? [];
    },
  };

  interface OperationState {
    requests: number;
    byIntent: { valid: number; invalid: number; neutral: number };
    found: number;
    notOffered: boolean;
    readonly foundKinds: Set<FindingKind>;
  }
  const states = new Map<string, OperationState>(
    explorable.map((operation) => [
      operation.key,
      {
        requests: 0,
        byIntent: { valid: 0, invalid: 0, neutral: 0 },
        found: 0,
        notOffered: false,
        foundKinds: new Set<FindingKind>(),
      },
    ]),
  );
  const stateOf = (operation: OperationModel) => states.get(operation.key) as OperationState;
  const withBodyFor = (operation: OperationModel) =>
    options.mode === 'sandbox' && !READ_METHODS.has(operation.method);

  /** Sends a case and judges its answer; the verdicts of kinds not yet found for the operation. */
  async function tryCase(
    operation: OperationModel,
    exploreCase: ExploreCase,
  ): Promise<{ verdicts: Verdict[]; response: HarnessResponse } | undefined> {
    const state = stateOf(operation);
    const response = await send(
      operation,
      exploreCase,
      `exploration (seed ${options.seed}): ${exploreCase.how}`,
    );
    state.requests += 1;
    state.byIntent[exploreCase.intent] += 1;
    if (!response || response.status === 429) return undefined;
    if (response.status === 501) {
      state.notOffered = true;
      return undefined;
    }
    judged += 1;
    exchangeIds.push(response.exchange.id);
    const anonymous = operation.isPublic || !options.hasCredentials;
    const verdicts = judgeAnswer(operation, exploreCase, response, validator, anonymous).filter(
      (candidate) => !state.foundKinds.has(candidate.kind),
    );
    return { verdicts, response };
  }

  /** Keeps each new kind of defect an answer showed (a 5xx that leaks a stack trace is both). */
  function record(
    operation: OperationModel,
    exploreCase: ExploreCase,
    verdicts: readonly Verdict[],
    response: HarnessResponse,
    replay: ExploreFinding['replay'],
    shrinks: number,
  ): void {
    const state = stateOf(operation);
    for (const verdict of verdicts) {
      if (state.foundKinds.has(verdict.kind)) continue;
      state.foundKinds.add(verdict.kind);
      state.found += 1;
      findings.push({
        kind: verdict.kind,
        operation: operation.key,
        message: `${operation.key}: ${verdict.message}`,
        how: exploreCase.how,
        request: {
          method: operation.method.toUpperCase(),
          path: requestPath(operation, exploreCase),
          ...(exploreCase.body !== undefined ? { body: exploreCase.body } : {}),
        },
        status: response.status,
        exchangeId: response.exchange.id,
        curl: curlCommand(response.exchange) ?? '',
        replay,
        shrinks,
      });
    }
  }

  // Fixed cases first, whatever the seed: every documented edge and the value just past it, taken in turn
  // across operations (each operation's first case, then each one's second…), so that a budget too small
  // for them all is still shared fairly. Up to EDGE_SHARE of what is left; random generation has the rest.
  const edgeStop = sent + Math.floor((options.budget.requests - sent) * EDGE_SHARE);
  const queues = explorable.map((operation) => ({
    operation,
    cases: edgeCases(
      operation,
      seen,
      withBodyFor(operation),
      seedOf(`${options.seed}:${operation.key}:edges`),
    ),
  }));
  for (let index = 0; queues.some(({ cases }) => index < cases.length); index++) {
    for (const { operation, cases } of queues) {
      const exploreCase = cases[index];
      if (!exploreCase || stateOf(operation).notOffered) continue;
      if (sent >= edgeStop || spent()) break;
      const answer = await tryCase(operation, exploreCase);
      if (answer)
        record(
          operation,
          exploreCase,
          answer.verdicts,
          answer.response,
          { seed: options.seed, path: 'edges' },
          0,
        );
    }
    if (sent >= edgeStop || exhausted) break;
  }

  // Operations with more to vary (bounded parameters, enums, bodies) get more of the budget: that is where
  // more can go wrong. Each gets a few requests at least.
  const weights = explorable.map((operation) => 1 + variety(operation, options.mode));
  let weightLeft = weights.reduce((sum, weight) => sum + weight, 0);
  for (const [index, operation] of explorable.entries()) {
    const weight = weights[index] ?? 1;
    const share = Math.max(3, Math.floor(((options.budget.requests - sent) * weight) / weightLeft));
    weightLeft -= weight;
    const stopAt = sent + share;
    const state = stateOf(operation);
    const arbitrary = caseArbitrary(operation, seen, withBodyFor(operation));
    for (
      let round = 0;
      round < ROUNDS_PER_OPERATION && sent < stopAt && !state.notOffered && !spent();
      round++
    ) {
      const seed = seedOf(`${options.seed}:${operation.key}:${round}`);
      // The last answer that showed a new defect, by the case's text: fast-check reports the case, the
      // answer that showed it is kept here.
      const failures = new Map<string, { verdicts: Verdict[]; response: HarnessResponse }>();
      let shrinks = 0;
      let failing = false;
      let shrinkStop = stopAt;
      const property = fc.asyncProperty(arbitrary, async (exploreCase) => {
        if (sent >= (failing ? shrinkStop : stopAt) || state.notOffered || spent()) return true;
        if (failing) shrinks += 1;
        const answer = await tryCase(operation, exploreCase);
        if (!answer || answer.verdicts.length === 0) return true;
        if (!failing) shrinkStop = Math.max(stopAt, sent + SHRINK_REQUESTS);
        failing = true;
        failures.set(JSON.stringify(exploreCase), answer);
        return false;
      });
      const details = await fc.check(property, { seed, numRuns: Math.max(1, stopAt - sent) });
      if (!details.failed || !details.counterexample) continue;
      const [minimal] = details.counterexample;
      const seenFailure = failures.get(JSON.stringify(minimal));
      if (!seenFailure) continue;
      record(
        operation,
        minimal,
        seenFailure.verdicts,
        seenFailure.response,
        { seed, path: details.counterexamplePath ?? '' },
        shrinks,
      );
    }
    const summary = {
      operation: operation.key,
      requests: state.requests,
      byIntent: state.byIntent,
      findings: state.found,
      ...(state.notOffered ? { skipped: 'answers 501 Not Implemented: the supplier does not offer it' } : {}),
    };
    summaries.push(summary);
    options.onOperation?.(summary);
  }

  const order = new Map(all.map((operation, index) => [operation.key, index]));
  summaries.sort((a, b) => (order.get(a.operation) ?? 0) - (order.get(b.operation) ?? 0));
  return {
    description: options.descriptionSource,
    seed: options.seed,
    mode: options.mode,
    budget: options.budget,
    used: { requests: sent, timeMs: Date.now() - started, exhausted },
    judged,
    exchangeIds,
    unanswered,
    operations: summaries,
    findings,
  };
}

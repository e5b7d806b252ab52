import { asOpenApi3, ExploreError, type ExploreFinding, explore, seedOf } from '@council-conform/explorer';
import { type Check, ViolationCollector } from '@council-conform/runner';
import { fail, judge, judged } from '../support/outcomes.ts';

/** Bounds that keep a run's duration reasonable: `conform explore` is there for longer explorations. */
export const RUN_EXPLORATION_BUDGET = { requests: 200, timeMs: 60_000 } as const;

const KIND_TITLES: Readonly<Record<ExploreFinding['kind'], string>> = {
  'server-error': 'a 5xx answer',
  'undocumented-status': 'a status the description does not give',
  'undocumented-content-type': 'a content type the description does not give',
  'body-does-not-match': 'a body that does not match the description',
  'internals-in-error': 'internals in an error',
  'invalid-input-accepted': 'invalid input accepted',
  'personal-data-anonymous': 'personal-looking data without credentials',
};

export const exploredFromDescription: Check = {
  id: 'explored-from-description',
  clause: 'open-api',
  severity: 'should',
  title: 'Requests generated from the supplier’s own description find no defect',
  description:
    'Tries, for every described operation and whatever the seed, each documented edge (minimum, maximum, maxLength, first and last enum value) and the value just past it; then generates requests from the supplier’s published description with fast-check, valid ones and deliberately broken ones (wrong types, values past their minimum or maximum, text past its maxLength, values outside an enum, missing required parameters, unknown parameters, awkward Unicode), reads by id with ids seen in list answers, and judges each answer: no 5xx, only statuses, content types and bodies the description gives, no invalid input accepted, no stack traces or other internals, no personal-looking data without credentials. Each defect is shrunk to the smallest request that shows it, with its curl. Fixed checks only find what we thought of; a description is a promise about every request, and this tests more of it. Internals leaked in errors are also judged, as a must, by secure-no-internals-in-errors; found by exploration they are reported here, so that a supplier learns of them without a run failing on requests no fixed check sends. An answer that shows several defects at once (a 5xx carrying a stack trace) is reported as each of them.',
  sampling: `Reads only (GET), whatever the run's mode, so that the data other checks judge is never changed: at most ${RUN_EXPLORATION_BUDGET.requests} requests or ${RUN_EXPLORATION_BUDGET.timeMs / 1000} s, shared among the described operations, seeded by the run's seed; \`conform explore\` explores further.`,
  async run(ctx) {
    const found = await ctx.supplierDescription();
    if (!found) return fail('there is no description to explore from (see description-discoverable)');
    let document: ReturnType<typeof asOpenApi3>;
    try {
      document = asOpenApi3(found.document, found.url);
    } catch (error) {
      if (error instanceof ExploreError) return fail(error.message);
      throw error;
    }
    const seed = seedOf(ctx.config.seed);
    const report = await explore({
      http: ctx.http,
      document,
      descriptionSource: found.url,
      seed,
      mode: 'readonly',
      budget: RUN_EXPLORATION_BUDGET,
      hasCredentials: ctx.config.credentials !== undefined,
    });
    const violations = new ViolationCollector();
    for (const finding of report.findings)
      violations.add(KIND_TITLES[finding.kind], {
        // The curl holds the request already; the method and path stand alone only when there is no curl.
        message: `${finding.message}; smallest request: ${finding.curl || `${finding.request.method} ${finding.request.path}`}`,
        location: finding.operation,
        exchangeId: finding.exchangeId,
      });
    const explored = report.operations.filter((operation) => operation.requests > 0).length;
    return judge(
      violations,
      {
        pass: `${report.judged} generated requests over ${explored} operations (seed ${seed}) found no defect`,
        fail: `generated requests (seed ${seed}) found defects`,
      },
      {
        judged: judged(report.judged, 'generated requests'),
        exchangeIds: [found.exchangeId, ...report.exchangeIds],
        data: {
          seed,
          requests: report.used.requests,
          operations: explored,
          budget: RUN_EXPLORATION_BUDGET,
          exhausted: report.used.exhausted,
        },
      },
    );
  },
};

import {
  type CheckOutcome,
  type ReferenceDataset,
  type ReferenceWrites,
  type RunContext,
  ViolationCollector,
} from '@council-conform/runner';
import { harnessError, judge, judged, notApplicable, notJudged, TO_JUDGE } from './outcomes.ts';
import { WriteChain } from './write-chain.ts';
import { type DatasetChain, offered, WRITE_STEPS } from './write-steps.ts';

/**
 * The sandbox write workflow (issue 23): per dataset whose profile entry has `writes`, a chain of steps
 * (write-chain.ts) that each leave evidence. It runs once per run (memoised); three checks judge its steps,
 * one clause each.
 */
export interface WriteWorkflows {
  /** The tag every written record carries in its free-text field, and every write in `X-Conform-Run`. */
  readonly tag: string;
  readonly chains: readonly DatasetChain[];
}

/** The text every written record carries in its free-text field: `conform-run:<seed>`. */
export const tagOf = (seed: string) => `conform-run:${seed}`;

/** Datasets whose profile entry lists writes, and whose create the supplier offers (required, or declared). */
export function writableDatasets(ctx: RunContext): (ReferenceDataset & { writes: ReferenceWrites })[] {
  return ctx.reference.profile.datasets.filter(
    (d): d is ReferenceDataset & { writes: ReferenceWrites } =>
      d.writes !== undefined && offered(ctx, d.writes.create.operation),
  );
}

/** The chains of every writable dataset, run once per run. */
export function runWriteWorkflows(ctx: RunContext): Promise<WriteWorkflows> {
  return ctx.memo('writes:workflows', async () => {
    const tag = tagOf(ctx.config.seed);
    const chains: DatasetChain[] = [];
    for (const dataset of writableDatasets(ctx)) chains.push(await new WriteChain(ctx, dataset, tag).run());
    return { tag, chains };
  });
}

/**
 * One clause's verdict on the workflow's steps: a failed step fails it, naming the dataset and the step; a
 * step the harness could not take is an error; nothing taken is not judged, with why.
 */
export async function judgeWriteSteps(
  ctx: RunContext,
  clause: keyof typeof WRITE_STEPS,
  messages: { pass: string; fail: string },
): Promise<CheckOutcome> {
  if (writableDatasets(ctx).length === 0) {
    const optional = ctx.reference.profile.datasets.flatMap((d) =>
      d.writes ? [`${d.id} (${d.writes.create.operation})`] : [],
    );
    return notApplicable(
      optional.length === 0
        ? `${ctx.reference.profile.id}’s profile requires no writes`
        : `the writes of ${optional.join(', ')} are optional and the run did not declare them`,
    );
  }
  const { tag, chains } = await runWriteWorkflows(ctx);
  const mine = WRITE_STEPS[clause];
  const taken = chains.flatMap((chain) =>
    chain.steps.filter((s) => mine.includes(s.step)).map((step) => ({ chain, step })),
  );
  const exchangeIds = [...new Set(taken.flatMap(({ step }) => step.exchangeIds))];
  const data = {
    tag,
    steps: chains.map((chain) => ({
      dataset: chain.dataset,
      ...(chain.recordId !== undefined ? { record: chain.recordId } : {}),
      steps: chain.steps.map((s) => `${s.step}: ${s.outcome}: ${s.message}`),
      removed: chain.removed,
      notRemoved: chain.left,
    })),
  };
  const violations = new ViolationCollector();
  for (const { chain, step } of taken)
    if (step.outcome === 'failed')
      violations.add(`the ${step.step} step failed`, {
        message: `${chain.dataset}: ${step.step}: ${step.message}`,
        location: chain.dataset,
        ...(step.exchangeIds.at(-1) ? { exchangeId: step.exchangeIds.at(-1) as string } : {}),
      });
  const errors = taken.filter(({ step }) => step.outcome === 'error');
  const passed = taken.filter(({ step }) => step.outcome === 'passed');
  if (violations.isEmpty && errors.length > 0)
    return harnessError(
      `the workflow could not take every step: ${errors.map(({ chain, step }) => `${chain.dataset}: ${step.step}: ${step.message}`).join('; ')}`,
      { exchangeIds, data },
    );
  if (violations.isEmpty && passed.length === 0) {
    const why = [...new Set(taken.map(({ chain, step }) => `${chain.dataset}: ${step.message}`))].join('; ');
    const noSecond = taken.some(({ step }) => step.message.startsWith('no second tenant'));
    const allPublic = taken.every(({ step }) => step.message.includes('is public'));
    if (allPublic)
      return notApplicable(`every dataset written is public, read by every tenant: ${why}`, { data });
    return notJudged(
      `no step of this clause was taken (${why})`,
      noSecond ? TO_JUDGE.secondTenant : 'a create that works (see open-api-write-workflow)',
      { exchangeIds, data },
    );
  }
  return judge(
    violations,
    {
      pass: `${messages.pass} (${passed.map(({ chain, step }) => `${chain.dataset}: ${step.step}`).join(', ')})`,
      fail: messages.fail,
    },
    {
      exchangeIds,
      judged: judged(
        passed.length + taken.filter(({ step }) => step.outcome === 'failed').length,
        'workflow steps',
      ),
      data,
    },
  );
}

import type { JsonObject } from '@council-conform/openapi';
import {
  type Check,
  type ReferenceDataset,
  type RunContext,
  ViolationCollector,
  walkDataset,
} from '@council-conform/runner';
import { createRng, type Rng } from '@council-conform/synthetic-data';
import { isObject } from '../support/json.ts';
import { listDataset } from '../support/listing.ts';
import { judge, judged, notApplicable, notJudged, TO_JUDGE } from '../support/outcomes.ts';
import { isPublic, readRecordById, topLevelDatasets } from '../support/probes.ts';

/** Ids of the other tenant's list read back per dataset: first page, last page, seeded random, each shape. */
const FROM_EACH_END = 3;
const AT_RANDOM = 10;
const MAX_SHAPES = 20;
/** Records of one tenant's list kept while it is read: the ends, a seeded reservoir and one per id shape. */
const PROBES_PER_DATASET = FROM_EACH_END * 2 + AT_RANDOM + MAX_SHAPES;

/**
 * The shape of an id, so that records from another system (migrated `LEG-004512` among `2026-100231`) are
 * probed too: each alphanumeric run is written as the classes of character it holds, separators kept.
 * `2026-100231` → `9-9`, `LEG-004512` → `A-9`, a UUID → `a9-a9-a9-a9-a9`.
 */
export function idShape(id: string): string {
  return id.replace(/[A-Za-z0-9]+/g, (run) =>
    [/[A-Z]/.test(run) ? 'A' : '', /[a-z]/.test(run) ? 'a' : '', /[0-9]/.test(run) ? '9' : ''].join(''),
  );
}

interface Probe {
  readonly id: string;
  readonly record: JsonObject;
  readonly why: string;
}

/**
 * Reads one tenant's whole list of a dataset and keeps a bounded, seeded choice of its records: the first
 * and last FROM_EACH_END, AT_RANDOM drawn from the rest (reservoir sampling, the list's length being known
 * only at its end) and the first of every id shape seen.
 */
async function chooseProbes(
  ctx: RunContext,
  dataset: ReferenceDataset,
  auth: 'primary' | 'secondary',
  rng: Rng,
): Promise<{ probes: Probe[]; listed: number; exchangeIds: readonly string[]; problem?: string }> {
  const first: Probe[] = [];
  let tail: Probe[] = [];
  const drawn: Probe[] = [];
  const shapes = new Map<string, Probe>();
  let between = 0;
  let listed = 0;
  const walk = await walkDataset(
    ctx.http,
    ctx.config.targetUrl,
    ctx.operationPath(dataset.list),
    dataset,
    auth,
    (items) => {
      for (const record of items) {
        listed += 1;
        const probe = { id: String(record[dataset.idField]), record, why: '' };
        const shape = idShape(probe.id);
        if (!shapes.has(shape) && shapes.size < MAX_SHAPES)
          shapes.set(shape, { ...probe, why: `id shape ${shape}` });
        if (first.length < FROM_EACH_END) {
          first.push({ ...probe, why: `record ${listed} of the list` });
          continue;
        }
        tail.push({ ...probe, why: `record ${listed} of the list` });
        if (tail.length <= FROM_EACH_END) continue;
        const leaving = tail.shift() as Probe;
        between += 1;
        if (drawn.length < AT_RANDOM) drawn.push({ ...leaving, why: `drawn at random (${leaving.why})` });
        else {
          const slot = rng.int(0, between - 1);
          if (slot < AT_RANDOM) drawn[slot] = { ...leaving, why: `drawn at random (${leaving.why})` };
        }
      }
      return listed >= 1_000_000 ? 'stopped after 1,000,000 records' : undefined;
    },
  );
  tail = tail.map((p) => ({ ...p, why: `${p.why}, on the last page` }));
  const byId = new Map<string, Probe>();
  for (const probe of [...first, ...tail, ...drawn, ...shapes.values()])
    if (!byId.has(probe.id) && byId.size < PROBES_PER_DATASET) byId.set(probe.id, probe);
  return {
    probes: [...byId.values()],
    listed,
    exchangeIds: walk.exchangeIds,
    ...(walk.problem ? { problem: walk.problem } : {}),
  };
}

/** Which of `ids` the tenant's own listing also holds: one pass over its sorted ids. */
async function alsoListed(ctx: RunContext, dataset: ReferenceDataset, ids: ReadonlySet<string>) {
  const shared = new Set<string>();
  for await (const id of (await listDataset(ctx, dataset)).ids.sorted()) if (ids.has(id)) shared.add(id);
  return shared;
}

const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    isObject(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );

export const personalDataTenantIsolation: Check = {
  id: 'personal-data-tenant-isolation',
  clause: 'personal-data',
  severity: 'must',
  title: 'One council cannot read another council’s records',
  description:
    'With a second tenant’s credentials, reads that tenant’s whole list of every personal dataset and asks for a seeded sample of its records by id with the first tenant’s token: the API must answer 403 or 404. Where both tenants list the same id, the first tenant’s record must not be the second tenant’s. A sample of the first tenant’s records is asked for with the second tenant’s token the same way. Multi-tenant SaaS that leaks across councils is a reportable data breach.',
  sampling:
    'Per personal dataset, of the second tenant’s whole list: its first three and last three records, ten drawn at random with the run’s seed and the first record of every id shape seen (a migrated LEG-004512 among 2026-100231), up to 36; and the first tenant’s sampled records the other way.',
  async run(ctx) {
    const datasets = topLevelDatasets(ctx).filter((d) => !isPublic(d));
    if (datasets.length === 0) return notApplicable(`${ctx.reference.profile.id} has no personal datasets`);
    if (!ctx.config.secondTenant)
      return notJudged('no second tenant’s credentials were given', TO_JUDGE.secondTenant);
    const violations = new ViolationCollector();
    const exchangeIds: string[] = [];
    const coverage: Record<string, unknown>[] = [];
    let probed = 0;
    for (const dataset of datasets) {
      const get = ctx.operationPath(dataset.get);
      if (!get) continue;
      const rng = createRng(`${ctx.config.seed}:${dataset.id}:tenants`);
      const theirs = await chooseProbes(ctx, dataset, 'secondary', rng);
      exchangeIds.push(...theirs.exchangeIds.slice(0, 1), ...theirs.exchangeIds.slice(-1));
      const shared = await alsoListed(ctx, dataset, new Set(theirs.probes.map((p) => p.id)));
      const read = async (id: string, auth: 'primary' | 'secondary', note: string) => {
        const url = get.path.replace(/\{[^}]+\}/, encodeURIComponent(id));
        const result = await readRecordById(ctx, dataset, id, auth, note);
        // Only datasets with a get operation come this far.
        if (!result) throw new Error(`${dataset.id} has no get operation`);
        const { response, record } = result;
        exchangeIds.push(response.exchange.id);
        probed += 1;
        return { url, response, record };
      };
      for (const probe of theirs.probes) {
        const { url, response, record } = await read(
          probe.id,
          'primary',
          `read the second tenant’s ${dataset.id} ${probe.id} (${probe.why}) as the first tenant`,
        );
        const where = { location: url, exchangeId: response.exchange.id };
        if (!shared.has(probe.id)) {
          if (response.status !== 403 && response.status !== 404)
            violations.add(`another tenant’s record answered ${response.status}`, {
              message: `${dataset.id}: the first tenant’s token read the second tenant’s record ${probe.id} (${probe.why}): ${response.status}`,
              ...where,
            });
          continue;
        }
        // Both tenants list this id: it may be each tenant's own numbering, or one tenant's record shown to both.
        if (record && canonical(record) === canonical(probe.record))
          violations.add('a tenant’s list and reads carry the other tenant’s record', {
            message: `${dataset.id}: record ${probe.id} (${probe.why}) is listed for both tenants and the first tenant reads the second tenant’s record, field for field`,
            ...where,
          });
      }
      // The other way: the first tenant's sampled records, asked for with the second tenant's token.
      const ours = (await listDataset(ctx, dataset)).sample.flatMap((page) => page.records);
      const theirIds = new Set(theirs.probes.map((p) => p.id));
      const mine = createRng(`${ctx.config.seed}:${dataset.id}:ours`)
        .sample(ours, Math.min(ours.length, FROM_EACH_END * 2))
        .map((record) => String(record[dataset.idField]))
        .filter((id) => !theirIds.has(id));
      for (const id of mine) {
        const { url, response } = await read(
          id,
          'secondary',
          `read the first tenant’s ${dataset.id} ${id} as the second tenant`,
        );
        if (response.status === 403 || response.status === 404) continue;
        violations.add(`another tenant’s record answered ${response.status}`, {
          message: `${dataset.id}: the second tenant’s token read the first tenant’s record ${id}: ${response.status}`,
          location: url,
          exchangeId: response.exchange.id,
        });
      }
      coverage.push({
        dataset: dataset.id,
        secondTenantListed: theirs.listed,
        probedAsFirst: theirs.probes.length,
        alsoListedByFirst: shared.size,
        probedAsSecond: mine.length,
        idShapes: [...new Set(theirs.probes.map((p) => idShape(p.id)))],
        ...(theirs.problem ? { listingStopped: theirs.problem } : {}),
      });
    }
    if (coverage.every((c) => c.secondTenantListed === 0))
      return notJudged(
        'the second tenant lists no personal records, so there is nothing of theirs to try to read',
        TO_JUDGE.secondTenant,
        { exchangeIds },
      );
    return judge(
      violations,
      {
        pass: `${probed} reads across ${coverage.length} personal datasets kept the tenants apart`,
        fail: 'tenants can read each other’s personal data',
      },
      {
        exchangeIds,
        judged: judged(probed, 'cross-tenant reads'),
        data: { coverage, seed: ctx.config.seed },
      },
    );
  },
};

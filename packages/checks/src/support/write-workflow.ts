import { StringDecoder } from 'node:string_decoder';
import { type JsonObject, listOperations } from '@council-conform/openapi';
import {
  type CheckOutcome,
  type HarnessResponse,
  type ReferenceDataset,
  type ReferenceWrites,
  type RunContext,
  resolveLink,
  ViolationCollector,
  walkDataset,
} from '@council-conform/runner';
import { createRng, type Rng, sentence } from '@council-conform/synthetic-data';
import { startAndAwaitExport } from './export.ts';
import { isObject } from './json.ts';
import { harnessError, judge, judged, notApplicable, notJudged, TO_JUDGE } from './outcomes.ts';
import { readRecordById } from './probes.ts';
import { generateFromSchema, jsonBodySchema, propertiesOf, resolved } from './request-bodies.ts';

/**
 * The sandbox write workflow (issue 23): per dataset whose profile entry has `writes`, a chain of steps
 * that each leave evidence. It runs once per run (memoised); three checks judge its steps, one clause each.
 */
export type StepName =
  | 'create'
  | 'read back'
  | 'list'
  | 'update'
  | 'export'
  | 'second tenant read'
  | 'second tenant update'
  | 'second tenant export'
  | 'close';

export interface StepResult {
  readonly step: StepName;
  /** `error`: the harness could not take the step (no valid body, an export that never finished). */
  readonly outcome: 'passed' | 'failed' | 'skipped' | 'error';
  readonly message: string;
  readonly exchangeIds: readonly string[];
}

export interface DatasetChain {
  readonly dataset: string;
  readonly recordId?: string;
  readonly steps: readonly StepResult[];
  /** Records the harness wrote and removed, and those it had to leave (each with why). */
  readonly removed: readonly string[];
  readonly left: readonly string[];
}

export interface WriteWorkflows {
  /** The tag every written record carries in its free-text field, and every write in `X-Conform-Run`. */
  readonly tag: string;
  readonly chains: readonly DatasetChain[];
}

/** The header every write of the workflow carries: the run's tag, for a supplier's logs. */
export const RUN_HEADER = 'x-conform-run';
/** The text every written record carries in its free-text field: `conform-run:<seed>`. */
export const tagOf = (seed: string) => `conform-run:${seed}`;

export const WRITE_STEPS: Readonly<Record<'open-api' | 'right-to-data' | 'personal-data', StepName[]>> = {
  'open-api': ['create', 'read back', 'list', 'update', 'close'],
  'right-to-data': ['export'],
  'personal-data': ['second tenant read', 'second tenant update', 'second tenant export'],
};

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
    for (const dataset of writableDatasets(ctx)) chains.push(await runChain(ctx, dataset, tag));
    return { tag, chains };
  });
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i;

/**
 * True when `actual` holds what was sent: objects key by key (a server may add fields), arrays item by item,
 * date-times as instants, numbers to a millionth, anything else exactly.
 */
export function holdsAsSent(actual: unknown, sent: unknown): boolean {
  if (isObject(sent))
    return isObject(actual) && Object.entries(sent).every(([k, v]) => holdsAsSent(actual[k], v));
  if (Array.isArray(sent))
    return (
      Array.isArray(actual) &&
      actual.length === sent.length &&
      sent.every((v, i) => holdsAsSent(actual[i], v))
    );
  if (typeof sent === 'string' && RFC3339.test(sent) && typeof actual === 'string')
    return Date.parse(sent) === Date.parse(actual);
  if (typeof sent === 'number' && typeof actual === 'number')
    return Math.abs(sent - actual) <= 1e-6 * Math.max(1, Math.abs(sent));
  return actual === sent;
}

function operationObject(ctx: RunContext, operationId: string): JsonObject | undefined {
  return listOperations(ctx.reference.document).find((op) => op.operationId === operationId)?.operation;
}

function datasetById(ctx: RunContext, id: string): ReferenceDataset | undefined {
  return ctx.reference.profile.datasets.find((d) => d.id === id);
}

/** An optional operation the run did not declare is not tried: the supplier need not offer it. */
function offered(ctx: RunContext, operationId: string): boolean {
  return (
    ctx.reference.profile.operations.required.includes(operationId) ||
    ctx.config.features.includes(operationId)
  );
}

/** The id of a record a write answered with: in a record, in a one-element list (Open311), or in Location. */
function idFromAnswer(response: HarnessResponse, idField: string): string | undefined {
  let body: unknown;
  try {
    body = response.json();
  } catch {
    body = undefined;
  }
  const one = Array.isArray(body) && body.length === 1 ? body[0] : body;
  if (isObject(one) && (typeof one[idField] === 'string' || typeof one[idField] === 'number'))
    return String(one[idField]);
  const location = response.header('location');
  const last = location?.split('?')[0]?.split('/').filter(Boolean).pop();
  return last ? decodeURIComponent(last) : undefined;
}

/** The field's text with the run's tag at its end, within the schema's maxLength. */
function tagged(document: JsonObject, schema: unknown, field: string, tag: string, rng: Rng): string {
  const property = resolved(document, propertiesOf(document, schema)[field]);
  const max = typeof property?.maxLength === 'number' ? property.maxLength : 1000;
  const text = `${sentence(rng, 4, 8)} ${tag}`;
  return text.length <= max ? text : text.slice(text.length - max);
}

interface BuiltBody {
  readonly body?: JsonObject;
  readonly problem?: string;
}

/** A body for a write, generated from the operation's request schema, then checked against it. */
function buildBody(
  ctx: RunContext,
  operationId: string,
  rng: Rng,
  extra: readonly string[],
  fill: (body: JsonObject, schema: JsonObject) => void,
): BuiltBody {
  const operation = operationObject(ctx, operationId);
  const schema = operation ? jsonBodySchema(ctx.reference.document, operation) : undefined;
  if (!schema) return { problem: `${operationId} takes no JSON body in the reference` };
  const generated = generateFromSchema(ctx.reference.document, schema, rng, { extra });
  if (!isObject(generated)) return { problem: `no object could be generated for ${operationId}'s body` };
  fill(generated, schema);
  const errors = ctx.referenceValidator.validateWith(schema, generated);
  if (errors.length > 0)
    return {
      problem: `the body generated for ${operationId} is not valid against its schema: ${errors
        .slice(0, 3)
        .map((e) => `${e.pointer || '/'} ${e.message}`)
        .join('; ')}`,
    };
  return { body: generated };
}

/** The id of one record of a dataset, from its list's first page: what a write that names one sends. */
async function firstListedId(
  ctx: RunContext,
  dataset: ReferenceDataset,
): Promise<{ id?: string; exchangeIds: readonly string[] }> {
  let id: string | undefined;
  const walk = await walkDataset(
    ctx.http,
    ctx.config.targetUrl,
    ctx.operationPath(dataset.list),
    dataset,
    'primary',
    (items) => {
      const value = items[0]?.[dataset.idField];
      if (value !== undefined && value !== null) id = String(value);
      return 'the first page is enough';
    },
  );
  return { ...(id !== undefined ? { id } : {}), exchangeIds: walk.exchangeIds.slice(0, 1) };
}

/** The records of one dataset's NDJSON export file whose `field` is one of `values`. */
async function exportedRecords(
  ctx: RunContext,
  files: readonly { dataset: string; format: string; mediaType: string; url: string }[],
  datasetId: string,
  field: string,
  values: ReadonlySet<string>,
  auth: 'primary' | 'secondary',
): Promise<{ found: JsonObject[]; exchangeIds: string[]; problem?: string }> {
  const file = files.find(
    (f) => f.dataset === datasetId && (f.format === 'ndjson' || /ndjson/i.test(f.mediaType)),
  );
  if (!file) return { found: [], exchangeIds: [], problem: `the export has no NDJSON file of ${datasetId}` };
  const found: JsonObject[] = [];
  const decoder = new StringDecoder('utf8');
  let rest = '';
  const take = (line: string) => {
    if (line.trim() === '') return;
    try {
      const record = JSON.parse(line) as unknown;
      if (isObject(record) && values.has(String(record[field]))) found.push(record);
    } catch {
      // An unreadable line is the records-valid check's to judge; here only the written records matter.
    }
  };
  const result = await ctx.http.download(
    {
      url: resolveLink(file.url, ctx.config.targetUrl, `the manifest's URL of ${datasetId}.ndjson`).href,
      auth,
      note: `download ${datasetId}.ndjson to find the records the workflow wrote`,
      redirects: 'follow-without-credentials',
    },
    (chunk) => {
      const lines = (rest + decoder.write(chunk)).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) take(line);
    },
  );
  take(rest + decoder.end());
  const exchangeIds = [result.exchange.id];
  if (result.status !== 200)
    return { found: [], exchangeIds, problem: `downloading ${datasetId}.ndjson answered ${result.status}` };
  return { found, exchangeIds };
}

class Chain {
  readonly steps: StepResult[] = [];
  constructor(readonly dataset: string) {}
  add(step: StepName, outcome: StepResult['outcome'], message: string, exchangeIds: readonly string[] = []) {
    this.steps.push({ step, outcome, message, exchangeIds });
    return outcome === 'passed';
  }
  skip(steps: readonly StepName[], why: string) {
    for (const step of steps) this.add(step, 'skipped', why);
  }
}

/** Fields sent that the record schema has: what must come back as sent. */
function comparable(ctx: RunContext, schemaName: string, sent: JsonObject, fields: readonly string[]) {
  const properties = propertiesOf(ctx.reference.document, { $ref: `#/components/schemas/${schemaName}` });
  return [...new Set(fields)].filter((f) => f in sent && f in properties);
}

function differences(record: JsonObject, sent: JsonObject, fields: readonly string[]): string[] {
  return fields
    .filter((f) => !holdsAsSent(record[f], sent[f]))
    .map((f) => `${f} sent ${JSON.stringify(sent[f])}, read back ${JSON.stringify(record[f]) ?? 'nothing'}`);
}

function schemaProblems(ctx: RunContext, schemaName: string, record: JsonObject): string[] {
  return ctx.referenceValidator
    .validate(`/components/schemas/${schemaName}`, record)
    .slice(0, 3)
    .map((e) => `${e.pointer || '/'} ${e.message}`);
}

async function runChain(
  ctx: RunContext,
  dataset: ReferenceDataset & { writes: ReferenceWrites },
  tag: string,
): Promise<DatasetChain> {
  const { writes } = dataset;
  const chain = new Chain(dataset.id);
  const rng = createRng(`${ctx.config.seed}:${dataset.id}:writes`);
  const document = ctx.reference.document;
  const written: string[] = [];
  const removed: string[] = [];
  const left: string[] = [];
  let recordId: string | undefined;
  try {
    // Create, with the ids of records it must name taken from their lists.
    const referenceIds: Record<string, string> = {};
    const lookups: string[] = [];
    for (const [field, target] of Object.entries(writes.create.references ?? {})) {
      const other = datasetById(ctx, target);
      const found = other ? await firstListedId(ctx, other) : { exchangeIds: [] };
      lookups.push(...found.exchangeIds);
      if (found.id === undefined) {
        chain.add('create', 'error', `no ${target} record could be listed to name in ${field}`, lookups);
        chain.skip(['read back', 'list', 'update', 'export'], 'the create was not sent');
        chain.skip(WRITE_STEPS['personal-data'], 'the create was not sent');
        return { dataset: dataset.id, steps: chain.steps, removed, left };
      }
      referenceIds[field] = found.id;
    }
    const built = buildBody(
      ctx,
      writes.create.operation,
      rng,
      [...writes.create.send, writes.tagField],
      (body, schema) => {
        Object.assign(body, referenceIds);
        body[writes.tagField] = tagged(document, schema, writes.tagField, tag, rng);
      },
    );
    const create = ctx.operationPath(writes.create.operation);
    if (!built.body || !create) {
      chain.add('create', 'error', built.problem ?? `no path for ${writes.create.operation}`, lookups);
      chain.skip(['read back', 'list', 'update', 'export'], 'the create was not sent');
      chain.skip(WRITE_STEPS['personal-data'], 'the create was not sent');
      return { dataset: dataset.id, steps: chain.steps, removed, left };
    }
    const sent = built.body;
    const created = await ctx.http.request({
      url: create.path,
      method: create.method.toUpperCase(),
      auth: 'primary',
      headers: { 'content-type': 'application/json', [RUN_HEADER]: ctx.config.seed },
      body: JSON.stringify(sent),
      note: `create a ${dataset.id} record tagged ${tag} (${writes.create.operation})`,
    });
    recordId =
      created.status >= 200 && created.status < 300 ? idFromAnswer(created, dataset.idField) : undefined;
    if (recordId !== undefined) written.push(recordId);
    else if (created.status >= 200 && created.status < 300)
      left.push(`a ${dataset.id} record whose id the create did not give: search for ${tag}`);
    if (
      !chain.add(
        'create',
        recordId !== undefined ? 'passed' : 'failed',
        recordId !== undefined
          ? `${writes.create.operation} answered ${created.status} with id ${recordId}`
          : `${create.method.toUpperCase()} ${create.path} (${writes.create.operation}) answered ${created.status}${created.status < 300 ? ' naming no id (in the answer or its Location)' : ''}`,
        [...lookups, created.exchange.id],
      ) ||
      recordId === undefined
    ) {
      chain.skip(['read back', 'list', 'update', 'export'], 'the create failed');
      chain.skip(WRITE_STEPS['personal-data'], 'the create failed');
      return { dataset: dataset.id, steps: chain.steps, removed, left };
    }
    const id = recordId;

    // Read it back: the values as sent, and every field valid against the schema.
    const fields = comparable(ctx, dataset.schema, sent, [...writes.create.send, writes.tagField]);
    const read = await readRecordById(ctx, dataset, id, 'primary', `read back the new ${dataset.id} ${id}`);
    let readBack = read?.record;
    if (!read || !readBack) {
      chain.add(
        'read back',
        'failed',
        `reading ${dataset.id} ${id} back answered ${read?.response.status ?? 'nothing'}${read?.response.status === 200 ? ' without a record' : ''}`,
        read ? [read.response.exchange.id] : [],
      );
    } else {
      const problems = [
        ...differences(readBack, sent, fields).map((d) => `not as sent: ${d}`),
        ...schemaProblems(ctx, dataset.schema, readBack).map(
          (p) => `not valid against ${dataset.schema}: ${p}`,
        ),
      ];
      chain.add(
        'read back',
        problems.length === 0 ? 'passed' : 'failed',
        problems.length === 0
          ? `${dataset.id} ${id} reads back with ${fields.join(', ')} as sent and valid against ${dataset.schema}`
          : `${dataset.id} ${id} read back ${problems.join('; ')}`,
        [read.response.exchange.id],
      );
    }

    // Find it in the list, narrowed by the profile's filter where it has one.
    const filter = Object.fromEntries(
      Object.entries(writes.listFilter ?? {}).map(([k, v]) => [k, v.replaceAll('{id}', id)]),
    );
    let listed: JsonObject | undefined;
    const walk = await walkDataset(
      ctx.http,
      ctx.config.targetUrl,
      ctx.operationPath(dataset.list),
      { ...dataset, allRecordsQuery: { ...dataset.allRecordsQuery, ...filter } },
      'primary',
      (items) => {
        listed ??= items.find((r) => String(r[dataset.idField]) === id);
        return listed ? 'found' : undefined;
      },
    );
    chain.add(
      'list',
      listed ? 'passed' : 'failed',
      listed
        ? `${dataset.id} ${id} is in the list (${walk.pages} page(s)${writes.listFilter ? ` with ${new URLSearchParams(filter)}` : ''})`
        : `${dataset.id} ${id} is not in the list after ${walk.pages} page(s)${walk.problem && walk.problem !== 'found' ? ` (${walk.problem})` : ''}`,
      [...walk.exchangeIds.slice(0, 1), ...walk.exchangeIds.slice(-1)],
    );

    // Update, where the profile has one the supplier offers.
    const update = writes.update;
    let updateId: string | undefined;
    let updateSent: JsonObject | undefined;
    let updateRead: JsonObject | undefined;
    const sendUpdate = (body: JsonObject, auth: 'primary' | 'secondary', note: string) => {
      const op = ctx.operationPath(update?.operation ?? '') as { method: string; path: string };
      return ctx.http.request({
        url: update?.idIn === 'path' ? op.path.replace(/\{[^}]+\}/, encodeURIComponent(id)) : op.path,
        method: op.method.toUpperCase(),
        auth,
        headers: { 'content-type': 'application/json', [RUN_HEADER]: ctx.config.seed },
        body: JSON.stringify(body),
        note,
      });
    };
    let updateBody: JsonObject | undefined;
    if (!update) chain.add('update', 'skipped', `the profile has no update of ${dataset.id}`);
    else if (!offered(ctx, update.operation) || !ctx.operationPath(update.operation))
      chain.add('update', 'skipped', `${update.operation} is optional and the run did not declare it`);
    else {
      const target = update.recordedIn ? datasetById(ctx, update.recordedIn.dataset) : dataset;
      const built = buildBody(ctx, update.operation, rng, update.send, (body, schema) => {
        if (update.idIn !== 'path') body[update.idIn.body] = id;
        if (writes.tagField in propertiesOf(document, schema))
          body[writes.tagField] = tagged(document, schema, writes.tagField, tag, rng);
      });
      updateBody = built.body;
      if (!built.body || !target) chain.add('update', 'error', built.problem ?? 'no dataset records it');
      else {
        updateSent = built.body;
        const answer = await sendUpdate(
          built.body,
          'primary',
          `update ${dataset.id} ${id} (${update.operation})`,
        );
        const ids = [answer.exchange.id];
        updateId = answer.status < 300 && update.recordedIn ? idFromAnswer(answer, target.idField) : id;
        if (answer.status < 200 || answer.status >= 300 || updateId === undefined) {
          chain.add(
            'update',
            'failed',
            `${update.operation} answered ${answer.status}${answer.status < 300 ? ` naming no ${target.id} id` : ''}`,
            ids,
          );
          updateId = undefined;
        } else {
          if (update.recordedIn) written.push(`${target.id} ${updateId}`);
          const again = await readRecordById(
            ctx,
            target,
            updateId,
            'primary',
            `read back the update of ${dataset.id} ${id}`,
          );
          if (again) ids.push(again.response.exchange.id);
          updateRead = again?.record;
          const fields = comparable(ctx, target.schema, built.body, [...update.send, writes.tagField]);
          const problems = !updateRead
            ? [`reading ${target.id} ${updateId} back answered ${again?.response.status ?? 'nothing'}`]
            : [
                ...differences(updateRead, built.body, fields).map((d) => `not as sent: ${d}`),
                ...(update.recordedIn && String(updateRead[update.recordedIn.linkField]) !== id
                  ? [
                      `${update.recordedIn.linkField} is ${JSON.stringify(updateRead[update.recordedIn.linkField])}, not ${id}`,
                    ]
                  : []),
              ];
          chain.add(
            'update',
            problems.length === 0 ? 'passed' : 'failed',
            problems.length === 0
              ? `${update.operation} answered ${answer.status}; ${target.id} ${updateId} reads back with ${fields.join(', ')} as sent`
              : `after ${update.operation}: ${problems.join('; ')}`,
            ids,
          );
          if (!update.recordedIn && updateRead) readBack = updateRead;
        }
      }
    }

    // A fresh export holds the record as the API reads it, and the update.
    if (!writes.exportable)
      chain.add('export', 'skipped', `the profile does not require ${dataset.id} in exports`);
    else {
      const run = await startAndAwaitExport(ctx, `a fresh export, to find ${dataset.id} ${id}`);
      // An export refused or never finished is right-to-data-export-free's and -completes' to judge.
      if (run.outcome !== 'completed')
        chain.add('export', 'skipped', `the fresh export did not complete: ${run.message}`, run.exchangeIds);
      else {
        const ids = [...run.exchangeIds.slice(0, 1), ...run.exchangeIds.slice(-1)];
        const problems: string[] = [];
        // A file missing or unreadable is right-to-data-export-formats' and manifest-integrity's to judge.
        const unjudged: string[] = [];
        const find = async (target: ReferenceDataset, recordId: string) => {
          const found = await exportedRecords(
            ctx,
            run.files,
            target.id,
            target.idField,
            new Set([recordId]),
            'primary',
          );
          ids.push(...found.exchangeIds);
          if (found.problem) unjudged.push(found.problem);
          else if (!found.found[0]) problems.push(`${target.id} ${recordId} is not in the export`);
          return found.found[0];
        };
        // The export must hold what was written, in the fields the API itself read back as sent (a field the
        // API lost or garbles is the read back's failure, not the export's).
        const heldAsSent = (read: JsonObject | undefined, body: JsonObject, names: readonly string[]) =>
          names.filter((f) => read !== undefined && holdsAsSent(read[f], body[f]));
        const exported = await find(dataset, id);
        if (exported)
          problems.push(
            ...differences(exported, sent, heldAsSent(readBack, sent, fields)).map(
              (d) => `exported not as written: ${d}`,
            ),
          );
        if (update && updateId !== undefined && updateSent) {
          const target = update.recordedIn ? datasetById(ctx, update.recordedIn.dataset) : dataset;
          const record = update.recordedIn && target ? await find(target, updateId) : exported;
          const names = comparable(ctx, target?.schema ?? dataset.schema, updateSent, [
            ...update.send,
            writes.tagField,
          ]);
          if (record)
            problems.push(
              ...differences(record, updateSent, heldAsSent(updateRead, updateSent, names)).map(
                (d) => `the update is not in the export as written: ${d}`,
              ),
            );
        }
        if (problems.length === 0 && unjudged.length > 0)
          chain.add('export', 'skipped', `the fresh export could not be read: ${unjudged.join('; ')}`, ids);
        else
          chain.add(
            'export',
            problems.length === 0 ? 'passed' : 'failed',
            problems.length === 0
              ? `a fresh export holds ${dataset.id} ${id}${updateId !== undefined && update ? ' and its update' : ''} as written`
              : problems.join('; '),
            ids,
          );
      }
    }

    // The second tenant: cannot read, change or export what the first wrote.
    if (dataset.classification === 'public')
      chain.skip(WRITE_STEPS['personal-data'], `${dataset.id} is public: every tenant may read it`);
    else if (!ctx.config.secondTenant)
      chain.skip(WRITE_STEPS['personal-data'], 'no second tenant’s credentials were given');
    else {
      const theirs = await readRecordById(
        ctx,
        dataset,
        id,
        'secondary',
        `read the first tenant’s new ${dataset.id} ${id} as the second tenant`,
      );
      const status = theirs?.response.status;
      chain.add(
        'second tenant read',
        status === 403 || status === 404 ? 'passed' : 'failed',
        status === 403 || status === 404
          ? `the second tenant’s read of ${dataset.id} ${id} answered ${status}`
          : `the second tenant read the first tenant’s new ${dataset.id} ${id}: ${status ?? 'no get operation'}`,
        theirs ? [theirs.response.exchange.id] : [],
      );
      if (!update || !updateBody || !offered(ctx, update.operation))
        chain.add('second tenant update', 'skipped', `no update of ${dataset.id} was sent`);
      else {
        const answer = await sendUpdate(
          updateBody,
          'secondary',
          `update the first tenant’s ${dataset.id} ${id} as the second tenant`,
        );
        const refused = answer.status < 200 || answer.status >= 300;
        if (!refused) left.push(`${dataset.id} ${id}: changed by the second tenant (${answer.status})`);
        chain.add(
          'second tenant update',
          refused ? 'passed' : 'failed',
          refused
            ? `the second tenant’s update of ${dataset.id} ${id} answered ${answer.status}`
            : `the second tenant changed the first tenant’s ${dataset.id} ${id}: ${update.operation} answered ${answer.status}`,
          [answer.exchange.id],
        );
      }
      const run = await startAndAwaitExport(
        ctx,
        `the second tenant’s fresh export, which must not hold ${dataset.id} ${id}`,
        'secondary',
      );
      if (run.outcome !== 'completed')
        chain.add(
          'second tenant export',
          'skipped',
          `the second tenant’s export did not complete: ${run.message}`,
          run.exchangeIds,
        );
      else {
        const found = await exportedRecords(
          ctx,
          run.files,
          dataset.id,
          dataset.idField,
          new Set([id]),
          'secondary',
        );
        // Each tenant may number its records alike: only the first tenant's record, tag and all, is a leak.
        const leaked = found.found.some((r) => String(r[writes.tagField] ?? '').includes(tag));
        chain.add(
          'second tenant export',
          found.problem ? 'skipped' : leaked ? 'failed' : 'passed',
          found.problem
            ? `the second tenant’s export could not be read: ${found.problem}`
            : leaked
              ? `the second tenant’s export holds the first tenant’s new ${dataset.id} ${id}`
              : `the second tenant’s export does not hold the first tenant’s new ${dataset.id} ${id}`,
          [...run.exchangeIds.slice(0, 1), ...found.exchangeIds],
        );
      }
    }
    return { dataset: dataset.id, recordId: id, steps: chain.steps, removed, left };
  } finally {
    // Whatever failed above, what the harness wrote is removed where the profile lets it, else named.
    const close = writes.close ? ctx.operationPath(writes.close.operation) : undefined;
    for (const what of written) {
      const isRecord = what === recordId;
      if (!isRecord || !writes.close || !close) {
        left.push(
          `${isRecord ? `${dataset.id} ${what}` : what}: the profile has no delete or close of ${isRecord ? dataset.id : 'it'}; it carries ${tag}`,
        );
        continue;
      }
      const answer = await ctx.http.request({
        url: close.path.replace(/\{[^}]+\}/, encodeURIComponent(what)),
        method: close.method.toUpperCase(),
        auth: 'primary',
        headers: { [RUN_HEADER]: ctx.config.seed },
        note: `remove ${dataset.id} ${what}, written by this run (${writes.close.operation})`,
      });
      const ok = answer.status >= 200 && answer.status < 300;
      if (ok) removed.push(`${dataset.id} ${what}`);
      else left.push(`${dataset.id} ${what}: ${writes.close.operation} answered ${answer.status}`);
      chain.add(
        'close',
        ok ? 'passed' : 'failed',
        ok
          ? `${writes.close.operation} removed ${dataset.id} ${what}`
          : `${writes.close.operation} answered ${answer.status} for ${dataset.id} ${what}`,
        [answer.exchange.id],
      );
    }
  }
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

import type { JsonObject } from '@council-conform/openapi';
import {
  type HarnessResponse,
  type ReferenceDataset,
  type ReferenceWrites,
  type RunContext,
  walkDataset,
} from '@council-conform/runner';
import { createRng, type Rng } from '@council-conform/synthetic-data';
import { startAndAwaitExport } from './export.ts';
import { readRecordById } from './probes.ts';
import { propertiesOf } from './request-bodies.ts';
import {
  buildBody,
  comparable,
  type DatasetChain,
  datasetById,
  differences,
  exportedRecords,
  firstListedId,
  holdsAsSent,
  idFromAnswer,
  offered,
  RUN_HEADER,
  StepLog,
  schemaProblems,
  tagged,
  WRITE_STEPS,
} from './write-steps.ts';

type WritableDataset = ReferenceDataset & { writes: ReferenceWrites };

/** The record the create wrote, as sent, and what of it must come back as sent. */
interface Created {
  readonly id: string;
  readonly sent: JsonObject;
  readonly fields: readonly string[];
}

/** What the update step sent and read back, for the export and the second tenant to judge by. */
interface Updated {
  /** The body built for the update, sent or not (the second tenant sends it again). */
  readonly body?: JsonObject;
  /** Set once the update was answered with a 2xx naming its record: `body` is then what it holds. */
  readonly recordId?: string;
  readonly read?: JsonObject;
}

/** Steps that cannot be taken once no record was created. */
const AFTER_CREATE = ['read back', 'list', 'update', 'export', ...WRITE_STEPS['personal-data']] as const;

/**
 * One dataset's chain: create a tagged record, read it back, find it in the list, update it, find both in a
 * fresh export, have the second tenant fail to read, change or export it, then remove what was written. Each
 * step leaves its result and evidence in the log, and a step that cannot be taken says why.
 */
export class WriteChain {
  private readonly log: StepLog;
  private readonly rng: Rng;
  private readonly writes: ReferenceWrites;
  /** Ids of what this chain wrote, in order: the record first, then a record an update made. */
  private readonly written: string[] = [];
  private readonly removed: string[] = [];
  private readonly left: string[] = [];
  private recordId: string | undefined;

  constructor(
    private readonly ctx: RunContext,
    private readonly dataset: WritableDataset,
    private readonly tag: string,
  ) {
    this.log = new StepLog(dataset.id);
    this.rng = createRng(`${ctx.config.seed}:${dataset.id}:writes`);
    this.writes = dataset.writes;
  }

  async run(): Promise<DatasetChain> {
    try {
      const created = await this.create();
      if (!created) return this.result();
      let readBack = await this.readBack(created);
      await this.list(created.id);
      const updated = await this.update(created.id);
      // The record as the API last read it: after an update of the record itself, that update.
      if (!this.writes.update?.recordedIn && updated.read) readBack = updated.read;
      await this.exported(created, readBack, updated);
      await this.secondTenant(created.id, updated);
      return this.result(created.id);
    } finally {
      // Whatever failed above, what the harness wrote is removed where the profile lets it, else named.
      await this.removeWritten();
    }
  }

  /** The log so far; removal, which runs after, adds to the same steps and lists. */
  private result(recordId?: string): DatasetChain {
    return {
      dataset: this.dataset.id,
      ...(recordId !== undefined ? { recordId } : {}),
      steps: this.log.steps,
      removed: this.removed,
      left: this.left,
    };
  }

  /** Create, with the ids of records it must name taken from their lists. */
  private async create(): Promise<Created | undefined> {
    const { ctx, dataset, writes, log } = this;
    const referenceIds: Record<string, string> = {};
    const lookups: string[] = [];
    for (const [field, target] of Object.entries(writes.create.references ?? {})) {
      const other = datasetById(ctx, target);
      const found = other ? await firstListedId(ctx, other) : { exchangeIds: [] };
      lookups.push(...found.exchangeIds);
      if (found.id === undefined) {
        log.add('create', 'error', `no ${target} record could be listed to name in ${field}`, lookups);
        log.skip(AFTER_CREATE, 'the create was not sent');
        return undefined;
      }
      referenceIds[field] = found.id;
    }
    const document = ctx.reference.document;
    const built = buildBody(
      ctx,
      writes.create.operation,
      this.rng,
      [...writes.create.send, writes.tagField],
      (body, schema) => {
        Object.assign(body, referenceIds);
        body[writes.tagField] = tagged(document, schema, writes.tagField, this.tag, this.rng);
      },
    );
    const create = ctx.operationPath(writes.create.operation);
    if (!built.body || !create) {
      log.add('create', 'error', built.problem ?? `no path for ${writes.create.operation}`, lookups);
      log.skip(AFTER_CREATE, 'the create was not sent');
      return undefined;
    }
    const sent = built.body;
    const created = await ctx.http.request({
      url: create.path,
      method: create.method.toUpperCase(),
      auth: 'primary',
      headers: { 'content-type': 'application/json', [RUN_HEADER]: ctx.config.seed },
      body: JSON.stringify(sent),
      note: `create a ${dataset.id} record tagged ${this.tag} (${writes.create.operation})`,
    });
    const answered = created.status >= 200 && created.status < 300;
    const id = answered ? idFromAnswer(created, dataset.idField) : undefined;
    this.recordId = id;
    if (id !== undefined) this.written.push(id);
    else if (answered)
      this.left.push(`a ${dataset.id} record whose id the create did not give: search for ${this.tag}`);
    if (id === undefined) {
      log.add(
        'create',
        'failed',
        `${create.method.toUpperCase()} ${create.path} (${writes.create.operation}) answered ${created.status}${created.status < 300 ? ' naming no id (in the answer or its Location)' : ''}`,
        [...lookups, created.exchange.id],
      );
      log.skip(AFTER_CREATE, 'the create failed');
      return undefined;
    }
    log.add('create', 'passed', `${writes.create.operation} answered ${created.status} with id ${id}`, [
      ...lookups,
      created.exchange.id,
    ]);
    return {
      id,
      sent,
      fields: comparable(ctx, dataset.schema, sent, [...writes.create.send, writes.tagField]),
    };
  }

  /** Read it back: the values as sent, and every field valid against the schema. */
  private async readBack({ id, sent, fields }: Created): Promise<JsonObject | undefined> {
    const { ctx, dataset, log } = this;
    const read = await readRecordById(ctx, dataset, id, 'primary', `read back the new ${dataset.id} ${id}`);
    const record = read?.record;
    if (!read || !record) {
      log.add(
        'read back',
        'failed',
        `reading ${dataset.id} ${id} back answered ${read?.response.status ?? 'nothing'}${read?.response.status === 200 ? ' without a record' : ''}`,
        read ? [read.response.exchange.id] : [],
      );
      return undefined;
    }
    const problems = [
      ...differences(record, sent, fields).map((d) => `not as sent: ${d}`),
      ...schemaProblems(ctx, dataset.schema, record).map((p) => `not valid against ${dataset.schema}: ${p}`),
    ];
    log.add(
      'read back',
      problems.length === 0 ? 'passed' : 'failed',
      problems.length === 0
        ? `${dataset.id} ${id} reads back with ${fields.join(', ')} as sent and valid against ${dataset.schema}`
        : `${dataset.id} ${id} read back ${problems.join('; ')}`,
      [read.response.exchange.id],
    );
    return record;
  }

  /** Find it in the list, narrowed by the profile's filter where it has one. */
  private async list(id: string): Promise<void> {
    const { ctx, dataset, writes } = this;
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
    this.log.add(
      'list',
      listed ? 'passed' : 'failed',
      listed
        ? `${dataset.id} ${id} is in the list (${walk.pages} page(s)${writes.listFilter ? ` with ${new URLSearchParams(filter)}` : ''})`
        : `${dataset.id} ${id} is not in the list after ${walk.pages} page(s)${walk.problem && walk.problem !== 'found' ? ` (${walk.problem})` : ''}`,
      [...walk.exchangeIds.slice(0, 1), ...walk.exchangeIds.slice(-1)],
    );
  }

  /** Sends an update of the created record as one tenant or the other. */
  private sendUpdate(
    id: string,
    body: JsonObject,
    auth: 'primary' | 'secondary',
    note: string,
  ): Promise<HarnessResponse> {
    const update = this.writes.update;
    const op = this.ctx.operationPath(update?.operation ?? '') as { method: string; path: string };
    return this.ctx.http.request({
      url: update?.idIn === 'path' ? op.path.replace(/\{[^}]+\}/, encodeURIComponent(id)) : op.path,
      method: op.method.toUpperCase(),
      auth,
      headers: { 'content-type': 'application/json', [RUN_HEADER]: this.ctx.config.seed },
      body: JSON.stringify(body),
      note,
    });
  }

  /** Update, where the profile has one the supplier offers; read back what it changed or recorded. */
  private async update(id: string): Promise<Updated> {
    const { ctx, dataset, writes, log } = this;
    const update = writes.update;
    if (!update) {
      log.add('update', 'skipped', `the profile has no update of ${dataset.id}`);
      return {};
    }
    if (!offered(ctx, update.operation) || !ctx.operationPath(update.operation)) {
      log.add('update', 'skipped', `${update.operation} is optional and the run did not declare it`);
      return {};
    }
    const document = ctx.reference.document;
    const target = update.recordedIn ? datasetById(ctx, update.recordedIn.dataset) : dataset;
    const built = buildBody(ctx, update.operation, this.rng, update.send, (body, schema) => {
      if (update.idIn !== 'path') body[update.idIn.body] = id;
      if (writes.tagField in propertiesOf(document, schema))
        body[writes.tagField] = tagged(document, schema, writes.tagField, this.tag, this.rng);
    });
    if (!built.body || !target) {
      log.add('update', 'error', built.problem ?? 'no dataset records it');
      return built.body ? { body: built.body } : {};
    }
    const body = built.body;
    const answer = await this.sendUpdate(
      id,
      body,
      'primary',
      `update ${dataset.id} ${id} (${update.operation})`,
    );
    const ids = [answer.exchange.id];
    const recordId = answer.status < 300 && update.recordedIn ? idFromAnswer(answer, target.idField) : id;
    if (answer.status < 200 || answer.status >= 300 || recordId === undefined) {
      log.add(
        'update',
        'failed',
        `${update.operation} answered ${answer.status}${answer.status < 300 ? ` naming no ${target.id} id` : ''}`,
        ids,
      );
      return { body };
    }
    if (update.recordedIn) this.written.push(`${target.id} ${recordId}`);
    const again = await readRecordById(
      ctx,
      target,
      recordId,
      'primary',
      `read back the update of ${dataset.id} ${id}`,
    );
    if (again) ids.push(again.response.exchange.id);
    const read = again?.record;
    const fields = comparable(ctx, target.schema, body, [...update.send, writes.tagField]);
    const problems = !read
      ? [`reading ${target.id} ${recordId} back answered ${again?.response.status ?? 'nothing'}`]
      : [
          ...differences(read, body, fields).map((d) => `not as sent: ${d}`),
          ...(update.recordedIn && String(read[update.recordedIn.linkField]) !== id
            ? [
                `${update.recordedIn.linkField} is ${JSON.stringify(read[update.recordedIn.linkField])}, not ${id}`,
              ]
            : []),
        ];
    log.add(
      'update',
      problems.length === 0 ? 'passed' : 'failed',
      problems.length === 0
        ? `${update.operation} answered ${answer.status}; ${target.id} ${recordId} reads back with ${fields.join(', ')} as sent`
        : `after ${update.operation}: ${problems.join('; ')}`,
      ids,
    );
    return { body, recordId, ...(read ? { read } : {}) };
  }

  /** A fresh export holds the record as the API reads it, and the update. */
  private async exported(
    created: Created,
    readBack: JsonObject | undefined,
    updated: Updated,
  ): Promise<void> {
    const { ctx, dataset, writes, log } = this;
    const { id, sent, fields } = created;
    if (!writes.exportable) {
      log.add('export', 'skipped', `the profile does not require ${dataset.id} in exports`);
      return;
    }
    const run = await startAndAwaitExport(ctx, `a fresh export, to find ${dataset.id} ${id}`);
    // An export refused or never finished is right-to-data-export-free's and -completes' to judge.
    if (run.outcome !== 'completed') {
      log.add('export', 'skipped', `the fresh export did not complete: ${run.message}`, run.exchangeIds);
      return;
    }
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
    const update = writes.update;
    if (update && updated.recordId !== undefined && updated.body) {
      const target = update.recordedIn ? datasetById(ctx, update.recordedIn.dataset) : dataset;
      const record = update.recordedIn && target ? await find(target, updated.recordId) : exported;
      const names = comparable(ctx, target?.schema ?? dataset.schema, updated.body, [
        ...update.send,
        writes.tagField,
      ]);
      if (record)
        problems.push(
          ...differences(record, updated.body, heldAsSent(updated.read, updated.body, names)).map(
            (d) => `the update is not in the export as written: ${d}`,
          ),
        );
    }
    if (problems.length === 0 && unjudged.length > 0)
      log.add('export', 'skipped', `the fresh export could not be read: ${unjudged.join('; ')}`, ids);
    else
      log.add(
        'export',
        problems.length === 0 ? 'passed' : 'failed',
        problems.length === 0
          ? `a fresh export holds ${dataset.id} ${id}${updated.recordId !== undefined && update ? ' and its update' : ''} as written`
          : problems.join('; '),
        ids,
      );
  }

  /** The second tenant: cannot read, change or export what the first wrote. */
  private async secondTenant(id: string, updated: Updated): Promise<void> {
    const { ctx, dataset, writes, log } = this;
    if (dataset.classification === 'public') {
      log.skip(WRITE_STEPS['personal-data'], `${dataset.id} is public: every tenant may read it`);
      return;
    }
    if (!ctx.config.secondTenant) {
      log.skip(WRITE_STEPS['personal-data'], 'no second tenant’s credentials were given');
      return;
    }
    const theirs = await readRecordById(
      ctx,
      dataset,
      id,
      'secondary',
      `read the first tenant’s new ${dataset.id} ${id} as the second tenant`,
    );
    const status = theirs?.response.status;
    log.add(
      'second tenant read',
      status === 403 || status === 404 ? 'passed' : 'failed',
      status === 403 || status === 404
        ? `the second tenant’s read of ${dataset.id} ${id} answered ${status}`
        : `the second tenant read the first tenant’s new ${dataset.id} ${id}: ${status ?? 'no get operation'}`,
      theirs ? [theirs.response.exchange.id] : [],
    );
    const update = writes.update;
    if (!update || !updated.body || !offered(ctx, update.operation))
      log.add('second tenant update', 'skipped', `no update of ${dataset.id} was sent`);
    else {
      const answer = await this.sendUpdate(
        id,
        updated.body,
        'secondary',
        `update the first tenant’s ${dataset.id} ${id} as the second tenant`,
      );
      const refused = answer.status < 200 || answer.status >= 300;
      if (!refused) this.left.push(`${dataset.id} ${id}: changed by the second tenant (${answer.status})`);
      log.add(
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
    if (run.outcome !== 'completed') {
      log.add(
        'second tenant export',
        'skipped',
        `the second tenant’s export did not complete: ${run.message}`,
        run.exchangeIds,
      );
      return;
    }
    const found = await exportedRecords(
      ctx,
      run.files,
      dataset.id,
      dataset.idField,
      new Set([id]),
      'secondary',
    );
    // Each tenant may number its records alike: only the first tenant's record, tag and all, is a leak.
    const leaked = found.found.some((r) => String(r[writes.tagField] ?? '').includes(this.tag));
    log.add(
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

  /** Removes what the chain wrote where the profile has a delete or close of it; names what it leaves. */
  private async removeWritten(): Promise<void> {
    const { ctx, dataset, writes, log } = this;
    const close = writes.close ? ctx.operationPath(writes.close.operation) : undefined;
    for (const what of this.written) {
      const isRecord = what === this.recordId;
      if (!isRecord || !writes.close || !close) {
        this.left.push(
          `${isRecord ? `${dataset.id} ${what}` : what}: the profile has no delete or close of ${isRecord ? dataset.id : 'it'}; it carries ${this.tag}`,
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
      if (ok) this.removed.push(`${dataset.id} ${what}`);
      else this.left.push(`${dataset.id} ${what}: ${writes.close.operation} answered ${answer.status}`);
      log.add(
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

import { StringDecoder } from 'node:string_decoder';
import { type JsonObject, listOperations } from '@council-conform/openapi';
import {
  type HarnessResponse,
  type ReferenceDataset,
  type RunContext,
  resolveLink,
  walkDataset,
} from '@council-conform/runner';
import { type Rng, sentence } from '@council-conform/synthetic-data';
import { isObject } from './json.ts';
import { generateFromSchema, jsonBodySchema, propertiesOf, resolved } from './request-bodies.ts';

/**
 * What the steps of a write chain (write-chain.ts) share: their names and results, the bodies they send
 * and how they compare what comes back with what was sent.
 */

/** The steps of a chain, in the order it takes them. */
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

/** The header every write of the workflow carries: the run's tag, for a supplier's logs. */
export const RUN_HEADER = 'x-conform-run';
/** The steps each clause's check judges. */
export const WRITE_STEPS: Readonly<Record<'open-api' | 'right-to-data' | 'personal-data', StepName[]>> = {
  'open-api': ['create', 'read back', 'list', 'update', 'close'],
  'right-to-data': ['export'],
  'personal-data': ['second tenant read', 'second tenant update', 'second tenant export'],
};

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

export function datasetById(ctx: RunContext, id: string): ReferenceDataset | undefined {
  return ctx.reference.profile.datasets.find((d) => d.id === id);
}

/** An optional operation the run did not declare is not tried: the supplier need not offer it. */
export function offered(ctx: RunContext, operationId: string): boolean {
  return (
    ctx.reference.profile.operations.required.includes(operationId) ||
    ctx.config.features.includes(operationId)
  );
}

/** The id of a record a write answered with: in a record, in a one-element list (Open311), or in Location. */
export function idFromAnswer(response: HarnessResponse, idField: string): string | undefined {
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
export function tagged(document: JsonObject, schema: unknown, field: string, tag: string, rng: Rng): string {
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
export function buildBody(
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
export async function firstListedId(
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
export async function exportedRecords(
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

export class StepLog {
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
export function comparable(ctx: RunContext, schemaName: string, sent: JsonObject, fields: readonly string[]) {
  const properties = propertiesOf(ctx.reference.document, { $ref: `#/components/schemas/${schemaName}` });
  return [...new Set(fields)].filter((f) => f in sent && f in properties);
}

export function differences(record: JsonObject, sent: JsonObject, fields: readonly string[]): string[] {
  return fields
    .filter((f) => !holdsAsSent(record[f], sent[f]))
    .map((f) => `${f} sent ${JSON.stringify(sent[f])}, read back ${JSON.stringify(record[f]) ?? 'nothing'}`);
}

export function schemaProblems(ctx: RunContext, schemaName: string, record: JsonObject): string[] {
  return ctx.referenceValidator
    .validate(`/components/schemas/${schemaName}`, record)
    .slice(0, 3)
    .map((e) => `${e.pointer || '/'} ${e.message}`);
}

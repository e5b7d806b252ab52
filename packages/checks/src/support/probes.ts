import type { JsonObject } from '@council-conform/openapi';
import type { Auth, HarnessResponse, ReferenceDataset, RunContext } from '@council-conform/runner';
import { isObject } from './json.ts';

/** Datasets whose list can be read from the top (not nested under a parent record). */
export function topLevelDatasets(ctx: RunContext): ReferenceDataset[] {
  return ctx.reference.profile.datasets.filter((d) => {
    const path = ctx.operationPath(d.list)?.path;
    return path !== undefined && !path.includes('{');
  });
}

export const isPublic = (dataset: ReferenceDataset) => dataset.classification === 'public';

/** A read of a record that cannot exist, to see how the API says "not found" (memoised per run). */
export function notFoundProbe(ctx: RunContext): Promise<HarnessResponse | undefined> {
  return ctx.memo('probe:not-found', async () => {
    const datasets = topLevelDatasets(ctx);
    const dataset = datasets.find(isPublic) ?? datasets[0];
    const op = dataset ? ctx.operationPath(dataset.get) : undefined;
    if (!op) return undefined;
    const url = op.path.replace(/\{[^}]+\}/, 'conform-no-such-record-0000');
    return ctx.http.request({ url, auth: 'primary', note: 'provoke a 404 for a record that does not exist' });
  });
}

/** A list read with an out-of-range page size, to see how the API says "bad request" (memoised per run). */
export function badRequestProbe(ctx: RunContext): Promise<HarnessResponse | undefined> {
  return ctx.memo('probe:bad-request', async () => {
    const datasets = topLevelDatasets(ctx);
    const dataset =
      datasets.find((d) => (d.listStyle ?? 'cursor') === 'cursor') ??
      datasets.find((d) => d.listStyle === 'oruk-page') ??
      datasets[0];
    const op = dataset ? ctx.operationPath(dataset.list) : undefined;
    if (!dataset || !op) return undefined;
    const style = dataset.listStyle ?? 'cursor';
    const query =
      style === 'cursor' ? 'limit=0' : style === 'oruk-page' ? 'per_page=0' : 'modified_after=not-a-date';
    return ctx.http.request({
      url: `${op.path}?${query}`,
      auth: 'primary',
      note: 'provoke a 400 with an invalid parameter',
    });
  });
}

/** A public dataset's first page read without credentials (memoised per dataset). */
export function anonymousList(
  ctx: RunContext,
  dataset: ReferenceDataset,
): Promise<HarnessResponse | undefined> {
  return ctx.memo(`probe:anonymous:${dataset.id}`, async () => {
    const op = ctx.operationPath(dataset.list);
    if (!op || op.path.includes('{')) return undefined;
    return ctx.http.request({ url: op.path, auth: 'none', note: `read ${dataset.id} without credentials` });
  });
}

/**
 * A record read by id through the dataset's get operation: the answer, and the record when it came back as
 * a JSON object (or as a one-element list, as Open311 answers a read by id). Undefined when the reference
 * has no get operation.
 */
export async function readRecordById(
  ctx: RunContext,
  dataset: ReferenceDataset,
  id: string,
  auth: Auth,
  note: string,
): Promise<{ response: HarnessResponse; record?: JsonObject } | undefined> {
  const get = ctx.operationPath(dataset.get);
  if (!get) return undefined;
  const response = await ctx.http.request({
    url: get.path.replace(/\{[^}]+\}/, encodeURIComponent(id)),
    auth,
    note,
  });
  if (response.status !== 200) return { response };
  let body: unknown;
  try {
    body = response.json();
  } catch {
    return { response };
  }
  const one = Array.isArray(body) && body.length === 1 ? body[0] : body;
  if (!isObject(one)) return { response };
  // Only the primary tenant's reads are the supplier's data as the run sees it; the others probe access.
  if (auth === 'primary') ctx.keepRecordRead(dataset, one);
  return { response, record: one };
}

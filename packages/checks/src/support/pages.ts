import type { HarnessResponse, ReferenceDataset, RunContext } from '@council-conform/runner';

/** Records asked for on a sample page: small, so a dataset of three records already has a next page. */
export const SAMPLE_PAGE_SIZE = 2;

/**
 * A dataset's first list page read fresh with a small page size, for checks that need the raw answer
 * (bytes, headers, envelope) rather than the crawled records (memoised per dataset). Undefined when the
 * list is nested under a parent record.
 */
export function samplePage(ctx: RunContext, dataset: ReferenceDataset): Promise<HarnessResponse | undefined> {
  return ctx.memo(`probe:sample-page:${dataset.id}`, async () => {
    const op = ctx.operationPath(dataset.list);
    if (!op || op.path.includes('{')) return undefined;
    const style = dataset.listStyle ?? 'cursor';
    const query =
      style === 'cursor'
        ? `?limit=${SAMPLE_PAGE_SIZE}`
        : style === 'oruk-page'
          ? `?page=1&per_page=${SAMPLE_PAGE_SIZE}`
          : '';
    return ctx.http.request({
      url: `${op.path}${query}`,
      auth: ctx.config.credentials ? 'primary' : 'none',
      note: `read a sample page of ${dataset.id}`,
    });
  });
}

/** `application/problem+json; charset=utf-8` → `application/problem+json`. */
export const mediaTypeOf = (response: HarnessResponse): string =>
  (response.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

/** A body parsed as JSON, or undefined when it is not JSON. */
export function parsedBody(response: HarnessResponse): unknown {
  try {
    return JSON.parse(response.text());
  } catch {
    return undefined;
  }
}

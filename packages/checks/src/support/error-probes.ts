import type { HarnessResponse, RunContext } from '@council-conform/runner';
import { isPublic, topLevelDatasets } from './probes.ts';

/** A personal list read with no token, to see how the API refuses (memoised per run). */
export function unauthenticatedProbe(ctx: RunContext): Promise<HarnessResponse | undefined> {
  return ctx.memo('probe:unauthenticated', async () => {
    const dataset = topLevelDatasets(ctx).find((d) => !isPublic(d));
    const op = dataset ? ctx.operationPath(dataset.list) : undefined;
    if (!dataset || !op) return undefined;
    return ctx.http.request({
      url: op.path,
      auth: 'none',
      note: `provoke a 401: read ${dataset.id} without a token`,
    });
  });
}

/** A read of a path the API does not have (memoised per run). */
export function unknownPathProbe(ctx: RunContext): Promise<HarnessResponse | undefined> {
  return ctx.memo('probe:unknown-path', () =>
    ctx.http.request({
      url: '/conform-no-such-path',
      auth: ctx.config.credentials ? 'primary' : 'none',
      note: 'provoke a 404 for a path the API does not have',
    }),
  );
}

/**
 * A DELETE of a record that cannot exist, to see how the API refuses a method (memoised per run). Sandbox
 * mode only: never a write method against production, even one bound to fail.
 */
export function methodProbe(ctx: RunContext): Promise<HarnessResponse | undefined> {
  return ctx.memo('probe:method', async () => {
    if (ctx.config.mode !== 'sandbox') return undefined;
    const datasets = topLevelDatasets(ctx);
    const dataset = datasets.find(isPublic) ?? datasets[0];
    const op = dataset ? ctx.operationPath(dataset.get) : undefined;
    if (!op) return undefined;
    return ctx.http.request({
      method: 'DELETE',
      url: op.path.replace(/\{[^}]+\}/, 'conform-no-such-record-0000'),
      auth: ctx.config.credentials ? 'primary' : 'none',
      note: 'provoke a 405 or 404: DELETE a record that does not exist',
    });
  });
}

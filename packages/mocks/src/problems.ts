import type { FaultId } from './faults.ts';

export const PROBLEM = {
  validation: 'urn:council-conform:problem:validation',
  unauthenticated: 'urn:council-conform:problem:unauthenticated',
  forbidden: 'urn:council-conform:problem:forbidden',
  notFound: 'urn:council-conform:problem:not-found',
  notImplemented: 'urn:council-conform:problem:not-implemented',
  exportNotReady: 'urn:council-conform:problem:export-not-ready',
  rateLimited: 'urn:council-conform:problem:rate-limited',
  serverError: 'urn:council-conform:problem:server-error',
  methodNotAllowed: 'urn:council-conform:problem:method-not-allowed',
} as const;

export interface ProblemInit {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: { pointer: string; detail: string }[];
  headers?: Record<string, string>;
  /** Extra members, e.g. OAuth's `error` at the token endpoint. */
  extra?: Record<string, unknown>;
  /** Where the error arose, for faults that render errors differently per operation kind. */
  kind?: 'get-by-id' | 'other';
}

/** Renders an error the conformant way (RFC 9457), or the way a faulty supplier does. */
export function problemResponse(init: ProblemInit, instance: string, faults: ReadonlySet<FaultId>): Response {
  const headers = new Headers(init.headers);
  if (faults.has('html-errors-with-stack-trace')) {
    headers.set('content-type', 'text/html; charset=utf-8');
    const html = `<!DOCTYPE html><html><head><title>${init.status} Error</title></head><body><h1>${init.title}</h1><pre>Error: ${init.detail ?? init.title}
    at RecordController.show (/srv/app/src/controllers/record.controller.js:88:17)
    at Layer.handle [as handle_request] (/srv/app/node_modules/express/lib/router/layer.js:95:5)
    at processTicksAndRejections (node:internal/process/task_queues:95:5)
SequelizeDatabaseError: relation "residents" does not exist (postgres://app@db-prod-01:5432/council)</pre></body></html>`;
    return new Response(html, { status: init.status, headers });
  }
  if (
    faults.has('errors-not-problem-json') ||
    (faults.has('inconsistent-error-shape') && init.kind === 'get-by-id')
  ) {
    headers.set('content-type', 'application/json; charset=utf-8');
    const body = faults.has('errors-not-problem-json')
      ? { message: init.detail ?? init.title }
      : { error: init.title.toUpperCase().replace(/ /g, '_'), code: init.status };
    return new Response(JSON.stringify(body), { status: init.status, headers });
  }
  headers.set('content-type', 'application/problem+json');
  const body = {
    type: init.type,
    title: init.title,
    status: init.status,
    ...(init.detail ? { detail: init.detail } : {}),
    instance,
    ...(init.errors ? { errors: init.errors } : {}),
    ...(init.extra ?? {}),
  };
  return new Response(JSON.stringify(body), { status: init.status, headers });
}

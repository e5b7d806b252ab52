import type { ClauseId } from '@council-conform/clauses';
import { type JsonObject, resolvePointer } from '@council-conform/openapi';
import { matchRoute, type Route } from './routes.ts';
import type { MockClientInfo } from './supplier.ts';

/**
 * Faults only exploration finds: each breaks on a value no fixed check sends, in the way servers written
 * without the description's limits in mind do. They act on the integer query parameters an operation
 * declares with bounds (`limit`, `per_page`, `minimum_age`…), so every spec has one to break on.
 */
export const EXPLORE_FAULT_CATALOGUE = [
  {
    id: 'explore-500-on-boundary',
    clause: 'open-api',
    story:
      'A list answers 500 when a bounded integer parameter is exactly at its documented maximum (limit=1000): an off-by-one in the server.',
  },
  {
    id: 'explore-accepts-invalid-parameter',
    clause: 'open-api',
    story:
      'A bounded integer parameter above its documented maximum is silently ignored and answered 200, instead of refused with a 400.',
  },
  {
    id: 'explore-stack-trace-on-wrong-type',
    clause: 'secure',
    story:
      'A word where a list expects an integer parameter (limit=abc) crashes the handler: a 500 whose body carries a Node stack trace.',
  },
] as const satisfies readonly { id: string; clause: ClauseId; story: string }[];

type ExploreFaultId = (typeof EXPLORE_FAULT_CATALOGUE)[number]['id'];
const EXPLORE_FAULT_IDS: ReadonlySet<string> = new Set(EXPLORE_FAULT_CATALOGUE.map((fault) => fault.id));

const isObject = (value: unknown): value is JsonObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

interface BoundedInteger {
  readonly name: string;
  readonly maximum: number;
}

function boundedIntegers(document: JsonObject, route: Route): BoundedInteger[] {
  const raw = [
    ...(Array.isArray(route.entry.pathItem.parameters) ? route.entry.pathItem.parameters : []),
    ...(Array.isArray(route.entry.operation.parameters) ? route.entry.operation.parameters : []),
  ];
  const out: BoundedInteger[] = [];
  for (const entry of raw) {
    const parameter =
      isObject(entry) && typeof entry.$ref === 'string' && entry.$ref.startsWith('#')
        ? resolvePointer(document, entry.$ref.slice(1))
        : entry;
    if (!isObject(parameter) || parameter.in !== 'query' || typeof parameter.name !== 'string') continue;
    const schema = parameter.schema;
    if (isObject(schema) && schema.type === 'integer' && typeof schema.maximum === 'number')
      out.push({ name: parameter.name, maximum: schema.maximum });
  }
  return out;
}

function plainError(status: number, body: JsonObject): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/problem+json' },
  });
}

/**
 * Wraps a mock's handler with the exploration faults it was given; with none of them, the handler itself.
 * A request the faults do not touch goes to the handler as it came.
 */
export function withExploreFaults(
  handle: (request: Request, info?: MockClientInfo) => Promise<Response>,
  faults: ReadonlySet<string>,
  document: JsonObject,
  routes: readonly Route[],
  basePath: string,
): (request: Request, info?: MockClientInfo) => Promise<Response> {
  const active = new Set([...faults].filter((id): id is ExploreFaultId => EXPLORE_FAULT_IDS.has(id)));
  if (active.size === 0) return handle;
  return async (request, info) => {
    const url = new URL(request.url);
    const path = url.pathname.slice(basePath.length) || '/';
    const { match } = matchRoute(routes, request.method, path);
    if (!match) return handle(request, info);
    let ignored = false;
    for (const { name, maximum } of boundedIntegers(document, match.route)) {
      const value = url.searchParams.get(name);
      if (value === null) continue;
      if (active.has('explore-stack-trace-on-wrong-type') && !/^-?\d+$/.test(value.trim()))
        return plainError(500, {
          title: 'Internal Server Error',
          status: 500,
          detail: `TypeError: Cannot read properties of undefined (reading 'toFixed')\n    at parsePageSize (/srv/council-api/src/lists/paging.js:42:17)\n    at listRecords (/srv/council-api/src/lists/handler.js:88:21)`,
        });
      if (active.has('explore-500-on-boundary') && Number(value) === maximum)
        return plainError(500, {
          title: 'Internal Server Error',
          status: 500,
          detail: 'the request could not be completed',
        });
      if (active.has('explore-accepts-invalid-parameter') && Number(value) > maximum) {
        url.searchParams.delete(name);
        ignored = true;
      }
    }
    return handle(ignored ? new Request(url, request) : request, info);
  };
}

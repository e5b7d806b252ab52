import { type JsonObject, referenceSchemaValidator, resolvePointer } from '@council-conform/openapi';
import type { FaultId } from './faults.ts';
import { PROBLEM, problemResponse } from './problems.ts';
import { matchRoute, type Route } from './routes.ts';
import type { MockClientInfo } from './supplier.ts';

const isObject = (value: unknown): value is JsonObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Headers of a list's answer that describe its body or its page, not the API: left off a refusal. */
const BODY_HEADERS = new Set(['content-type', 'content-length', 'etag', 'last-modified', 'cache-control']);
const PAGE_RELATION = /rel="?(next|prev|previous|first|last)"?/;

interface DeclaredParameter {
  readonly name: string;
  readonly in: 'path' | 'query';
  readonly schema: JsonObject;
}

function declaredParameters(document: JsonObject, route: Route): DeclaredParameter[] {
  const raw = [
    ...(Array.isArray(route.entry.pathItem.parameters) ? route.entry.pathItem.parameters : []),
    ...(Array.isArray(route.entry.operation.parameters) ? route.entry.operation.parameters : []),
  ];
  const out: DeclaredParameter[] = [];
  for (const entry of raw) {
    const parameter =
      isObject(entry) && typeof entry.$ref === 'string' && entry.$ref.startsWith('#')
        ? resolvePointer(document, entry.$ref.slice(1))
        : entry;
    if (
      isObject(parameter) &&
      (parameter.in === 'query' || parameter.in === 'path') &&
      typeof parameter.name === 'string'
    )
      out.push({
        name: parameter.name,
        in: parameter.in,
        schema: isObject(parameter.schema) ? parameter.schema : {},
      });
  }
  return out;
}

/** A query value read as its schema's type says, as a server's parameter binding reads it. */
function typed(schema: JsonObject, values: readonly string[]): unknown {
  const type = schema.type;
  if (type === 'array') {
    const items = isObject(schema.items) ? schema.items : {};
    return values.flatMap((value) => value.split(',')).map((value) => typed(items, [value]));
  }
  const value = values[values.length - 1] ?? '';
  // A number too large to read stays text, and so is refused as not a number.
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(value.trim()))
    return Number.isFinite(Number(value)) ? Number(value) : value;
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

/**
 * The conformant mock refuses a read whose path or query parameters break the description (a band not in
 * its enum, an id longer than its maxLength) with a 400, as the Council API Baseline's validation problem, instead
 * of answering as if the filter were not there. The parameters the handler reads itself (the page size, the
 * cursor) it has already refused with its own words; this judges what it let through.
 */
export function withParameterValidation(
  handle: (request: Request, info?: MockClientInfo) => Promise<Response>,
  document: JsonObject,
  routes: readonly Route[],
  basePath: string,
  faults: ReadonlySet<FaultId>,
): (request: Request, info?: MockClientInfo) => Promise<Response> {
  const validator = referenceSchemaValidator(document);
  return async (request, info) => {
    const response = await handle(request, info);
    if (response.status < 200 || response.status >= 300 || request.method !== 'GET') return response;
    const url = new URL(request.url);
    const { match } = matchRoute(routes, request.method, url.pathname.slice(basePath.length) || '/');
    if (!match) return response;
    const errors: { pointer: string; detail: string }[] = [];
    for (const parameter of declaredParameters(document, match.route)) {
      const inPath = match.params[parameter.name];
      const values =
        parameter.in === 'path'
          ? inPath === undefined
            ? []
            : [inPath]
          : url.searchParams.getAll(parameter.name);
      if (values.length === 0) continue;
      for (const error of validator.validateWith(parameter.schema, typed(parameter.schema, values)))
        errors.push({
          pointer: `/${parameter.in}/${parameter.name}`,
          detail: error.message.replace(/^\(root\) /, ''),
        });
    }
    if (errors.length === 0) return response;
    await response.body?.cancel();
    const headers: Record<string, string> = {};
    for (const [name, value] of response.headers) {
      if (BODY_HEADERS.has(name)) continue;
      if (name === 'link') {
        const kept = value.split(/,(?=\s*<)/).filter((part) => !PAGE_RELATION.test(part));
        if (kept.length > 0) headers[name] = kept.join(',');
      } else headers[name] = value;
    }
    return problemResponse(
      {
        type: PROBLEM.validation,
        title: 'Bad Request',
        status: 400,
        detail: `parameters that break the description: ${[...new Set(errors.map((e) => e.pointer))].join(', ')}`,
        errors,
        headers,
      },
      url.pathname,
      faults,
    );
  };
}

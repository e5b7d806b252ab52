import { type JsonObject, listOperations, resolvePointer } from '@council-conform/openapi';
import type { RunContext } from '@council-conform/runner';
import { isObject } from './json.ts';

export interface WriteOperation {
  readonly operationId: string;
  readonly method: string;
  /** The reference path with any path parameter filled with a placeholder that matches no record. */
  readonly url: string;
  /** The request body's media type, JSON when the operation takes one, else form, else none. */
  readonly contentType?: string;
}

const WRITE_METHODS = new Set(['post', 'put', 'patch', 'delete']);

/** True when the operation's effective security lets anyone call it (`security: []` or an empty `{}`). */
function isOpenOperation(document: JsonObject, operation: JsonObject): boolean {
  const security = Array.isArray(operation.security) ? operation.security : document.security;
  return (
    !Array.isArray(security) ||
    security.length === 0 ||
    security.some((s) => isObject(s) && Object.keys(s).length === 0)
  );
}

function bodyMediaType(document: JsonObject, operation: JsonObject): string | undefined {
  let body = operation.requestBody;
  if (isObject(body) && typeof body.$ref === 'string') body = resolvePointer(document, body.$ref.slice(1));
  const types = isObject(body) && isObject(body.content) ? Object.keys(body.content) : [];
  return types.find((t) => /json/i.test(t)) ?? types.find((t) => /form/i.test(t)) ?? types[0];
}

/**
 * The reference's write operations that need a token, the profile's required ones first and those without
 * path parameters before those with: what a caller without credentials must be refused.
 */
export function writeOperations(ctx: RunContext): WriteOperation[] {
  const { document, profile } = ctx.reference;
  const required = new Set(profile.operations.required);
  const declared = new Set(ctx.config.features);
  const rank = (id: string, path: string) =>
    (required.has(id) ? 0 : declared.has(id) ? 2 : 4) + (path.includes('{') ? 1 : 0);
  return listOperations(document)
    .filter(
      (op) =>
        WRITE_METHODS.has(op.method.toLowerCase()) &&
        op.operationId !== undefined &&
        !op.path.startsWith('/oauth/') &&
        !isOpenOperation(document, op.operation),
    )
    .map((op) => {
      const contentType = bodyMediaType(document, op.operation);
      return {
        operationId: op.operationId as string,
        method: op.method.toUpperCase(),
        url: op.path.replace(/\{[^}]+\}/g, 'conform-no-such-record-0000'),
        ...(contentType ? { contentType } : {}),
        rank: rank(op.operationId as string, op.path),
      };
    })
    .sort((a, b) => a.rank - b.rank)
    .map(({ rank: _rank, ...op }) => op);
}

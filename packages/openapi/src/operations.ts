import { escapePointerToken, type JsonObject } from './parse.ts';

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface OperationEntry {
  readonly path: string;
  readonly method: HttpMethod;
  readonly operationId: string | undefined;
  readonly operation: JsonObject;
  readonly pathItem: JsonObject;
  /** JSON pointer of the operation in the document. */
  readonly pointer: string;
}

const isObject = (value: unknown): value is JsonObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

function resolveLocal(document: JsonObject, ref: string): unknown {
  return ref
    .slice(2)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, token) => (isObject(node) ? node[token] : undefined), document);
}

/** Every operation of a bundled document, following path items that are local $refs. */
export function listOperations(document: JsonObject): OperationEntry[] {
  const paths = isObject(document.paths) ? document.paths : {};
  const entries: OperationEntry[] = [];
  for (const [path, rawItem] of Object.entries(paths)) {
    let pathItem = rawItem;
    let base = `/paths/${escapePointerToken(path)}`;
    if (isObject(rawItem) && typeof rawItem.$ref === 'string' && rawItem.$ref.startsWith('#/')) {
      const target = resolveLocal(document, rawItem.$ref);
      if (isObject(target)) {
        pathItem = target;
        base = rawItem.$ref.slice(1);
      }
    }
    if (!isObject(pathItem)) continue;
    for (const method of HTTP_METHODS) {
      const operation = pathItem[method];
      if (!isObject(operation)) continue;
      entries.push({
        path,
        method,
        operationId: typeof operation.operationId === 'string' ? operation.operationId : undefined,
        operation,
        pathItem,
        pointer: `${base}/${method}`,
      });
    }
  }
  return entries;
}

/** The effective security of an operation: its own, else the document's default. */
export function effectiveSecurity(document: JsonObject, operation: JsonObject): unknown[] {
  if (Array.isArray(operation.security)) return operation.security;
  return Array.isArray(document.security) ? document.security : [];
}

/** True when an operation can be called without credentials (`security: []` or an empty `{}` alternative). */
export function isPublicOperation(document: JsonObject, operation: JsonObject): boolean {
  const security = effectiveSecurity(document, operation);
  return (
    security.length === 0 ||
    security.some((requirement) => isObject(requirement) && Object.keys(requirement).length === 0)
  );
}

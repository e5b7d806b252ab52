import { type JsonObject, listOperations, resolvePointer } from '@council-conform/openapi';
import { isObject } from './json.ts';

const shape = (method: string, path: string) => `${method.toLowerCase()} ${path.replace(/\{[^}]+\}/g, '{}')}`;

/** Finds an operation in a (supplier's) document by operationId, else by method and path shape. */
export function findOperation(
  document: JsonObject,
  operationId: string,
  method: string,
  path: string,
): JsonObject | undefined {
  const operations = listOperations(document);
  return (
    operations.find((op) => op.operationId === operationId)?.operation ??
    operations.find((op) => shape(op.method, op.path) === shape(method, path))?.operation
  );
}

/** The JSON schema of an operation's 200 (or first 2xx) response, resolving response $refs. */
export function successSchema(document: JsonObject, operation: JsonObject): JsonObject | undefined {
  const responses = isObject(operation.responses) ? operation.responses : {};
  const code = ['200', ...Object.keys(responses).filter((c) => /^2\d\d$/.test(c))].find(
    (c) => c in responses,
  );
  if (!code) return undefined;
  let response = responses[code];
  if (isObject(response) && typeof response.$ref === 'string')
    response = resolvePointer(document, response.$ref.slice(1));
  if (!isObject(response) || !isObject(response.content)) return undefined;
  const media = Object.entries(response.content).find(([type]) => /json/i.test(type))?.[1];
  return isObject(media) && isObject(media.schema) ? media.schema : undefined;
}

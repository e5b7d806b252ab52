import type { JsonObject } from '@council-conform/openapi';

export const isObject = (value: unknown): value is JsonObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Calls back for every scalar in a JSON value with its JSON pointer and the key it sits under. */
export function walkJson(
  value: unknown,
  visit: (pointer: string, key: string | undefined, value: unknown) => void,
  pointer = '',
  key?: string,
): void {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) walkJson(item, visit, `${pointer}/${i}`, key);
    return;
  }
  if (isObject(value)) {
    for (const [k, v] of Object.entries(value))
      walkJson(v, visit, `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, k);
    return;
  }
  visit(pointer, key, value);
}

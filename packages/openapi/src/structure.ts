import { Validator } from '@seriousme/openapi-schema-validator';
import type { JsonObject } from './parse.ts';

export interface StructureProblem {
  /** JSON pointer of the offending node. */
  readonly pointer: string;
  readonly message: string;
}

/**
 * Validates a bundled document against the official OpenAPI 3.0 / 3.1 JSON Schemas. Returns an empty
 * list for a valid document.
 */
export async function validateOpenApiStructure(document: JsonObject): Promise<StructureProblem[]> {
  const validator = new Validator();
  const result = await validator.validate(structuredClone(document));
  if (result.valid) return [];
  const raw = Array.isArray(result.errors) ? result.errors : [result.errors];
  return raw.map((error: unknown) => {
    const e = error as { instancePath?: string; message?: string; params?: unknown };
    return {
      pointer: e.instancePath ?? '',
      message: `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`,
    };
  });
}

import { Validator } from '@seriousme/openapi-schema-validator';
import type { JsonObject } from './parse.ts';

export interface StructureProblem {
  /** JSON pointer of the offending node. */
  readonly pointer: string;
  readonly message: string;
}

/**
 * One validator for every document: each new Validator compiled the OpenAPI JSON Schema again (about 60 ms,
 * once per run of the checks). Sharing it is safe with runs side by side: `validate` awaits only before it
 * reads anything of the instance, and validates, checks references and reads the errors without a pause.
 */
const validator = new Validator();

/**
 * Validates a bundled document against the official OpenAPI 3.0 / 3.1 JSON Schemas. Returns an empty
 * list for a valid document.
 */
export async function validateOpenApiStructure(document: JsonObject): Promise<StructureProblem[]> {
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

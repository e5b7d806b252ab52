import { type JsonObject, resolvePointer } from '@council-conform/openapi';
import { isObject } from './json.ts';

/** What the reference schema says about one property name, wherever it sits in a record. */
export interface FieldFacts {
  /** `format`s declared for it (`date`, `date-time`, …). */
  readonly formats: Set<string>;
  /** Names of the component schemas it refers to (`Uprn`, `GssCode`, …). */
  readonly refs: Set<string>;
  /** `pattern`s declared for it. */
  readonly patterns: Set<string>;
}

/**
 * Every property name reachable from a component schema, with the formats, `$ref`s and patterns the
 * reference declares for it (through `$ref`, `allOf`/`anyOf`/`oneOf`, `items` and nested objects). Keyed
 * by name, so a record can be walked with `walkJson` and each scalar looked up by the key it sits under.
 */
export function schemaFields(document: JsonObject, schemaName: string): Map<string, FieldFacts> {
  const fields = new Map<string, FieldFacts>();
  const facts = (name: string): FieldFacts => {
    let entry = fields.get(name);
    if (!entry) {
      entry = { formats: new Set(), refs: new Set(), patterns: new Set() };
      fields.set(name, entry);
    }
    return entry;
  };
  const expanded = new Set<string>();
  const visit = (node: unknown, name: string | undefined, trail: ReadonlySet<string>): void => {
    if (!isObject(node)) return;
    if (typeof node.$ref === 'string') {
      const ref = node.$ref;
      if (name) facts(name).refs.add(ref.slice(ref.lastIndexOf('/') + 1));
      // Expand each (ref, name) pair once: recursive schemas stop, shared ones are still seen per name.
      const key = `${ref}\u0000${name ?? ''}`;
      if (ref.startsWith('#/') && !trail.has(ref) && !expanded.has(key)) {
        expanded.add(key);
        visit(resolvePointer(document, ref.slice(1)), name, new Set([...trail, ref]));
      }
    }
    if (name && typeof node.format === 'string') facts(name).formats.add(node.format);
    if (name && typeof node.pattern === 'string') facts(name).patterns.add(node.pattern);
    for (const keyword of ['allOf', 'anyOf', 'oneOf', 'prefixItems'] as const) {
      const parts = node[keyword];
      if (Array.isArray(parts)) for (const part of parts) visit(part, name, trail);
    }
    if (isObject(node.items)) visit(node.items, name, trail);
    if (isObject(node.properties)) {
      for (const [property, schema] of Object.entries(node.properties)) visit(schema, property, trail);
    }
    if (isObject(node.additionalProperties)) visit(node.additionalProperties, undefined, trail);
  };
  visit({ $ref: `#/components/schemas/${schemaName}` }, undefined, new Set());
  return fields;
}

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

/**
 * Top-level properties of a record schema that a list response MAY leave out (`x-omittable-in-lists: true`,
 * Council API Baseline 1.1 §7): a read by id and every export carry them, a list view need not. Found
 * through `$ref` and `allOf`, where record schemas compose their properties.
 */
export function omittableInLists(document: JsonObject, schemaName: string): Set<string> {
  const names = new Set<string>();
  for (const [name, schema] of topLevelProperties(document, schemaName))
    if (schema['x-omittable-in-lists'] === true) names.add(name);
  return names;
}

/**
 * The top-level properties of a record schema, each name with the schema that declares it (the one marking
 * it `x-omittable-in-lists` when parts of an `allOf` both declare it; `{}` for a boolean schema), found
 * through `$ref` and `allOf`, where record schemas compose their properties.
 */
export function topLevelProperties(document: JsonObject, schemaName: string): Map<string, JsonObject> {
  const properties = new Map<string, JsonObject>();
  const seen = new Set<string>();
  const visit = (node: unknown): void => {
    if (!isObject(node)) return;
    if (typeof node.$ref === 'string' && node.$ref.startsWith('#/') && !seen.has(node.$ref)) {
      seen.add(node.$ref);
      visit(resolvePointer(document, node.$ref.slice(1)));
    }
    if (Array.isArray(node.allOf)) for (const part of node.allOf) visit(part);
    if (isObject(node.properties))
      for (const [name, schema] of Object.entries(node.properties))
        if (properties.get(name)?.['x-omittable-in-lists'] !== true)
          properties.set(name, isObject(schema) ? schema : {});
  };
  visit({ $ref: `#/components/schemas/${schemaName}` });
  return properties;
}

/** A list record's validation errors, less "required" ones about properties a list may leave out. */
export function listViewErrors<E extends { readonly pointer: string; readonly message: string }>(
  errors: readonly E[],
  omittable: ReadonlySet<string>,
): E[] {
  if (omittable.size === 0) return [...errors];
  return errors.filter((error) => {
    const missing = /must have required property '([^']+)'/.exec(error.message)?.[1];
    return !(error.pointer === '' && missing !== undefined && omittable.has(missing));
  });
}

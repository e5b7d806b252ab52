import { createHash } from 'node:crypto';
import { canonicalJson } from '@council-conform/certificates';
import type { JsonObject } from '@council-conform/openapi';
import type { Reference } from '@council-conform/runner';
import { loadSpec } from '@council-conform/specs';

const isObject = (value: unknown): value is JsonObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Names of every property the document classifies as personal or special-category. */
export function personalFieldNames(document: JsonObject): Set<string> {
  const names = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    if (!isObject(node)) return;
    if (isObject(node.properties)) {
      for (const [name, schema] of Object.entries(node.properties)) {
        const cls = isObject(schema) ? schema['x-data-classification'] : undefined;
        if (cls === 'personal' || cls === 'special-category') names.add(name);
      }
    }
    for (const child of Object.values(node)) visit(child);
  };
  visit(document.components);
  return names;
}

/**
 * Names of the personal or special-category properties reachable from one schema of the document (through
 * $refs, allOf/oneOf/anyOf, items): what a record of that schema must not carry in public. Judged per schema,
 * because the same name (`name`) is public on an application and personal on a commenter.
 */
export function personalFieldsOf(document: JsonObject, schemaName: string): Set<string> {
  const names = new Set<string>();
  const seen = new Set<unknown>();
  const visit = (node: unknown): void => {
    if (!isObject(node) || seen.has(node)) return;
    seen.add(node);
    if (typeof node.$ref === 'string' && node.$ref.startsWith('#/')) {
      const target = node.$ref
        .slice(2)
        .split('/')
        .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))
        .reduce<unknown>((n, t) => (isObject(n) ? n[t] : undefined), document);
      visit(target);
    }
    if (isObject(node.properties)) {
      for (const [name, schema] of Object.entries(node.properties)) {
        const cls = isObject(schema) ? schema['x-data-classification'] : undefined;
        if (cls === 'personal' || cls === 'special-category') names.add(name);
        visit(schema);
      }
    }
    for (const key of ['items', 'additionalProperties']) visit(node[key]);
    for (const key of ['allOf', 'anyOf', 'oneOf'])
      if (Array.isArray(node[key])) for (const part of node[key] as unknown[]) visit(part);
  };
  visit(
    (document.components as JsonObject | undefined)?.schemas &&
      ((document.components as JsonObject).schemas as JsonObject)[schemaName],
  );
  return names;
}

/** The run's reference: a reference spec's bundled document and profile, with its hash. */
export async function loadReference(
  specId: string,
): Promise<{ reference: Reference; personalFields: Set<string> }> {
  const spec = await loadSpec(specId);
  return {
    reference: {
      profile: spec.profile,
      document: spec.document,
      sha256: createHash('sha256').update(canonicalJson(spec.document)).digest('hex'),
    },
    personalFields: personalFieldNames(spec.document),
  };
}

import type { JsonObject } from '@council-conform/openapi';

export const isObject = (value: unknown): value is JsonObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Property names that, whatever the system, usually hold facts about a living person. */
export const PERSONAL_PROPERTY =
  /(^|_)(name|given_name|family_name|first_name|last_name|forename|surname|full_name|email|e_mail|phone|telephone|mobile|date_of_birth|dob|birth_date|ni_number|national_insurance(_number)?|nino|ethnicity|religion|gender|sex|disability|nhs_number|device_id|contact_name|reporter|tenant|resident|applicant_name)$/i;

export interface SchemaVisit {
  readonly pointer: string;
  readonly schema: JsonObject;
  readonly propertyName?: string;
}

/**
 * Visits every schema reachable from `start`, following local $refs once each, calling back with the
 * property name the schema sits under (if any).
 */
export function walkSchemas(
  document: JsonObject,
  start: unknown,
  startPointer: string,
  visit: (v: SchemaVisit) => void,
): void {
  const seen = new Set<string>();
  const go = (node: unknown, pointer: string, propertyName?: string): void => {
    if (!isObject(node)) return;
    if (typeof node.$ref === 'string' && node.$ref.startsWith('#/')) {
      if (seen.has(node.$ref)) return;
      seen.add(node.$ref);
      const target = node.$ref
        .slice(2)
        .split('/')
        .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))
        .reduce<unknown>((n, t) => (isObject(n) ? n[t] : undefined), document);
      // A property whose schema is a $ref keeps its own name and siblings (OAS 3.1 allows both).
      visit({ pointer, schema: node, ...(propertyName ? { propertyName } : {}) });
      go(target, node.$ref.slice(1));
      return;
    }
    visit({ pointer, schema: node, ...(propertyName ? { propertyName } : {}) });
    if (isObject(node.properties)) {
      for (const [name, child] of Object.entries(node.properties))
        go(child, `${pointer}/properties/${name}`, name);
    }
    for (const key of ['items', 'additionalProperties', 'not', 'contains'])
      go(node[key], `${pointer}/${key}`);
    for (const key of ['allOf', 'anyOf', 'oneOf', 'prefixItems']) {
      const list = node[key];
      if (Array.isArray(list)) for (const [i, child] of list.entries()) go(child, `${pointer}/${key}/${i}`);
    }
  };
  go(start, startPointer);
}

import type { JsonObject } from '@council-conform/openapi';
import type { SpecProfile } from '@council-conform/specs';
import type { FaultId } from './faults.ts';
import { NONSTANDARD_MODIFIED_AT } from './transforms.ts';

export const LEGACY_PREFIX = '/legacy';
/** When the legacy alias goes: announced in the description and in every answer's Sunset header. */
export const LEGACY_SUNSET = new Date('2028-01-01T00:00:00Z');

/**
 * The OpenAPI description the mock serves: the bundled reference spec with its servers pointing at the mock,
 * plus one deprecated legacy alias of the first dataset's list (so the transparency checks see a deprecated
 * operation that announces its sunset), and whatever lies a fault tells.
 */
export function servedDescription(
  document: JsonObject,
  profile: SpecProfile,
  origin: string,
  faults: ReadonlySet<FaultId>,
): JsonObject {
  const served = structuredClone(document);
  served.servers = [{ url: origin, description: 'Council Conform mock supplier' }];
  const paths = served.paths as Record<string, JsonObject>;
  const first = profile.datasets[0];
  if (first) {
    const listPath = Object.entries(paths).find(
      ([, item]) => (item.get as JsonObject | undefined)?.operationId === first.list,
    );
    if (listPath) {
      const [path, item] = listPath;
      const get = structuredClone(item.get as JsonObject);
      get.operationId = `legacy${first.list.charAt(0).toUpperCase()}${first.list.slice(1)}`;
      get.summary = `${String(get.summary ?? 'List')} (legacy path, to be withdrawn)`;
      get.deprecated = true;
      if (!faults.has('deprecated-without-sunset')) get['x-sunset'] = LEGACY_SUNSET.toISOString();
      paths[`${LEGACY_PREFIX}${path}`] = { get };
    }
  }
  const info = served.info as JsonObject;
  if (faults.has('no-licence')) delete info.license;
  if (faults.has('no-changelog')) delete info['x-changelog'];
  if (faults.has('non-semantic-version')) {
    info.version = '2024 release';
    delete info['x-changelog'];
  }
  const schemas = (served.components as JsonObject).schemas as Record<string, JsonObject>;
  if (faults.has('description-lies-about-shape') && first) {
    const schema = schemas[first.schema];
    if (schema) {
      schema.properties = { ...(schema.properties as JsonObject), supplier_reference: { type: 'string' } };
      schema.required = [...((schema.required as string[]) ?? []), 'supplier_reference'];
    }
  }
  if (faults.has('nonstandard-field-names')) {
    // Everywhere the field is declared or required, including allOf parts and list views.
    const rename = (node: unknown): void => {
      if (Array.isArray(node)) {
        for (const child of node) rename(child);
        return;
      }
      if (node === null || typeof node !== 'object') return;
      const schema = node as JsonObject;
      if (Array.isArray(schema.required)) {
        schema.required = schema.required.map((name) =>
          name === 'modified_at' ? NONSTANDARD_MODIFIED_AT : name,
        );
      }
      const properties = schema.properties as JsonObject | undefined;
      if (properties && typeof properties === 'object' && 'modified_at' in properties) {
        const { modified_at: modifiedAt, ...rest } = properties;
        schema.properties = { ...rest, [NONSTANDARD_MODIFIED_AT]: modifiedAt };
      }
      for (const child of Object.values(schema)) rename(child);
    };
    rename(schemas);
  }
  if (faults.has('description-undocumented-errors')) {
    for (const item of Object.values(paths)) {
      for (const operation of Object.values(item)) {
        const responses = (operation as JsonObject | undefined)?.responses as JsonObject | undefined;
        if (!responses) continue;
        for (const code of Object.keys(responses)) if (/^[45]/.test(code)) delete responses[code];
      }
    }
  }
  if (faults.has('description-missing-operations') && first) {
    for (const [path, item] of Object.entries(paths)) {
      if ((item.get as JsonObject | undefined)?.operationId === first.get) delete paths[path];
    }
  }
  if (faults.has('personal-query-parameter')) {
    const personal = profile.datasets.find((d) => d.classification !== 'public') ?? first;
    const item =
      personal &&
      Object.values(paths).find(
        (candidate) => (candidate.get as JsonObject | undefined)?.operationId === personal.list,
      );
    const get = item?.get as JsonObject | undefined;
    if (get) {
      get.parameters = [
        ...((get.parameters as unknown[]) ?? []),
        { name: 'resident_email', in: 'query', required: false, schema: { type: 'string', format: 'email' } },
      ];
    }
  }
  return served;
}

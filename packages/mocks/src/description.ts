import type { JsonObject } from '@council-conform/openapi';
import type { SpecProfile } from '@council-conform/specs';
import type { FaultId } from './faults.ts';

export const LEGACY_PREFIX = '/legacy';

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
      paths[`${LEGACY_PREFIX}${path}`] = { get };
    }
  }
  const info = served.info as JsonObject;
  if (faults.has('no-licence')) delete info.license;
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
  if (faults.has('description-missing-operations') && first) {
    for (const [path, item] of Object.entries(paths)) {
      if ((item.get as JsonObject | undefined)?.operationId === first.get) delete paths[path];
    }
  }
  return served;
}

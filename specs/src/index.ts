import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  bundleDocument,
  createSchemaValidator,
  DocumentError,
  type JsonObject,
  parseDocument,
} from '@council-conform/openapi';
import { PROFILE_JSON_SCHEMA, profileWritesProblems, type SpecProfile } from './profile.ts';

export * from './profile.ts';

/** Folder that holds `baseline/` and one folder per reference spec; `CONFORM_SPECS_DIR` moves it (a bundled server). */
export const SPECS_ROOT = process.env.CONFORM_SPECS_DIR
  ? resolve(process.env.CONFORM_SPECS_DIR)
  : resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const BASELINE_PATH = join(SPECS_ROOT, 'baseline', 'openapi.yaml');

const NOT_SPECS = new Set(['baseline', 'src', 'test', 'scripts', 'node_modules']);

/** Ids of every reference spec: each folder of `specs/` holding an `openapi.yaml`, in name order. */
export function listSpecIds(): string[] {
  return readdirSync(SPECS_ROOT, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !NOT_SPECS.has(entry.name) && !entry.name.startsWith('.'))
    .filter((entry) => existsSync(join(SPECS_ROOT, entry.name, 'openapi.yaml')))
    .map((entry) => entry.name)
    .sort();
}

export function specDir(id: string): string {
  if (!listSpecIds().includes(id)) {
    throw new DocumentError(
      'DOCUMENT_UNREADABLE',
      `no reference spec "${id}"; known specs: ${listSpecIds().join(', ')}`,
      id,
    );
  }
  return join(SPECS_ROOT, id);
}

export async function loadProfile(id: string): Promise<SpecProfile> {
  const path = join(specDir(id), 'profile.yaml');
  const parsed = parseDocument(await readFile(path, 'utf8'), path);
  const errors = createSchemaValidator({}).validateWith(
    PROFILE_JSON_SCHEMA as unknown as JsonObject,
    parsed.data,
  );
  if (errors.length > 0) {
    throw new DocumentError(
      'DOCUMENT_NOT_OPENAPI',
      `${path}: not a valid profile: ${errors.map((e) => e.message).join('; ')}`,
      path,
    );
  }
  const profile = parsed.data as unknown as SpecProfile;
  const problems = profileWritesProblems(profile);
  if (problems.length > 0) {
    throw new DocumentError(
      'DOCUMENT_NOT_OPENAPI',
      `${path}: not a valid profile: ${problems.join('; ')}`,
      path,
    );
  }
  return profile;
}

export interface LoadedSpec {
  readonly id: string;
  readonly dir: string;
  readonly profile: SpecProfile;
  /** The spec bundled into one self-contained OpenAPI 3.1 document (what a server serves at /openapi.json). */
  readonly document: JsonObject;
  readonly sourcePath: string;
}

const cache = new Map<string, Promise<LoadedSpec>>();

/** Loads, bundles and caches a reference spec with its profile. */
export function loadSpec(id: string): Promise<LoadedSpec> {
  let pending = cache.get(id);
  if (!pending) {
    pending = (async () => {
      const dir = specDir(id);
      const sourcePath = join(dir, 'openapi.yaml');
      const [{ document }, profile] = await Promise.all([bundleDocument(sourcePath), loadProfile(id)]);
      return { id, dir, profile, document, sourcePath };
    })();
    cache.set(id, pending);
    pending.catch(() => cache.delete(id));
  }
  return pending;
}

/** The fixture records of every dataset of a spec, keyed by dataset id. */
export async function loadFixtures(id: string): Promise<Record<string, unknown[]>> {
  const { dir, profile } = await loadSpec(id);
  const out: Record<string, unknown[]> = {};
  for (const dataset of profile.datasets) {
    const path = join(dir, dataset.fixtures);
    const records = JSON.parse(await readFile(path, 'utf8')) as unknown;
    if (!Array.isArray(records)) {
      throw new DocumentError(
        'DOCUMENT_NOT_OPENAPI',
        `${path}: fixtures must be a JSON array of records`,
        path,
      );
    }
    out[dataset.id] = records;
  }
  return out;
}
export { renderSpecsTable, SPECS_DOC_PATH } from './docs.ts';
export { generateFixtureFiles, serialiseFixtures } from './fixture-files.ts';
export { type SpecSummary, summariseSpec } from './summary.ts';

import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SpecProfile } from './profile.ts';

type FixtureGenerator = { generate(): Record<string, unknown[]> };

/** One record per line: small diffs when a generator changes, still a plain JSON array. */
export function serialiseFixtures(records: readonly unknown[]): string {
  return records.length === 0
    ? '[]\n'
    : `[\n${records.map((record) => JSON.stringify(record)).join(',\n')}\n]\n`;
}

/** Runs a spec's `fixtures/generate.ts` and maps its output to the files its profile names. */
export async function generateFixtureFiles(dir: string, profile: SpecProfile): Promise<Map<string, string>> {
  const module = (await import(pathToFileURL(join(dir, 'fixtures', 'generate.ts')).href)) as FixtureGenerator;
  const generated = module.generate();
  const files = new Map<string, string>();
  for (const dataset of profile.datasets) {
    const records = generated[dataset.id];
    if (!records) {
      throw new Error(`${profile.id}: fixtures/generate.ts produced no "${dataset.id}" dataset`);
    }
    files.set(join(dir, dataset.fixtures), serialiseFixtures(records));
  }
  const unknown = Object.keys(generated).filter((key) => !profile.datasets.some((d) => d.id === key));
  if (unknown.length > 0) {
    throw new Error(
      `${profile.id}: fixtures/generate.ts produced datasets the profile does not name: ${unknown.join(', ')}`,
    );
  }
  return files;
}

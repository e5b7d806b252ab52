// Writes every spec's fixtures (or the named specs') from its deterministic fixtures/generate.ts.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { generateFixtureFiles, listSpecIds, loadProfile, specDir } from '../src/index.ts';

const requested = process.argv.slice(2);
const ids = requested.length > 0 ? requested : listSpecIds();
for (const id of ids) {
  const files = await generateFixtureFiles(specDir(id), await loadProfile(id));
  for (const [path, text] of files) {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
  }
  console.log(`${id}: wrote ${files.size} fixture files`);
}

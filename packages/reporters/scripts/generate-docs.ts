import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderSchemaDocs } from '../src/index.ts';

const docs = join(import.meta.dirname, '..', '..', '..', 'docs');
for (const [name, text] of Object.entries(renderSchemaDocs())) {
  await writeFile(join(docs, name), text);
  console.log(`wrote docs/${name}`);
}

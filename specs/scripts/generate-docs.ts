import { writeFile } from 'node:fs/promises';
import { renderSpecsTable, SPECS_DOC_PATH } from '../src/docs.ts';

await writeFile(SPECS_DOC_PATH, await renderSpecsTable());
console.log(`wrote ${SPECS_DOC_PATH}`);

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderCheckCatalogue, renderFaultMatrix } from './docs.ts';

const docs = join(import.meta.dirname, '..', '..', '..', 'docs');
await writeFile(join(docs, 'checks.md'), renderCheckCatalogue());
await writeFile(join(docs, 'fault-matrix.md'), renderFaultMatrix());
console.log('wrote docs/checks.md and docs/fault-matrix.md');

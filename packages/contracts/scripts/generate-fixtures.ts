// Writes the synthetic contracts registers into fixtures/ from fixtures/generate.ts (deterministic).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FIXTURES_DIR, generateSyntheticRegisters } from '../fixtures/index.ts';

for (const [file, bytes] of generateSyntheticRegisters()) {
  await writeFile(join(FIXTURES_DIR, file), bytes);
  console.log(`wrote fixtures/${file} (${bytes.length} bytes)`);
}

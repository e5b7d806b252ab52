import { join } from 'node:path';

export { capture } from '@council-conform/cli/testing';

export const repoRoot = join(import.meta.dirname, '..', '..', '..');

import { defineConfig } from 'vitest/config';

// Runs every workspace package's tests from the root in one Vitest process (`pnpm test:all`); each package also runs its own
// tests alone through turbo so unchanged packages come from the cache. Named so that a package's own
// `vitest run` does not find it by walking up.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'specs'],
  },
});

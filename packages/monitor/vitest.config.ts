import { defineConfig } from 'vitest/config';

// Starting PGlite (PostgreSQL compiled to WebAssembly) takes seconds on a busy two-core machine, more than
// Vitest's default 10 s hook timeout allows when the whole suite runs at once.
export default defineConfig({ test: { hookTimeout: 60_000, testTimeout: 30_000 } });

import { defineConfig } from 'vitest/config';

// Each test file makes real runs against mock suppliers and starts PGlite (WebAssembly) in its hooks: seconds
// each on a busy two-core machine, more than Vitest's default 10 s hook timeout allows.
export default defineConfig({ test: { hookTimeout: 120_000, testTimeout: 60_000 } });

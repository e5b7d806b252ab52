import { defineConfig } from 'vitest/config';

// A browser round trip (navigate, inject axe, scan, screenshot) takes seconds on two cores, not milliseconds.
export default defineConfig({ test: { testTimeout: 60_000, hookTimeout: 240_000 } });

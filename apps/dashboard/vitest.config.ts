import { BUDGET, testConfig } from '@council-conform/test-budgets';

// Each test file makes real runs against mock suppliers and starts PGlite (WebAssembly) in its hooks.
export default testConfig({ test: BUDGET.realRun, hook: BUDGET.realRun });

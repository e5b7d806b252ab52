import { BUDGET, testConfig } from '@council-conform/test-budgets';

// Starting PGlite (PostgreSQL compiled to WebAssembly) takes seconds on a busy two-core machine.
export default testConfig({ test: BUDGET.database, hook: BUDGET.database });

import { BUDGET, testConfig } from '@council-conform/test-budgets';

// Runs of every check against the reference server, on PGlite and on PostgreSQL.
export default testConfig({ test: BUDGET.realRun, hook: BUDGET.database });

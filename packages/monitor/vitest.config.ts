import { BUDGET, testConfig } from '@council-conform/test-budgets';

// The queue's tests start pg-boss on a PostgreSQL database and wait for its workers.
export default testConfig({ test: BUDGET.realRun, hook: BUDGET.database });

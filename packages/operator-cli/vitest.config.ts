import { BUDGET, testConfig } from '@council-conform/test-budgets';

// The tests run the operator commands against a real dashboard, database or mock, in a test or in its hook.
export default testConfig({ test: BUDGET.realRun, hook: BUDGET.realRun });

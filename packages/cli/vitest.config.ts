import { BUDGET, testConfig } from '@council-conform/test-budgets';

// Most tests make a real `conform run` against a mock, in a test or in the hook that shares it.
export default testConfig({ test: BUDGET.realRun, hook: BUDGET.realRun });

import { BUDGET, testConfig } from '@council-conform/test-budgets';

// Each fault-matrix test is a real run against a mock supplier.
export default testConfig({ test: BUDGET.realRun });

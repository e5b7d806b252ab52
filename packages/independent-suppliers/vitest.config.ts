import { BUDGET, testConfig } from '@council-conform/test-budgets';

// Each supplier's hook makes a real run over https with the easy-exit round trip.
export default testConfig({ test: BUDGET.realRun, hook: BUDGET.realRun });

import { BUDGET, testConfig } from '@council-conform/test-budgets';

// The tests build Docker images FROM scratch and start, health-check and stop containers.
export default testConfig({ test: BUDGET.container, hook: BUDGET.container });

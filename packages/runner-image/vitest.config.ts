import { BUDGET, testConfig } from '@council-conform/test-budgets';

// The tests build the runner image FROM scratch and run `conform` in containers against mock suppliers.
export default testConfig({ test: BUDGET.container, hook: BUDGET.container });

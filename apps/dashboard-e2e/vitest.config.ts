import { BUDGET, testConfig } from '@council-conform/test-budgets';

// A browser round trip (navigate, inject axe, scan, screenshot) takes seconds on two cores, not milliseconds.
export default testConfig({ test: BUDGET.browser, hook: BUDGET.realRun + BUDGET.browser });

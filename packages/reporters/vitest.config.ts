import { BUDGET, testConfig } from '@council-conform/test-budgets';

// The hooks make real runs against mock suppliers for the reporters to render.
export default testConfig({ hook: BUDGET.realRun });

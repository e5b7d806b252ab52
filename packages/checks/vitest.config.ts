import { BUDGET, testConfig } from '@council-conform/test-budgets';

// Each fault-matrix test is a real run against a mock supplier. A run mostly waits on its mock (its request
// rate, export and import polls), so two files and four runs in each go at once: the matrix took 19 minutes
// one run at a time, with one of the two cores idle.
const config = testConfig({ test: BUDGET.realRun });
export default { ...config, test: { ...config.test, maxWorkers: 2, maxConcurrency: 4 } };

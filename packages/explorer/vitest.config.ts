import { testConfig } from '@council-conform/test-budgets';

export default testConfig();

import { testConfig } from './src/index.ts';

export default testConfig();

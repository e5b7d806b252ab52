import { defineMatrixSuite } from './matrix/suite.ts';

defineMatrixSuite('business-rates');

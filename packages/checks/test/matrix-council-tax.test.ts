import { defineMatrixSuite } from './matrix/suite.ts';

defineMatrixSuite('council-tax');

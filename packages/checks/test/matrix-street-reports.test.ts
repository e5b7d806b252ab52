import { defineMatrixSuite } from './matrix/suite.ts';

defineMatrixSuite('street-reports');

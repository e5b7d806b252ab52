import { defineMatrixSuite } from './matrix/suite.ts';

defineMatrixSuite('service-directory');

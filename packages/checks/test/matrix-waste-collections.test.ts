import { defineMatrixSuite } from './matrix/suite.ts';

defineMatrixSuite('waste-collections');

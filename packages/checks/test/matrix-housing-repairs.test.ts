import { defineMatrixSuite } from './matrix/suite.ts';

defineMatrixSuite('housing-repairs');

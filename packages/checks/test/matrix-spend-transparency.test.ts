import { defineMatrixSuite } from './matrix/suite.ts';

defineMatrixSuite('spend-transparency');

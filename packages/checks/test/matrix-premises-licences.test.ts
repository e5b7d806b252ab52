import { defineMatrixSuite } from './matrix/suite.ts';

defineMatrixSuite('premises-licences');

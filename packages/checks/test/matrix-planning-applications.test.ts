import { defineMatrixSuite } from './matrix/suite.ts';

defineMatrixSuite('planning-applications');

import { defineMatrixSuite } from './matrix/suite.ts';

defineMatrixSuite('childrens-social-care');

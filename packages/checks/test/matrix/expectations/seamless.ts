import type { FaultId } from '@council-conform/mocks';
import type { Expectation } from '../expectation.ts';

export const SEAMLESS_EXPECTATIONS: Partial<Record<FaultId, Expectation>> = {
  'inconsistent-error-shape': {
    caughtBy: ['seamless-error-shape'],
    alsoFails: { 'open-standards-problem-json': 'the odd not-found error is not problem details either' },
  },
  'inconsistent-pagination': {
    caughtBy: ['seamless-pagination-shape'],
    alsoFails: { 'responses-match-description': 'the bare array is not the page the description declares' },
  },
};

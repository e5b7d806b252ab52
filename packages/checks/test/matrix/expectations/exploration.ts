import type { FaultId } from '@council-conform/mocks';
import type { Expectation } from '../expectation.ts';

/** Faults only generated requests reach: no fixed check sends the values they break on. */
export const EXPLORATION_EXPECTATIONS: Partial<Record<FaultId, Expectation>> = {
  'explore-500-on-boundary': { caughtBy: ['explored-from-description'] },
  'explore-accepts-invalid-parameter': { caughtBy: ['explored-from-description'] },
  'explore-stack-trace-on-wrong-type': { caughtBy: ['explored-from-description'] },
};

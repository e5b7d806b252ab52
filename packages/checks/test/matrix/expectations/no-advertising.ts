import type { FaultId } from '@council-conform/mocks';
import type { Expectation } from '../expectation.ts';

export const NO_ADVERTISING_EXPECTATIONS: Partial<Record<FaultId, Expectation>> = {};

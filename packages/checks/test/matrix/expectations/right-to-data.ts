import type { FaultId } from '@council-conform/mocks';
import type { Expectation } from '../expectation.ts';

export const RIGHT_TO_DATA_EXPECTATIONS: Partial<Record<FaultId, Expectation>> = {};

import type { FaultId } from '@council-conform/mocks';
import type { Expectation } from '../expectation.ts';

export const TRANSPARENT_EXPECTATIONS: Partial<Record<FaultId, Expectation>> = {};

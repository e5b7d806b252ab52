import type { FaultId } from '@council-conform/mocks';
import type { Expectation } from '../expectation.ts';

export const EASY_EXIT_EXPECTATIONS: Partial<Record<FaultId, Expectation>> = {};

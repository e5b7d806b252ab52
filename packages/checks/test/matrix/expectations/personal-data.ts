import type { FaultId } from '@council-conform/mocks';
import type { Expectation } from '../expectation.ts';

export const PERSONAL_DATA_EXPECTATIONS: Partial<Record<FaultId, Expectation>> = {
  'personal-endpoint-open': { caughtBy: ['personal-data-requires-token', 'personal-data-rejects-bad-token'] },
  'personal-bad-token-accepted': { caughtBy: ['personal-data-rejects-bad-token'] },
  'cross-tenant-readable': { caughtBy: ['personal-data-tenant-isolation'] },
  'personal-data-in-public-response': { caughtBy: ['personal-data-not-in-public'] },
  'personal-query-parameter': { caughtBy: ['personal-data-not-in-urls'] },
};

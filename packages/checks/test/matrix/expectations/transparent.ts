import type { FaultId } from '@council-conform/mocks';
import type { Expectation } from '../expectation.ts';

export const TRANSPARENT_EXPECTATIONS: Partial<Record<FaultId, Expectation>> = {
  // It drops x-changelog too, but responses still name their version, which satisfies the changelog check.
  'non-semantic-version': { caughtBy: ['transparent-semantic-version'] },
  'no-changelog': { caughtBy: ['transparent-changelog'] },
  'deprecated-without-sunset': { caughtBy: ['transparent-deprecation-announced'] },
  // Headers that are present but hold no date a client can read are as good as absent.
  'deprecation-not-dated': { caughtBy: ['transparent-deprecation-announced'] },
};

import type { FaultId } from '@council-conform/mocks';
import type { Expectation } from '../expectation.ts';

export const NO_ADVERTISING_EXPECTATIONS: Partial<Record<FaultId, Expectation>> = {
  'advert-markup': {
    caughtBy: ['no-advertising-trackers'],
    alsoFails: {
      'right-to-data-export-fidelity':
        'the markup is added to API responses only, so the export differs from them',
    },
  },
};

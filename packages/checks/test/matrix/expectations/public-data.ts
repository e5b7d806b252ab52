import type { FaultId } from '@council-conform/mocks';
import type { Expectation } from '../expectation.ts';

export const PUBLIC_DATA_EXPECTATIONS: Partial<Record<FaultId, Expectation>> = {
  'public-endpoint-requires-token': {
    caughtBy: ['public-data-open'],
    alsoFails: {
      'public-data-cors': 'not applicable when nothing answers anonymously',
      'public-data-licence': 'judged on anonymous answers',
    },
  },
  'public-no-cors': { caughtBy: ['public-data-cors'] },
  'no-licence': { caughtBy: ['public-data-licence'] },
};

import type { FaultId } from '@council-conform/mocks';
import type { Expectation } from '../expectation.ts';

export const PERSONAL_DATA_EXPECTATIONS: Partial<Record<FaultId, Expectation>> = {
  'personal-endpoint-open': {
    caughtBy: ['personal-data-requires-token', 'personal-data-rejects-bad-token'],
    alsoFails: {
      'secure-no-credentials-in-query':
        'an open endpoint answers whatever credentials come, in the query too',
    },
  },
  'personal-bad-token-accepted': { caughtBy: ['personal-data-rejects-bad-token'] },
  'cross-tenant-readable': { caughtBy: ['personal-data-tenant-isolation'] },
  // Only records past the other tenant's first page leak: probing its first record alone passes.
  'cross-tenant-deep-records': { caughtBy: ['personal-data-tenant-isolation'] },
  'personal-data-in-public-response': {
    caughtBy: ['personal-data-not-in-public'],
    alsoFails: {
      'right-to-data-export-fidelity': 'the API serves text the export does not carry',
      'responses-match-description':
        'where a public record has no free-text field the leak arrives in an undocumented field',
      'responses-match-reference': 'the undocumented field is not in the reference schema either',
    },
  },
  'personal-query-parameter': { caughtBy: ['personal-data-not-in-urls'] },
};

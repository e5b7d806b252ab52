import type { FaultId } from '@council-conform/mocks';
import type { Expectation } from '../expectation.ts';

export const OPEN_API_EXPECTATIONS: Partial<Record<FaultId, Expectation>> = {
  'description-missing': {
    caughtBy: [
      'description-discoverable',
      'description-valid',
      'description-covers-profile',
      'responses-match-description',
    ],
    alsoFails: { 'personal-data-not-in-urls': 'with no description there are no parameters to vouch for' },
  },
  'description-not-openapi': {
    caughtBy: ['description-discoverable'],
    alsoFails: {
      'description-valid': 'nothing to validate',
      'description-covers-profile': 'nothing to compare',
      'responses-match-description': 'nothing to compare',
      'personal-data-not-in-urls': 'with no description there are no parameters to vouch for',
    },
  },
  'description-lies-about-shape': { caughtBy: ['responses-match-description'] },
  'description-missing-operations': {
    caughtBy: ['description-covers-profile'],
    alsoFails: { 'responses-match-description': 'an answered operation is not described' },
  },
  'nonstandard-field-names': {
    caughtBy: ['responses-match-reference'],
    alsoFails: { 'right-to-data-export-fidelity': 'the API renames a field the export keeps' },
  },
};

import type { FaultId } from '@council-conform/mocks';
import type { Expectation } from '../expectation.ts';

export const EASY_EXIT_EXPECTATIONS: Partial<Record<FaultId, Expectation>> = {
  'export-invalid-utf8': {
    caughtBy: ['easy-exit-open-encodings'],
    alsoFails: {
      'right-to-data-export-fidelity': 'mis-encoded characters no longer equal the API’s text',
      'right-to-data-records-valid': 'mis-encoded characters break the schemas’ text patterns',
    },
  },
  'export-csv-broken-quoting': {
    caughtBy: ['easy-exit-open-encodings'],
    alsoFails: {
      'right-to-data-export-fidelity':
        'cells shift where quoting breaks, so a row’s values no longer line up with the API’s',
      'right-to-data-export-complete': 'a shifted row can carry another cell where its id belongs',
    },
  },
  'export-ddmmyyyy-dates': {
    caughtBy: ['easy-exit-open-encodings', 'easy-exit-round-trip'],
    alsoFails: {
      'right-to-data-records-valid': 'dd/mm/yyyy dates break the reference schemas',
      'right-to-data-export-fidelity': 'the dates no longer equal the API’s',
    },
  },
  // A vendor-only export cannot be carried to another system at all; a cut file loses its last records.
  'export-proprietary-format-only': { caughtBy: ['easy-exit-round-trip'] },
  'export-truncated-file': {
    caughtBy: [],
    alsoFails: { 'easy-exit-round-trip': 'the cut-off line is rejected by the import' },
  },
};

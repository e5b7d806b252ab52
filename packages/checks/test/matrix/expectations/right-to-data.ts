import type { FaultId } from '@council-conform/mocks';
import type { Expectation } from '../expectation.ts';

export const RIGHT_TO_DATA_EXPECTATIONS: Partial<Record<FaultId, Expectation>> = {
  'export-payment-required': { caughtBy: ['right-to-data-export-free'] },
  'export-contact-sales': { caughtBy: ['right-to-data-export-free'] },
  'export-never-finishes': { caughtBy: ['right-to-data-export-completes'] },
  'export-proprietary-format-only': {
    caughtBy: ['right-to-data-export-formats'],
    alsoFails: {
      'easy-exit-open-encodings': 'a vendor format is also a proprietary encoding',
      'right-to-data-manifest-integrity': 'a vendor file has no records to count',
    },
  },
  'export-manifest-count-lies': { caughtBy: ['right-to-data-manifest-integrity'] },
  'export-manifest-checksum-lies': { caughtBy: ['right-to-data-manifest-integrity'] },
  'export-truncated-file': {
    caughtBy: ['right-to-data-manifest-integrity', 'right-to-data-records-valid'],
    alsoFails: {
      'right-to-data-export-complete': 'the cut-off records are missing',
      'easy-exit-open-encodings': 'a cut can split a UTF-8 character',
    },
  },
  'export-omits-records': { caughtBy: ['right-to-data-export-complete'] },
  'export-extra-records': { caughtBy: ['right-to-data-export-complete'] },
  'export-stale-snapshot': { caughtBy: ['right-to-data-export-fidelity'] },
  // Only the CSV lies, and its manifest entry describes the CSV as written: every format is compared.
  'export-csv-omits-records': {
    caughtBy: ['right-to-data-export-complete', 'right-to-data-export-fidelity'],
  },
};

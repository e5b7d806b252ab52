import type { FaultId } from '@council-conform/mocks';
import type { Expectation } from '../expectation.ts';

const EXPORT_DIFFERS = 'the export keeps the right values, so it no longer matches what the API sends';
const BREAKS_REFERENCE_SCHEMA = 'the reference schemas declare the format or pattern the values break';

export const OPEN_STANDARDS_EXPECTATIONS: Partial<Record<FaultId, Expectation>> = {
  'dates-ddmmyyyy': {
    caughtBy: ['open-standards-rfc3339-dates'],
    alsoFails: {
      'responses-match-reference': BREAKS_REFERENCE_SCHEMA,
      'responses-match-description': 'the supplier’s description declares the same date formats',
      'right-to-data-export-fidelity': EXPORT_DIFFERS,
    },
  },
  'uprn-with-spaces': {
    caughtBy: ['open-standards-address-identifiers'],
    alsoFails: {
      'responses-match-reference': BREAKS_REFERENCE_SCHEMA,
      'responses-match-description': 'the supplier’s description declares the same UPRN pattern',
      'right-to-data-export-fidelity': EXPORT_DIFFERS,
    },
  },
  'invalid-gss-code': {
    caughtBy: ['open-standards-gss-codes'],
    alsoFails: {
      'responses-match-reference': BREAKS_REFERENCE_SCHEMA,
      'responses-match-description': 'the supplier’s description declares the same GSS pattern',
      'right-to-data-export-fidelity': EXPORT_DIFFERS,
    },
  },
  'errors-not-problem-json': { caughtBy: ['open-standards-problem-json'] },
  'html-errors-with-stack-trace': { caughtBy: ['open-standards-problem-json'] },
  'non-utf8-json': {
    caughtBy: ['open-standards-utf8'],
    alsoFails: {
      'right-to-data-export-fidelity': 'the API’s text no longer decodes to what the export holds',
    },
  },
  'pagination-loops': { caughtBy: ['open-standards-pagination'] },
  'pagination-breaks-midway': { caughtBy: ['open-standards-pagination'] },
};

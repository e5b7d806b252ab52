import type { FaultId } from '@council-conform/mocks';
import type { Expectation } from '../expectation.ts';

/**
 * The sandbox write workflow's faults (issue 23), one per clause it judges. Each acts only on records the
 * API writes, which the workflow's checks create after every other check has read the datasets. Faults of
 * other clauses that reach a record just written as they reach every other are named with why: the
 * workflow's checks see them too, on the new record.
 */
export const WRITE_WORKFLOW_EXPECTATIONS: Partial<Record<FaultId, Expectation>> = {
  'write-create-drops-field': { caughtBy: ['open-api-write-workflow'] },
  // Where the profile has no update (housing repairs, planning) the fault leaves out the new record itself.
  'write-update-not-exported': { caughtBy: ['right-to-data-writes-exported'] },
  // Proven where a personal dataset is written (housing repairs, planning); street reports are public.
  'write-readable-by-other-tenant': { caughtBy: ['personal-data-writes-isolated'] },
  'advert-markup': {
    caughtBy: [],
    alsoFails: {
      'open-api-write-workflow':
        'the markup lands in the new record’s text, which no longer reads back as sent',
    },
  },
  'personal-data-in-public-response': {
    caughtBy: [],
    alsoFails: {
      'open-api-write-workflow':
        'the leaked text lands in the new record’s free text, which no longer reads back as sent',
    },
  },
  'dates-ddmmyyyy': {
    caughtBy: [],
    alsoFails: {
      'open-api-write-workflow':
        'the new record’s dates read back dd/mm/yyyy: not as sent, and not valid against its schema',
    },
  },
  'non-utf8-json': {
    caughtBy: [],
    alsoFails: { 'open-api-write-workflow': 'the new record’s text reads back mis-encoded, not as sent' },
  },
  'uprn-with-spaces': {
    caughtBy: [],
    alsoFails: {
      'open-api-write-workflow': 'the new record’s UPRN reads back with spaces, not valid against its schema',
    },
  },
  'nonstandard-field-names': {
    caughtBy: [],
    alsoFails: {
      'open-api-write-workflow':
        'the new record reads back under the supplier’s field names, not valid against its schema',
    },
  },
  'pagination-breaks-midway': {
    caughtBy: [],
    alsoFails: {
      'open-api-write-workflow':
        'the new record is listed past the page where the list breaks, so the list step cannot find it',
    },
  },
  'cross-tenant-readable': {
    caughtBy: [],
    alsoFails: {
      'personal-data-writes-isolated':
        'a record just written is readable with the other tenant’s token, like every other',
    },
  },
  'export-truncated-file': {
    caughtBy: [],
    alsoFails: {
      'right-to-data-writes-exported':
        'the record just written is the last in its file, the one the cut falls in',
    },
  },
  'export-ddmmyyyy-dates': {
    caughtBy: [],
    alsoFails: {
      'right-to-data-writes-exported':
        'the dates just written come out of the export dd/mm/yyyy, not as written',
    },
  },
};

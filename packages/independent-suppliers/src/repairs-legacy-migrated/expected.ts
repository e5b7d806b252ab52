import type { ExpectedVerdict } from '../supplier.ts';

/**
 * What Council Conform must say of repairs-legacy-migrated, written from the specs before the supplier was
 * first run. Its first pages are conformant; the records migrated from the old system sit at the end of the
 * tenancies, repair_requests and work_orders lists (ids LEG-nnnnnn), and that is where it lies.
 * (After the first runs its description was made to document Classic's formats, as a supplier's description
 * says what the API does: the lie is against the reference, which responses-match-reference judges; the
 * expected verdict is unchanged.)
 */
export const expected: ExpectedVerdict = {
  clauses: {
    'open-api': {
      status: 'fail',
      why: 'migrated records (list position 201 onwards) break the reference schemas: statuses outside the enums, a priority without required_completion_at, dd/mm/yyyy in date and date-time fields; and a repair raised through the API keeps only the fields HomeFix Classic had, silently dropping location_of_repair and the rest of RaiseRepair',
    },
    'public-data': {
      status: 'pass',
      why: 'properties are open, with CORS * and the OGL licence link',
    },
    'personal-data': {
      status: 'fail',
      why: 'a migrated record of one tenant (LEG-… at the end of its lists) is read by id with the other tenant’s token: 200 instead of 403/404',
    },
    'no-advertising': {
      status: 'pass',
      why: 'nothing of advertising or tracking in records or description',
    },
    'right-to-data': {
      status: 'fail',
      why: 'the CSV files silently leave out migrated records whose free text holds a line break or a double quote and carry a stale status and modified_at from a nightly reporting copy, while the NDJSON files and the manifest are honest; the NDJSON carries the API’s invalid migrated records',
    },
    'easy-exit': {
      status: 'fail',
      why: 'export files carry dd/mm/yyyy dates, and the migrated records the reference server’s import rejects (or reads back changed) do not survive the round trip',
    },
    secure: {
      status: 'pass',
      why: 'https only with HSTS, tokens only in the Authorization header, writes refused without a token, 429 with Retry-After under a burst, no internals in errors',
    },
    seamless: {
      status: 'pass',
      why: 'one problem+json error shape; cursor pages {items, next} with Link rel="next"',
    },
    transparent: {
      status: 'pass',
      why: 'semantic info.version and a linked changelog; nothing deprecated',
    },
    'open-standards': {
      status: 'fail',
      why: 'migrated records carry day-first dates (14/03/2019) in fields the reference declares as RFC 3339 dates and date-times',
    },
  },
  level: 'none',
  certifiable: false,
  failingChecks: {
    'personal-data-tenant-isolation':
      'baseline §6: 403/404 when "the record belongs to another tenant"; the second tenant’s migrated records (end of its lists) are read by the first tenant’s token with 200',
    'responses-match-reference':
      'migrated records past position 200 do not validate against RepairRequest, WorkOrder and Tenancy (enum, required and date formats)',
    'open-standards-rfc3339-dates':
      'baseline §5: dates are RFC 3339, never dd/mm/yyyy; migrated records carry 14/03/2019-style values in date and date-time fields',
    'right-to-data-records-valid':
      'the NDJSON export holds the same invalid migrated records as the API, and every exported record must be valid against its reference schema',
    'right-to-data-export-complete':
      'baseline §11: every dataset in full in each format; the CSV files silently leave out migrated records whose text holds a line break or a double quote (the manifest counts the rows actually written)',
    'right-to-data-export-fidelity':
      'exported values must equal the API’s; the CSV files are written from a nightly reporting copy, so records changed since carry a stale status and modified_at',
    'easy-exit-open-encodings':
      'export files must hold no dd/mm/yyyy value; the migrated records carry them in NDJSON and CSV alike',
    // Added with the sandbox write workflow (issue 23), after this supplier was written: the check is new,
    // the behaviour is not (raiseRepair has always stored only Classic's fields).
    'open-api-write-workflow':
      'RaiseRepair’s location_of_repair (and its channel, reporter, work elements and access information) are sent, answered 201 and never stored: RepairRequest has the field, so a read back must carry what was sent',
    'easy-exit-round-trip':
      'records invalid against the reference are rejected by the reference server’s import, so the export does not move to another system intact',
  },
};

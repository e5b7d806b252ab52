import type { IndependentSupplier } from '../supplier.ts';
import { expected } from './expected.ts';
import { startHomeFix } from './server.ts';

export const repairsLegacyMigrated: IndependentSupplier = {
  id: 'repairs-legacy-migrated',
  profile: 'housing-repairs',
  kind: 'liar',
  story:
    'HomeFix Cloud is the rewrite of HomeFix Classic, and says it meets the housing-repairs profile. Its own records are right, so its first pages look conformant. The records migrated from Classic (LEG-nnnnnn) sit at the end of the tenancies, repair-requests and work-orders lists: one in three kept Classic’s day-first dates and upper-case statuses, the migration’s cross-reference answers a LEG- id for any council that asks, and the CSV export is written from a month-old reporting copy by a writer that skips rows with a quote or a line break, while the NDJSON export and the manifest are true to their files.',
  features: [],
  expected,
  start: startHomeFix,
};

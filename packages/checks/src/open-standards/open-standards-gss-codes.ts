import type { Check } from '@council-conform/runner';
import { checkIdentifiers, IDENTIFIERS } from '../support/identifiers.ts';
import { SAMPLE_WORDS } from '../support/listing.ts';

export const openStandardsGssCodes: Check = {
  id: 'open-standards-gss-codes',
  clause: 'open-standards',
  severity: 'must',
  title: 'Area codes are ONS GSS codes',
  description:
    'Checks every value of a field the reference types as a GSS code (the baseline’s GssCode schema) in the sampled records of every dataset (first, last and seeded random pages): a country letter and eight digits, such as E09000012. Local abbreviations for areas cannot be joined to national statistics or boundaries. Not applicable when no record carries one.',
  sampling: `Records of ${SAMPLE_WORDS}.`,
  run: (ctx) =>
    checkIdentifiers(ctx, [IDENTIFIERS.GssCode], 'use the ONS GSS code of the area, such as E09000012'),
};

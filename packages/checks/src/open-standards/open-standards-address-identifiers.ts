import type { Check } from '@council-conform/runner';
import { checkIdentifiers, IDENTIFIERS } from '../support/identifiers.ts';
import { SAMPLE_WORDS } from '../support/listing.ts';

export const openStandardsAddressIdentifiers: Check = {
  id: 'open-standards-address-identifiers',
  clause: 'open-standards',
  severity: 'must',
  title: 'UPRNs, USRNs and postcodes are well formed',
  description:
    'Checks every value of a field the reference types as a UPRN, USRN or postcode (the baseline’s Uprn, Usrn and Postcode schemas) in the sampled records of every dataset (first, last and seeded random pages): digits only with no spaces or leading zero for UPRN and USRN, the canonical upper-case form with one space for postcodes. These are the government’s open standards for identifying property and streets; a formatted UPRN does not join to AddressBase. Not applicable when no record carries one.',
  sampling: `Records of ${SAMPLE_WORDS}.`,
  run: (ctx) =>
    checkIdentifiers(
      ctx,
      [IDENTIFIERS.Uprn, IDENTIFIERS.Usrn, IDENTIFIERS.Postcode],
      'send UPRNs and USRNs as plain digit strings and postcodes as "E8 1EA"',
    ),
};

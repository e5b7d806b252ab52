import type { Check } from '@council-conform/runner';
import { openStandardsAddressIdentifiers } from './open-standards-address-identifiers.ts';
import { openStandardsGssCodes } from './open-standards-gss-codes.ts';
import { openStandardsPagination } from './open-standards-pagination.ts';
import { openStandardsProblemJson } from './open-standards-problem-json.ts';
import { openStandardsRfc3339Dates } from './open-standards-rfc3339-dates.ts';
import { openStandardsUtf8 } from './open-standards-utf8.ts';

export const OPEN_STANDARDS_CHECKS: readonly Check[] = [
  openStandardsRfc3339Dates,
  openStandardsAddressIdentifiers,
  openStandardsGssCodes,
  openStandardsProblemJson,
  openStandardsUtf8,
  openStandardsPagination,
];

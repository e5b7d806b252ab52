import type { Check } from '@council-conform/runner';
import { personalDataNotInPublic } from './personal-data-not-in-public.ts';
import { personalDataNotInUrls } from './personal-data-not-in-urls.ts';
import { personalDataRejectsBadToken } from './personal-data-rejects-bad-token.ts';
import { personalDataRequiresToken } from './personal-data-requires-token.ts';
import { personalDataTenantIsolation } from './personal-data-tenant-isolation.ts';
import { personalDataWritesIsolated } from './personal-data-writes-isolated.ts';

export const PERSONAL_DATA_CHECKS: readonly Check[] = [
  personalDataRequiresToken,
  personalDataRejectsBadToken,
  personalDataTenantIsolation,
  personalDataNotInPublic,
  personalDataNotInUrls,
  personalDataWritesIsolated,
];

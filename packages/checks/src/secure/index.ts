import type { Check } from '@council-conform/runner';
import { secureBurstRateLimited } from './secure-burst-rate-limited.ts';
import { secureHsts } from './secure-hsts.ts';
import { secureNoCredentialsInQuery } from './secure-no-credentials-in-query.ts';
import { secureNoInternalsInErrors } from './secure-no-internals-in-errors.ts';
import { secureTlsEnforced } from './secure-tls-enforced.ts';
import { secureTlsVersion } from './secure-tls-version.ts';
import { secureWritesNeedToken } from './secure-writes-need-token.ts';

export const SECURE_CHECKS: readonly Check[] = [
  secureTlsEnforced,
  secureTlsVersion,
  secureHsts,
  secureNoCredentialsInQuery,
  secureNoInternalsInErrors,
  secureWritesNeedToken,
  // Last: the burst may leave the API limiting this client for a moment.
  secureBurstRateLimited,
];

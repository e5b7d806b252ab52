import type { FaultId } from '@council-conform/mocks';
import type { Expectation } from '../expectation.ts';

/**
 * The three transport faults are proven over HTTPS in test/secure-tls.test.ts; in the http matrix their
 * checks are not-applicable (loopback plain http), so the matrix skips them.
 */
export const SECURE_EXPECTATIONS: Partial<Record<FaultId, Expectation>> = {
  'http-without-tls-redirect': { caughtBy: ['secure-tls-enforced'] },
  'tls-legacy-versions': { caughtBy: ['secure-tls-version'] },
  'no-hsts': { caughtBy: ['secure-hsts'] },
  'credentials-in-query-accepted': { caughtBy: ['secure-no-credentials-in-query'] },
  'html-errors-with-stack-trace': { caughtBy: ['secure-no-internals-in-errors'] },
  'write-without-token': { caughtBy: ['secure-writes-need-token'] },
  'no-rate-limit': { caughtBy: ['secure-burst-rate-limited'] },
};

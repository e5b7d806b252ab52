import type { IndependentSupplier } from '../supplier.ts';
import { DIRECTORY_HUB_EXPECTED } from './expected.ts';
import { startDirectoryHub } from './server.ts';

export const directoryHub: IndependentSupplier = {
  id: 'directory-hub',
  profile: 'service-directory',
  kind: 'honest',
  story:
    'DirectoryHub is a community-interest company’s family hub and local offer directory, used by several councils, that publishes Open Referral UK. It keeps records in its own shape, as flat rows of path-keyed cells with compact upper-case hex identifiers for its search index, and rebuilds ORUK records (lower-case UUIDs, nesting, order) on the way out. Its lists are ORUK page envelopes with integer page numbers and absolute first/last/prev/next links; its token endpoint accepts client_secret_basic and client_secret_post; its export is a queued job that takes four polls, each telling the client to come back with Retry-After, and whose manifest gives absolute file, schema and description URLs; anonymous callers have a sliding window of 30 requests in 2 seconds. Everything it holds is public, including organisations’ and services’ enquiry mailboxes and phone lines, which the spec marks public on purpose; there is no personal dataset, so tenant isolation has nothing to judge.',
  features: [],
  expected: DIRECTORY_HUB_EXPECTED,
  start: startDirectoryHub,
};

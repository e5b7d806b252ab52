import { CheckRegistry } from '@council-conform/runner';
import { EASY_EXIT_CHECKS } from './easy-exit/index.ts';
import { NO_ADVERTISING_CHECKS } from './no-advertising/index.ts';
import { OPEN_API_CHECKS } from './open-api/index.ts';
import { OPEN_STANDARDS_CHECKS } from './open-standards/index.ts';
import { PERSONAL_DATA_CHECKS } from './personal-data/index.ts';
import { PUBLIC_DATA_CHECKS } from './public-data/index.ts';
import { RIGHT_TO_DATA_CHECKS } from './right-to-data/index.ts';
import { SEAMLESS_CHECKS } from './seamless/index.ts';
import { SECURE_CHECKS } from './secure/index.ts';
import { TRANSPARENT_CHECKS } from './transparent/index.ts';

const EXHAUSTS_RATE_LIMIT = new Set(['secure-burst-rate-limited']);

/**
 * Every check, registered once, in checklist clause order. Docs, presets and the fault matrix are generated
 * from this registry; a check exists when it is here. Each clause's folder lists its own checks.
 */
export const CHECK_REGISTRY = new CheckRegistry().register(
  ...OPEN_API_CHECKS,
  ...PUBLIC_DATA_CHECKS,
  ...PERSONAL_DATA_CHECKS,
  ...NO_ADVERTISING_CHECKS,
  ...RIGHT_TO_DATA_CHECKS,
  ...EASY_EXIT_CHECKS,
  ...SECURE_CHECKS,
  ...SEAMLESS_CHECKS,
  ...TRANSPARENT_CHECKS,
  ...OPEN_STANDARDS_CHECKS,
);

/**
 * Checks of the sandbox write workflow: they add records, so they follow every check that reads the
 * datasets (whose memoised lists and export would otherwise miss them and disagree with later reads).
 */
const WRITES_RECORDS = new Set([
  'open-api-write-workflow',
  'right-to-data-writes-exported',
  'personal-data-writes-isolated',
]);

/**
 * Exploration sends a couple of hundred generated requests: against a supplier that limits its clients'
 * rate, that may use up what the fixed checks need (an independent supplier's anonymous limit once answered
 * public-data-open with 429s after exploration had run), so it follows every fixed check.
 */
const SENDS_MANY_REQUESTS = new Set(['explored-from-description']);

/**
 * The order a run takes them in: clause order, except that the write workflow's checks come after every
 * read, exploration after every fixed check, and checks which exhaust the supplier's rate limit on purpose
 * (a burst) go last, so no other check has to wait out the Retry-After they provoke.
 */
const LATER = [WRITES_RECORDS, SENDS_MANY_REQUESTS, EXHAUSTS_RATE_LIMIT];
export const CHECKS = [
  ...CHECK_REGISTRY.all().filter((check) => LATER.every((group) => !group.has(check.id))),
  ...LATER.flatMap((group) => CHECK_REGISTRY.all().filter((check) => group.has(check.id))),
];

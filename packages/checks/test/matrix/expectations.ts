import type { FaultId } from '@council-conform/mocks';
import type { Expectation } from './expectation.ts';
import { EASY_EXIT_EXPECTATIONS } from './expectations/easy-exit.ts';
import { EXPLORATION_EXPECTATIONS } from './expectations/exploration.ts';
import { NO_ADVERTISING_EXPECTATIONS } from './expectations/no-advertising.ts';
import { OPEN_API_EXPECTATIONS } from './expectations/open-api.ts';
import { OPEN_STANDARDS_EXPECTATIONS } from './expectations/open-standards.ts';
import { PERSONAL_DATA_EXPECTATIONS } from './expectations/personal-data.ts';
import { PUBLIC_DATA_EXPECTATIONS } from './expectations/public-data.ts';
import { RIGHT_TO_DATA_EXPECTATIONS } from './expectations/right-to-data.ts';
import { SEAMLESS_EXPECTATIONS } from './expectations/seamless.ts';
import { SECURE_EXPECTATIONS } from './expectations/secure.ts';
import { TRANSPARENT_EXPECTATIONS } from './expectations/transparent.ts';
import { WRITE_WORKFLOW_EXPECTATIONS } from './expectations/write-workflows.ts';

export type { Expectation } from './expectation.ts';

/**
 * Every clause's expectations, merged; each clause keeps its own file. One fault can break two clauses (an
 * HTML error page with a stack trace is neither RFC 9457 nor discreet): their entries are joined, not
 * overwritten, so each clause's checks must catch it.
 */
export const EXPECTATIONS: Partial<Record<FaultId, Expectation>> = mergeExpectations(
  OPEN_API_EXPECTATIONS,
  PUBLIC_DATA_EXPECTATIONS,
  PERSONAL_DATA_EXPECTATIONS,
  NO_ADVERTISING_EXPECTATIONS,
  SECURE_EXPECTATIONS,
  TRANSPARENT_EXPECTATIONS,
  OPEN_STANDARDS_EXPECTATIONS,
  SEAMLESS_EXPECTATIONS,
  RIGHT_TO_DATA_EXPECTATIONS,
  EASY_EXIT_EXPECTATIONS,
  WRITE_WORKFLOW_EXPECTATIONS,
  EXPLORATION_EXPECTATIONS,
);

function mergeExpectations(
  ...sets: readonly Partial<Record<FaultId, Expectation>>[]
): Partial<Record<FaultId, Expectation>> {
  const out: Partial<Record<FaultId, Expectation>> = {};
  for (const set of sets) {
    for (const [fault, expectation] of Object.entries(set) as [FaultId, Expectation][]) {
      const before = out[fault];
      out[fault] = before
        ? {
            caughtBy: [...new Set([...before.caughtBy, ...expectation.caughtBy])],
            alsoFails: { ...before.alsoFails, ...expectation.alsoFails },
          }
        : expectation;
    }
  }
  return out;
}

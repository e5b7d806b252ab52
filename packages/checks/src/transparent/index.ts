import type { Check } from '@council-conform/runner';
import { transparentChangelog } from './transparent-changelog.ts';
import { transparentDeprecationAnnounced } from './transparent-deprecation-announced.ts';
import { transparentSemanticVersion } from './transparent-semantic-version.ts';

export const TRANSPARENT_CHECKS: readonly Check[] = [
  transparentSemanticVersion,
  transparentChangelog,
  transparentDeprecationAnnounced,
];

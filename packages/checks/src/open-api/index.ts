import type { Check } from '@council-conform/runner';
import { descriptionCoversProfile } from './description-covers-profile.ts';
import { descriptionDiscoverable } from './description-discoverable.ts';
import { descriptionValid } from './description-valid.ts';
import { responsesMatchDescription } from './responses-match-description.ts';
import { responsesMatchReference } from './responses-match-reference.ts';

export const OPEN_API_CHECKS: readonly Check[] = [
  descriptionDiscoverable,
  descriptionValid,
  descriptionCoversProfile,
  responsesMatchReference,
  responsesMatchDescription,
];

import type { Check } from '@council-conform/runner';
import { descriptionCoversProfile } from './description-covers-profile.ts';
import { descriptionDiscoverable } from './description-discoverable.ts';
import { descriptionLintsClean } from './description-lints-clean.ts';
import { descriptionValid } from './description-valid.ts';
import { exploredFromDescription } from './explored-from-description.ts';
import { openApiWriteWorkflow } from './open-api-write-workflow.ts';
import { optionalOperationsHonest } from './optional-operations-honest.ts';
import { responsesMatchDescription } from './responses-match-description.ts';
import { responsesMatchReference } from './responses-match-reference.ts';

export const OPEN_API_CHECKS: readonly Check[] = [
  descriptionDiscoverable,
  descriptionValid,
  descriptionLintsClean,
  descriptionCoversProfile,
  optionalOperationsHonest,
  responsesMatchReference,
  responsesMatchDescription,
  openApiWriteWorkflow,
  exploredFromDescription,
];

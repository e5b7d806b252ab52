import type { Check } from '@council-conform/runner';

export const TRANSPARENT_CHECKS: readonly Check[] = [];

import type { Check } from '@council-conform/runner';

export const EASY_EXIT_CHECKS: readonly Check[] = [];

import type { Check } from '@council-conform/runner';

export const RIGHT_TO_DATA_CHECKS: readonly Check[] = [];

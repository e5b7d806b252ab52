import type { Check } from '@council-conform/runner';

export const NO_ADVERTISING_CHECKS: readonly Check[] = [];

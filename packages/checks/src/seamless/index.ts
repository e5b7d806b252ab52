import type { Check } from '@council-conform/runner';

export const SEAMLESS_CHECKS: readonly Check[] = [];

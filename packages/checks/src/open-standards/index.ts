import type { Check } from '@council-conform/runner';

export const OPEN_STANDARDS_CHECKS: readonly Check[] = [];

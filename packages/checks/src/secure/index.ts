import type { Check } from '@council-conform/runner';

export const SECURE_CHECKS: readonly Check[] = [];

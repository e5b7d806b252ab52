import type { Check } from '@council-conform/runner';
import { noAdvertisingTrackers } from './no-advertising-trackers.ts';

export const NO_ADVERTISING_CHECKS: readonly Check[] = [noAdvertisingTrackers];

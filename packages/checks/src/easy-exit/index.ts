import type { Check } from '@council-conform/runner';
import { easyExitOpenEncodings } from './easy-exit-open-encodings.ts';
import { easyExitRoundTrip } from './easy-exit-round-trip.ts';

export const EASY_EXIT_CHECKS: readonly Check[] = [easyExitOpenEncodings, easyExitRoundTrip];

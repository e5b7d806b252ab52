import type { Check } from '@council-conform/runner';
import { publicDataCors } from './public-data-cors.ts';
import { publicDataLicence } from './public-data-licence.ts';
import { publicDataOpen } from './public-data-open.ts';

export const PUBLIC_DATA_CHECKS: readonly Check[] = [publicDataOpen, publicDataCors, publicDataLicence];

import type { Check } from '@council-conform/runner';
import { rightToDataExportComplete } from './right-to-data-export-complete.ts';
import { rightToDataExportCompletes } from './right-to-data-export-completes.ts';
import { rightToDataExportFidelity } from './right-to-data-export-fidelity.ts';
import { rightToDataExportFormats } from './right-to-data-export-formats.ts';
import { rightToDataExportFree } from './right-to-data-export-free.ts';
import { rightToDataManifestIntegrity } from './right-to-data-manifest-integrity.ts';
import { rightToDataRecordsValid } from './right-to-data-records-valid.ts';
import { rightToDataWritesExported } from './right-to-data-writes-exported.ts';

export const RIGHT_TO_DATA_CHECKS: readonly Check[] = [
  rightToDataExportFree,
  rightToDataExportCompletes,
  rightToDataExportFormats,
  rightToDataManifestIntegrity,
  rightToDataRecordsValid,
  rightToDataExportComplete,
  rightToDataExportFidelity,
  rightToDataWritesExported,
];

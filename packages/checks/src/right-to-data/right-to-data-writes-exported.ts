import type { Check } from '@council-conform/runner';
import { judgeWriteSteps } from '../support/write-workflow.ts';

export const rightToDataWritesExported: Check = {
  id: 'right-to-data-writes-exported',
  clause: 'right-to-data',
  severity: 'must',
  title: 'What was just written, and its update, is in a fresh export',
  description:
    'In sandbox mode, after the write workflow has created (and, where the profile has one, updated) a record of each writable dataset, starts a fresh export and finds the record and its update in the NDJSON files, holding the values the API reads back. An export that lags behind the API’s writes, or leaves out updates, does not give the council its data.',
  modes: ['sandbox'],
  sampling:
    'The records the write workflow wrote, looked for by id in one fresh export’s NDJSON files of their datasets.',
  run: (ctx) =>
    judgeWriteSteps(ctx, 'right-to-data', {
      pass: 'a fresh export holds what was just written',
      fail: 'a fresh export does not hold what was just written',
    }),
};

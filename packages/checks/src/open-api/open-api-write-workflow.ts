import type { Check } from '@council-conform/runner';
import { judgeWriteSteps } from '../support/write-workflow.ts';

export const openApiWriteWorkflow: Check = {
  id: 'open-api-write-workflow',
  clause: 'open-api',
  severity: 'must',
  title: 'The writes the profile requires work, and what is written can be read back and listed',
  description:
    'In sandbox mode, for every dataset whose profile lists writes: creates a record with a body generated from the request schema (ids of records it must name taken from their lists, a free-text field tagged conform-run:<seed>), reads it back by id (the fields sent must come back as sent, and the record must be valid against its schema), finds it in the list (narrowed by the profile’s filter where it has one), updates it where the profile has an update the supplier offers and reads the update back, and removes it where the profile has a delete or close. Each step is evidence and a failure names its step. The clause asks for “full ability to send data to” the API: a create that loses a field, or a record that cannot be found again, is not that.',
  modes: ['sandbox'],
  sampling:
    'One record created per writable dataset (and one update where the profile has one), with a body generated from the schema and seeded by the run’s seed.',
  run: (ctx) =>
    judgeWriteSteps(ctx, 'open-api', {
      pass: 'every required write worked and what was written came back as sent',
      fail: 'a required write does not work as the profile requires',
    }),
};

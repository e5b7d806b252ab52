import type { Check } from '@council-conform/runner';
import { judgeWriteSteps } from '../support/write-workflow.ts';

export const personalDataWritesIsolated: Check = {
  id: 'personal-data-writes-isolated',
  clause: 'personal-data',
  severity: 'must',
  title: 'Another council cannot read, change or export a record this council has just written',
  description:
    'In sandbox mode, with a second tenant’s credentials: reads each personal record the write workflow created as the second tenant (the API must answer 403 or 404), sends the profile’s update of it as the second tenant (it must be refused), and starts the second tenant’s own export, which must not hold it. A new record is where a tenant check is easiest to forget: written after the filters that guard the fixtures were set up.',
  modes: ['sandbox'],
  sampling: 'The personal records the write workflow wrote, one per writable personal dataset.',
  run: (ctx) =>
    judgeWriteSteps(ctx, 'personal-data', {
      pass: 'the second tenant could not read, change or export what the first wrote',
      fail: 'a second tenant can reach a record the first has just written',
    }),
};

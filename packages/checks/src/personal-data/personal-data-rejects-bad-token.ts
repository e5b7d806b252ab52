import type { Check } from '@council-conform/runner';
import { judge, judged, notApplicable } from '../support/outcomes.ts';
import { probePersonalReads } from './personal-data-requires-token.ts';

export const personalDataRejectsBadToken: Check = {
  id: 'personal-data-rejects-bad-token',
  clause: 'personal-data',
  severity: 'must',
  title: 'Personal data is refused with an invalid token',
  description:
    'Reads every personal dataset with a well-formed bearer token the supplier never issued; the API must answer 401 or 403. An API that only checks that a token is present protects nothing.',
  sampling:
    'Per personal dataset: its list, its first record and the last record of its last sampled page, each read by id.',
  async run(ctx) {
    const { violations, exchangeIds, datasets } = await probePersonalReads(
      ctx,
      { bearer: 'conform-invalid-token-7f3a9c2e5b1d' },
      'with an invalid token',
    );
    if (datasets.length === 0) return notApplicable(`${ctx.reference.profile.id} has no personal datasets`);
    return judge(
      violations,
      { pass: 'invalid tokens are refused', fail: 'personal data is readable with an invalid token' },
      { exchangeIds, judged: judged(exchangeIds.length, 'reads with an invalid token') },
    );
  },
};

import type { Check } from '@council-conform/runner';
import { fail, judged, pass } from '../support/outcomes.ts';

export const descriptionDiscoverable: Check = {
  id: 'description-discoverable',
  clause: 'open-api',
  severity: 'must',
  title: 'The OpenAPI description can be found',
  description:
    'Reads /openapi.json and, failing that, follows an RFC 8631 Link rel="service-desc" from the API. A council cannot integrate with, or hold a supplier to, an API it cannot read the description of.',
  sampling: 'GET /openapi.json; failing that, the API root and the link it gives.',
  async run(ctx) {
    const found = await ctx.supplierDescription();
    if (found)
      return pass(`the description is published at ${found.url}`, {
        exchangeIds: [found.exchangeId],
        judged: judged(1, 'descriptions'),
      });
    const exchangeIds = ctx.http.exchanges
      .filter((e) => e.note?.includes('service-desc') || e.note?.includes('discover'))
      .map((e) => e.id);
    return fail(
      'no OpenAPI description at /openapi.json, and no Link rel="service-desc" pointing to one; publish the description at /openapi.json without credentials',
      { exchangeIds },
    );
  },
};

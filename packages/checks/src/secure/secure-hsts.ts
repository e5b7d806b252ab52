import { type Check, type HarnessResponse, ViolationCollector } from '@council-conform/runner';
import { judge, judged, warn } from '../support/outcomes.ts';
import { anonymousList, isPublic, notFoundProbe, topLevelDatasets } from '../support/probes.ts';
import { tlsNotJudged } from '../support/tls.ts';

const ONE_YEAR = 31_536_000;

export const secureHsts: Check = {
  id: 'secure-hsts',
  clause: 'secure',
  severity: 'must',
  title: 'https responses send Strict-Transport-Security',
  description:
    'Reads the API root, a public list and a provoked 404 over https; each must carry Strict-Transport-Security with a max-age above zero (a year or more is advised), so that clients never fall back to plain http. Against a plain http target it is not judged.',
  sampling: 'The API root, the first page of a public list and a provoked 404, over https.',
  async run(ctx) {
    const notJudged = tlsNotJudged(ctx);
    if (notJudged) return notJudged;
    const responses: HarnessResponse[] = [
      await ctx.http.request({ url: '/', note: 'read the root over https for Strict-Transport-Security' }),
    ];
    const dataset = topLevelDatasets(ctx).find(isPublic);
    const list = dataset ? await anonymousList(ctx, dataset) : undefined;
    if (list) responses.push(list);
    const notFound = await notFoundProbe(ctx);
    if (notFound) responses.push(notFound);
    const violations = new ViolationCollector();
    let shortest = Number.POSITIVE_INFINITY;
    for (const response of responses) {
      const header = response.header('strict-transport-security');
      const maxAge = header ? /(?:^|;)\s*max-age\s*=\s*"?(\d+)"?/i.exec(header)?.[1] : undefined;
      const where = { location: response.url, exchangeId: response.exchange.id };
      if (!header)
        violations.add('no Strict-Transport-Security header', {
          message: `${response.status} ${new URL(response.url).pathname} has no Strict-Transport-Security`,
          ...where,
        });
      else if (maxAge === undefined || Number(maxAge) === 0)
        violations.add('Strict-Transport-Security without a positive max-age', {
          message: `Strict-Transport-Security is "${header}"`,
          ...where,
        });
      else shortest = Math.min(shortest, Number(maxAge));
    }
    const exchangeIds = responses.map((r) => r.exchange.id);
    if (violations.isEmpty && shortest < ONE_YEAR)
      return warn(
        `Strict-Transport-Security is sent, but max-age=${shortest} is under a year; use max-age=${ONE_YEAR}`,
        { exchangeIds, judged: judged(responses.length, 'https responses') },
      );
    return judge(
      violations,
      {
        pass: `all ${responses.length} https responses read carry Strict-Transport-Security (max-age ≥ ${shortest})`,
        fail: 'https responses lack HSTS; send Strict-Transport-Security: max-age=31536000 on every response',
      },
      { exchangeIds, judged: judged(responses.length, 'https responses') },
    );
  },
};

import type { Check } from '@council-conform/runner';
import { runExport } from '../support/export.ts';
import { fail, harnessError, judged, notApplicable, pass } from '../support/outcomes.ts';
import { isPublic, topLevelDatasets } from '../support/probes.ts';

export const secureNoCredentialsInQuery: Check = {
  id: 'secure-no-credentials-in-query',
  clause: 'secure',
  severity: 'must',
  title: 'Tokens are not accepted in the query string',
  description:
    'Reads a personal list (or, in a profile without one, the export job) with a valid token given only as ?access_token= and no Authorization header; the API must not answer 200. A token in a URL lands in server, proxy and browser logs and in Referer headers, where anyone who reads them can use it (RFC 6750 §5.3).',
  sampling:
    'The first personal list (else the export job): once with the token in the query string, once in the Authorization header.',
  async run(ctx) {
    if (!ctx.config.credentials)
      return notApplicable('the run has no credentials to place in a query string');
    // A personal list, else the export job (every profile has one, and it always needs a token).
    const dataset = topLevelDatasets(ctx).find((d) => !isPublic(d));
    const listPath = dataset ? ctx.operationPath(dataset.list)?.path : undefined;
    const exportJob = listPath ? undefined : (await runExport(ctx)).start?.header('location');
    const path = listPath ?? (exportJob ? new URL(exportJob, ctx.config.targetUrl).toString() : undefined);
    const what = dataset && listPath ? dataset.id : 'the export job';
    if (!path)
      return notApplicable(
        `${ctx.reference.profile.id} has no personal list, and no export job was started, so no read here needs a token`,
      );
    const inQuery = await ctx.http.request({
      url: path,
      auth: 'primary',
      tokenIn: 'query',
      note: `read ${what} with the token only in ?access_token=`,
    });
    if (inQuery.status >= 200 && inQuery.status < 300) {
      // Only a fault of this check when it is the token that opened the door.
      const anonymous = await ctx.http.request({
        url: path,
        note: `read ${what} with no token at all, for contrast`,
      });
      if (anonymous.status >= 200 && anonymous.status < 300)
        return notApplicable(
          `not judged: ${path} answers ${anonymous.status} with no token at all, so a token in the query string cannot be told apart (see personal-data-requires-token)`,
          { exchangeIds: [inQuery.exchange.id, anonymous.exchange.id] },
        );
      return fail(
        `${path} answered ${inQuery.status} to a token given as ?access_token= with no Authorization header; accept tokens only in the Authorization header`,
        { exchangeIds: [inQuery.exchange.id, anonymous.exchange.id] },
      );
    }
    // A refusal only means something if the same read succeeds with the token where it belongs.
    const inHeader = await ctx.http.request({
      url: path,
      auth: 'primary',
      note: `read ${what} with the token in the Authorization header, for contrast`,
    });
    const exchangeIds = [inQuery.exchange.id, inHeader.exchange.id];
    if (inHeader.status !== 200)
      return harnessError(
        `could not judge: ${path} answered ${inHeader.status} even with the token in the Authorization header`,
        { exchangeIds },
      );
    return pass(
      `${path} refused a token in the query string (${inQuery.status}) and accepted it in the Authorization header`,
      { exchangeIds, judged: judged(2, 'reads') },
    );
  },
};

import {
  type Check,
  type CheckOutcome,
  HarnessError,
  type HarnessResponse,
  type RunContext,
  ViolationCollector,
} from '@council-conform/runner';
import { judge, judged } from '../support/outcomes.ts';
import { isPublic, topLevelDatasets } from '../support/probes.ts';
import { plainHttpOrigin, tlsNotJudged } from '../support/tls.ts';

/** Paths read over plain http: the root and the first list of the profile (a public one if any). */
function probePaths(ctx: RunContext): string[] {
  const datasets = topLevelDatasets(ctx);
  const dataset = datasets.find(isPublic) ?? datasets[0];
  const list = dataset ? ctx.operationPath(dataset.list)?.path : undefined;
  return ['/', ...(list ? [list] : [])];
}

/**
 * A plain-http answer is acceptable when it redirects to https or refuses: no connection, or a status that
 * serves nothing (400, 403, 404, 421, 426…). It is not when it serves (2xx), authenticates (401: the API
 * itself is listening on plain http, and a client's token has just crossed the network in clear) or
 * redirects to plain http.
 */
function plainHttpDefect(response: HarnessResponse): string | undefined {
  if (response.url.startsWith('https:')) return undefined;
  const location = response.header('location');
  if (response.status >= 300 && response.status < 400)
    return location?.startsWith('https:') ? undefined : `redirects to ${location ?? 'nowhere'}, not to https`;
  if (response.status >= 200 && response.status < 300) return `answers ${response.status} over plain http`;
  if (response.status === 401) return 'answers 401 over plain http: the API itself listens on plain http';
  return undefined;
}

export const secureTlsEnforced: Check = {
  id: 'secure-tls-enforced',
  clause: 'secure',
  severity: 'must',
  title: 'Plain http is refused or redirected to https',
  description:
    'Reads the API root and a list over plain http (port 80, or the target’s own port); each must be refused or redirected to https, never served. An API that answers plain http lets tokens and residents’ data cross the network in clear. Against a loopback http target (a mock) it is not judged.',
  sampling: 'The API root and the first list of the profile, each read once over plain http.',
  async run(ctx) {
    const target = ctx.config.targetUrl;
    if (ctx.isLoopbackHttp) return tlsNotJudged(ctx) as CheckOutcome;
    const base = target.pathname.replace(/\/$/, '');
    const origin = target.protocol === 'https:' ? plainHttpOrigin(target) : target.origin;
    const violations = new ViolationCollector();
    const exchangeIds: string[] = [];
    const refused: string[] = [];
    for (const path of probePaths(ctx)) {
      const url = `${origin}${base}${path}`;
      let response: HarnessResponse;
      try {
        response = await ctx.http.request({
          url,
          auth: 'none',
          allowOtherOrigin: true,
          note: 'read over plain http: must be refused or redirected to https',
        });
      } catch (error) {
        if (!(error instanceof HarnessError) || !['NETWORK', 'TIMEOUT'].includes(error.code)) throw error;
        if (error.exchangeId) exchangeIds.push(error.exchangeId);
        refused.push(`${path}: no plain-http answer (${error.code.toLowerCase()})`);
        // A refusal is what this check looks for: it is kept as an observation the outcome can cite.
        exchangeIds.push(
          ctx.http.observe({
            method: 'GET',
            url,
            note: 'the plain-http read above, refused',
            outcome: `refused: no plain-http answer (${error.code.toLowerCase()}): ${error.message}`,
          }).id,
        );
        continue;
      }
      exchangeIds.push(response.exchange.id);
      const defect = plainHttpDefect(response);
      if (defect)
        violations.add(defect, {
          message: `GET ${url} ${defect}`,
          location: url,
          exchangeId: response.exchange.id,
        });
    }
    return judge(
      violations,
      {
        pass:
          target.protocol === 'https:'
            ? `plain http to ${origin} is refused or redirected to https${refused.length ? ` (${refused.join('; ')})` : ''}`
            : `the plain-http target redirects to https; give the https address as the target`,
        fail: `the API serves plain http at ${origin}; redirect it to https (301 or 308) or refuse it`,
      },
      { exchangeIds, judged: judged(probePaths(ctx).length, 'plain-http reads') },
    );
  },
};

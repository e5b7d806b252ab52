import { type Check, ViolationCollector } from '@council-conform/runner';
import { isObject } from '../support/json.ts';
import { judge, notApplicable } from '../support/outcomes.ts';
import { isPublic, topLevelDatasets } from '../support/probes.ts';

function itemsOf(body: unknown): unknown[] {
  if (Array.isArray(body)) return body;
  if (isObject(body))
    return (
      Array.isArray(body.items) ? body.items : Array.isArray(body.contents) ? body.contents : []
    ) as unknown[];
  return [];
}

export const personalDataTenantIsolation: Check = {
  id: 'personal-data-tenant-isolation',
  clause: 'personal-data',
  severity: 'must',
  title: 'One council cannot read another council’s records',
  description:
    'With a second tenant’s credentials, finds a record of that tenant, then asks for it by id with the first tenant’s token: the API must answer 403 or 404. Multi-tenant SaaS that leaks across councils is a reportable data breach.',
  async run(ctx) {
    if (!ctx.config.secondTenant)
      return notApplicable(
        'no second tenant’s credentials were given (--second-token or secondTenant in the config)',
      );
    const datasets = topLevelDatasets(ctx).filter((d) => !isPublic(d));
    if (datasets.length === 0) return notApplicable(`${ctx.reference.profile.id} has no personal datasets`);
    const violations = new ViolationCollector();
    const exchangeIds: string[] = [];
    let probed = 0;
    for (const dataset of datasets) {
      const list = ctx.operationPath(dataset.list);
      const get = ctx.operationPath(dataset.get);
      if (!list || !get) continue;
      const theirs = await ctx.http.request({
        url: list.path,
        auth: 'secondary',
        note: `list ${dataset.id} as the second tenant`,
      });
      exchangeIds.push(theirs.exchange.id);
      if (theirs.status !== 200) continue;
      const mine = new Set((await ctx.crawl(dataset)).records.map((r) => String(r[dataset.idField])));
      const foreign = itemsOf(theirs.json()).find(
        (r) => isObject(r) && !mine.has(String(r[dataset.idField])),
      );
      if (!isObject(foreign)) continue;
      probed += 1;
      const url = get.path.replace(/\{[^}]+\}/, encodeURIComponent(String(foreign[dataset.idField])));
      const attempt = await ctx.http.request({
        url,
        auth: 'primary',
        note: `read the second tenant’s ${dataset.id} record as the first tenant`,
      });
      exchangeIds.push(attempt.exchange.id);
      if (attempt.status !== 403 && attempt.status !== 404) {
        violations.add(`another tenant’s record answered ${attempt.status}`, {
          message: `${dataset.id}: the first tenant’s token read a record of the second tenant (${attempt.status})`,
          location: url,
          exchangeId: attempt.exchange.id,
        });
      }
    }
    if (probed === 0)
      return notApplicable('the second tenant holds no records the first tenant does not also see', {
        exchangeIds,
      });
    return judge(
      violations,
      { pass: `${probed} datasets keep tenants apart`, fail: 'tenants can read each other’s personal data' },
      { exchangeIds },
    );
  },
};

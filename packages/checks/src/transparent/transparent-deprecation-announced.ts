import { listOperations } from '@council-conform/openapi';
import { type Check, ViolationCollector } from '@council-conform/runner';
import { harnessError, judge, notApplicable } from '../support/outcomes.ts';

/** Deprecated operations called: each is one request, so a description with hundreds stays bounded. */
const MAX_CALLS = 10;

export const transparentDeprecationAnnounced: Check = {
  id: 'transparent-deprecation-announced',
  clause: 'transparent',
  severity: 'must',
  title: 'Deprecated operations announce when they go',
  description:
    'Calls every read-only GET the supplier’s description marks deprecated and expects a Deprecation header (RFC 9745) and a Sunset header with an HTTP date (RFC 8594), so a council’s integrations learn in time that an operation is going and when.',
  async run(ctx) {
    const description = await ctx.supplierDescription();
    if (!description)
      return notApplicable('no OpenAPI description was found, so no operation is marked deprecated');
    const deprecated = listOperations(description.document).filter((op) => op.operation.deprecated === true);
    if (deprecated.length === 0)
      return notApplicable('the description marks no operation deprecated', {
        exchangeIds: [description.exchangeId],
      });
    // Only GETs that need no parameter are called: safe in read-only mode and answerable without data.
    const callable = deprecated.filter((op) => op.method === 'get' && !op.path.includes('{'));
    if (callable.length === 0) {
      return notApplicable(
        `${deprecated.length} deprecated operations, none a GET without path parameters that can be called safely`,
        { exchangeIds: [description.exchangeId] },
      );
    }
    const violations = new ViolationCollector();
    const exchangeIds = [description.exchangeId];
    let judged = 0;
    for (const op of callable.slice(0, MAX_CALLS)) {
      const label = `GET ${op.path}${op.operationId ? ` (${op.operationId})` : ''}`;
      const response = await ctx.http.request({
        url: op.path,
        auth: ctx.config.credentials ? 'primary' : 'none',
        note: `call deprecated ${label}`,
      });
      exchangeIds.push(response.exchange.id);
      // A withdrawn (410) or refused answer says nothing about how a working deprecated operation announces.
      if (response.status >= 400) continue;
      judged += 1;
      const where = { location: op.path, exchangeId: response.exchange.id };
      if (!response.header('deprecation'))
        violations.add('no Deprecation header', { message: `${label}: no Deprecation header`, ...where });
      const sunset = response.header('sunset');
      if (!sunset) violations.add('no Sunset header', { message: `${label}: no Sunset header`, ...where });
      else if (Number.isNaN(Date.parse(sunset)))
        violations.add('Sunset is not an HTTP date', {
          message: `${label}: Sunset "${sunset.slice(0, 40)}" is not an HTTP date`,
          ...where,
        });
    }
    if (judged === 0)
      return harnessError(
        `none of ${Math.min(callable.length, MAX_CALLS)} deprecated operations answered successfully, so their headers could not be judged`,
        { exchangeIds },
      );
    return judge(
      violations,
      {
        pass: `${judged} deprecated operations send Deprecation and Sunset`,
        fail: 'deprecated operations do not say when they go; send Deprecation and Sunset (and a Link to the successor)',
      },
      { exchangeIds, data: { deprecated: deprecated.length, called: judged } },
    );
  },
};

import { listOperations } from '@council-conform/openapi';
import { type Check, ViolationCollector } from '@council-conform/runner';
import { parseHttpDate, parseStructuredDate } from '../support/http-dates.ts';
import { harnessError, judge, judged, notApplicable } from '../support/outcomes.ts';

/** Deprecated operations called: each is one request, so a description with hundreds stays bounded. */
const MAX_CALLS = 10;

export const transparentDeprecationAnnounced: Check = {
  id: 'transparent-deprecation-announced',
  clause: 'transparent',
  severity: 'must',
  title: 'Deprecated operations announce when they go',
  description:
    'Calls every read-only GET the supplier’s description marks deprecated and expects a Deprecation header holding an RFC 9745 structured date (@1767225600; `true` is not one) and a Sunset header holding an HTTP-date (RFC 8594; an ISO 8601 date is not one) no earlier than it, so a council’s integrations learn in time that an operation is going and when.',
  sampling: 'Up to ten deprecated GET operations without path parameters, once each.',
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
    let answered = 0;
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
      answered += 1;
      const where = { location: op.path, exchangeId: response.exchange.id };
      const deprecation = response.header('deprecation');
      const deprecatedAt = deprecation === undefined ? undefined : parseStructuredDate(deprecation);
      if (deprecation === undefined)
        violations.add('no Deprecation header', { message: `${label}: no Deprecation header`, ...where });
      else if (deprecatedAt === undefined)
        violations.add('Deprecation is not an RFC 9745 date', {
          message: `${label}: Deprecation "${deprecation.slice(0, 40)}" is not a structured date such as @1767225600 (RFC 9745)`,
          ...where,
        });
      const sunset = response.header('sunset');
      const sunsetAt = sunset === undefined ? undefined : parseHttpDate(sunset);
      if (sunset === undefined)
        violations.add('no Sunset header', { message: `${label}: no Sunset header`, ...where });
      else if (sunsetAt === undefined)
        violations.add('Sunset is not an HTTP-date', {
          message: `${label}: Sunset "${sunset.slice(0, 40)}" is not an HTTP-date such as Thu, 01 Jan 2026 00:00:00 GMT (RFC 8594, RFC 9110 §5.6.7)`,
          ...where,
        });
      else if (deprecatedAt !== undefined && sunsetAt < deprecatedAt)
        violations.add('Sunset before Deprecation', {
          message: `${label}: the operation goes (Sunset ${sunset}) before it is deprecated (Deprecation ${deprecation}); RFC 8594 §3 says it must not`,
          ...where,
        });
    }
    if (answered === 0)
      return harnessError(
        `none of ${Math.min(callable.length, MAX_CALLS)} deprecated operations answered successfully, so their headers could not be judged`,
        { exchangeIds },
      );
    return judge(
      violations,
      {
        pass: `${answered} deprecated operations send Deprecation and Sunset`,
        fail: 'deprecated operations do not say when they go; send Deprecation and Sunset (and a Link to the successor)',
      },
      {
        exchangeIds,
        data: { deprecated: deprecated.length, called: answered },
        judged: judged(answered, 'deprecated operations'),
      },
    );
  },
};

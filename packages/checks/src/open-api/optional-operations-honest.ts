import { type JsonObject, listOperations } from '@council-conform/openapi';
import { type Check, type HarnessResponse, ViolationCollector } from '@council-conform/runner';
import { judge, judged, notApplicable, notJudged, TO_JUDGE } from '../support/outcomes.ts';

/** The answers that say "not offered here" (RFC 9110): not found, method not allowed, not implemented. */
const ABSENT = new Set([404, 405, 501]);

const isProblem = (response: HarnessResponse) =>
  (response.header('content-type') ?? '').toLowerCase().startsWith('application/problem+json');

export const optionalOperationsHonest: Check = {
  id: 'optional-operations-honest',
  clause: 'open-api',
  severity: 'must',
  title: 'Optional operations are offered as declared, and refused plainly when not',
  description:
    'The run’s `features` declare which optional operations of the profile the supplier offers. Each declared one must be in the published description; each undeclared one is called (reads always, writes in sandbox mode only) and must answer 404, 405 or 501 as RFC 9457 problem+json. An API that answers 200 with nothing leaves a council unable to tell "not offered" from "no data".',
  sampling:
    'Every optional operation of the profile: each declared one looked up in the description, each undeclared one called once (writes only in sandbox mode).',
  async run(ctx) {
    const optional = ctx.reference.profile.operations.optional;
    if (optional.length === 0) return notApplicable(`${ctx.reference.profile.id} has no optional operations`);
    const declared = new Set(ctx.config.features);
    const violations = new ViolationCollector();
    const exchangeIds: string[] = [];

    const found = await ctx.supplierDescription();
    if (found && declared.size > 0) {
      exchangeIds.push(found.exchangeId);
      const documented = new Set(listOperations(found.document as JsonObject).map((op) => op.operationId));
      for (const id of declared) {
        if (!documented.has(id))
          violations.add('declared but not documented', {
            message: `${id} is declared as offered but the published description does not have it`,
            location: id,
          });
      }
    }

    const probed: string[] = [];
    const skipped: string[] = [];
    for (const id of optional.filter((candidate) => !declared.has(candidate))) {
      const operation = ctx.operationPath(id);
      if (!operation) continue;
      const isRead = operation.method.toUpperCase() === 'GET';
      if (!isRead && ctx.config.mode !== 'sandbox') {
        skipped.push(id);
        continue;
      }
      const url = operation.path.replace(/\{[^}]+\}/g, 'conform-absent-1');
      const response = await ctx.http.request({
        url,
        method: operation.method.toUpperCase(),
        auth: 'primary',
        ...(isRead ? {} : { headers: { 'content-type': 'application/json' }, body: '{}' }),
        note: `call ${id}, which the run does not declare as offered`,
      });
      exchangeIds.push(response.exchange.id);
      probed.push(`${id}: ${response.status}`);
      const where = {
        location: `${operation.method.toUpperCase()} ${operation.path}`,
        exchangeId: response.exchange.id,
      };
      if (!ABSENT.has(response.status)) {
        violations.add('an undeclared optional operation answers as if offered', {
          message: `${id} is not declared as offered, yet answers ${response.status}; expected 404, 405 or 501 (declare it with --feature ${id} if it is offered)`,
          ...where,
        });
      } else if (!isProblem(response)) {
        violations.add('"not offered" is not problem+json', {
          message: `${id} answers ${response.status} as ${response.header('content-type') ?? 'no content type'}, not application/problem+json`,
          ...where,
        });
      }
    }
    if (probed.length === 0 && declared.size === 0 && skipped.length > 0)
      return notJudged(
        `every optional operation of ${ctx.reference.profile.id} is a write, and none is declared: whether they are refused plainly is judged only in sandbox mode`,
        TO_JUDGE.sandbox,
        { exchangeIds },
      );
    const summary = [
      declared.size > 0 ? `${declared.size} declared and documented` : 'none declared',
      probed.length > 0 ? `${probed.length} undeclared refused plainly (${probed.join(', ')})` : '',
      skipped.length > 0 ? `${skipped.length} undeclared write(s) not called in readonly mode` : '',
    ].filter(Boolean);
    return judge(
      violations,
      {
        pass: `optional operations: ${summary.join('; ')}`,
        fail: 'optional operations are not declared honestly',
      },
      { exchangeIds, judged: judged(probed.length + declared.size, 'optional operations') },
    );
  },
};

import { type Check, ViolationCollector } from '@council-conform/runner';
import { isObject } from '../support/json.ts';
import { judge, judged, warn } from '../support/outcomes.ts';
import { mediaTypeOf, parsedBody } from '../support/pages.ts';
import { badRequestProbe, notFoundProbe } from '../support/probes.ts';

export const openStandardsProblemJson: Check = {
  id: 'open-standards-problem-json',
  clause: 'open-standards',
  severity: 'must',
  title: 'Errors are RFC 9457 problem details',
  description:
    'Provokes a 400 (a list read with an out-of-range page size) and a 404 (a read of a record that cannot exist) and expects each as application/problem+json with type, title and a status equal to the HTTP status (RFC 9457), so every client can handle every supplier’s errors the same way.',
  sampling: 'A provoked 400 and a provoked 404, once each.',
  async run(ctx) {
    const probes = [
      { label: 'the provoked 400', response: await badRequestProbe(ctx) },
      { label: 'the provoked 404', response: await notFoundProbe(ctx) },
    ];
    const violations = new ViolationCollector();
    const exchangeIds: string[] = [];
    let answers = 0;
    for (const { label, response } of probes) {
      if (!response) continue;
      exchangeIds.push(response.exchange.id);
      if (response.status < 400) continue; // not provoked: another check's concern
      answers += 1;
      const where = { location: response.url, exchangeId: response.exchange.id };
      const media = mediaTypeOf(response);
      if (media !== 'application/problem+json') {
        violations.add('not application/problem+json', {
          message: `${label} (${response.status}) is ${media || 'untyped'}, not application/problem+json`,
          ...where,
        });
      }
      const body = parsedBody(response);
      if (!isObject(body)) {
        violations.add('the body is not a JSON object', {
          message: `${label} (${response.status}) has no JSON object body`,
          ...where,
        });
        continue;
      }
      const missing = (['type', 'title'] as const).filter((m) => typeof body[m] !== 'string');
      if (missing.length > 0) {
        violations.add(`no ${missing.join(' or ')}`, {
          message: `${label} (${response.status}) has no string ${missing.join(' or ')}`,
          ...where,
        });
      }
      if (body.status !== response.status) {
        violations.add('status member does not match the HTTP status', {
          message: `${label}: status member is ${JSON.stringify(body.status ?? null)}, the HTTP status ${response.status}`,
          ...where,
        });
      }
    }
    if (answers === 0)
      return warn('neither a bad request nor a missing record provoked an error answer to judge', {
        exchangeIds,
      });
    return judge(
      violations,
      {
        pass: `${answers} provoked errors are RFC 9457 problem details`,
        fail: 'errors are not RFC 9457 problem details; answer application/problem+json with type, title and status',
      },
      { exchangeIds, judged: judged(answers, 'answers') },
    );
  },
};

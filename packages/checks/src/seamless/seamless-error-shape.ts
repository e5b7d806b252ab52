import { type Check, type HarnessResponse, ViolationCollector } from '@council-conform/runner';
import { methodProbe, unauthenticatedProbe, unknownPathProbe } from '../support/error-probes.ts';
import { isObject } from '../support/json.ts';
import { fail, judged, pass, warn } from '../support/outcomes.ts';
import { mediaTypeOf, parsedBody } from '../support/pages.ts';
import { badRequestProbe, notFoundProbe } from '../support/probes.ts';

/** Members that carry detail and may come and go between errors of one shape (RFC 9457's optional ones). */
const OPTIONAL_MEMBERS = new Set(['detail', 'instance', 'errors', 'invalid_params', 'invalid-params']);

/** The shape of an error answer: its media type and its required top-level members. */
export function errorShape(response: HarnessResponse): string {
  const media = mediaTypeOf(response) || 'no media type';
  const body = parsedBody(response);
  if (!isObject(body)) return `${media} (${body === undefined ? 'not JSON' : 'JSON, not an object'})`;
  const members = Object.keys(body)
    .filter((m) => !OPTIONAL_MEMBERS.has(m))
    .sort();
  return `${media} {${members.join(', ')}}`;
}

export const seamlessErrorShape: Check = {
  id: 'seamless-error-shape',
  clause: 'seamless',
  severity: 'must',
  title: 'Every error has the same shape',
  description:
    'Provokes the errors a client meets (a 400 for a bad parameter, a 404 for a missing record and for an unknown path, a 401 for a personal read without a token and, in sandbox mode, the refusal of a DELETE) and expects one media type and one set of top-level members across them (detail, instance and errors may vary), so a client handles every error of every operation with one piece of code.',
  sampling:
    'Five provoked errors, once each: a bad parameter, a missing record, an unknown path, a personal read without a token, and in sandbox mode a DELETE of a missing record.',
  async run(ctx) {
    const probes = [
      { label: 'a bad request', response: await badRequestProbe(ctx) },
      { label: 'a missing record', response: await notFoundProbe(ctx) },
      { label: 'an unknown path', response: await unknownPathProbe(ctx) },
      { label: 'a personal read without a token', response: await unauthenticatedProbe(ctx) },
      { label: 'a DELETE of a missing record', response: await methodProbe(ctx) },
    ];
    const errors = probes.flatMap(({ label, response }) =>
      response && response.status >= 400 ? [{ label, response, shape: errorShape(response) }] : [],
    );
    const exchangeIds = errors.map((e) => e.response.exchange.id);
    if (errors.length < 2)
      return warn(`only ${errors.length} error answers could be provoked; nothing to compare`, {
        exchangeIds,
      });
    const counts = new Map<string, number>();
    for (const e of errors) counts.set(e.shape, (counts.get(e.shape) ?? 0) + 1);
    if (counts.size === 1)
      return pass(`${errors.length} error answers share one shape: ${errors[0]?.shape}`, {
        exchangeIds,
        judged: judged(errors.length, 'error answers'),
      });
    // The shape most errors use is the API's convention; the others depart from it.
    const [usual] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] as [string, number];
    const violations = new ViolationCollector();
    for (const e of errors.filter((candidate) => candidate.shape !== usual)) {
      violations.add(`${e.response.status} for ${e.label} is ${e.shape}`, {
        message: `${e.response.status} for ${e.label} is ${e.shape}, unlike ${usual}`,
        location: e.response.url,
        exchangeId: e.response.exchange.id,
      });
    }
    return fail(
      `errors come in ${counts.size} shapes; most are ${usual} but ${violations.summary()}. Answer every error in one shape (RFC 9457 problem details)`,
      { exchangeIds, violations: violations.list(), data: { shapes: Object.fromEntries(counts) } },
    );
  },
};

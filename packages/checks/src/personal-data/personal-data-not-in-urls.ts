import { type JsonObject, listOperations, resolvePointer } from '@council-conform/openapi';
import { type Check, ViolationCollector } from '@council-conform/runner';
import { isObject } from '../support/json.ts';
import { fail, judge, judged } from '../support/outcomes.ts';
import { STRONGLY_PERSONAL_NAME } from '../support/personal.ts';

export const personalDataNotInUrls: Check = {
  id: 'personal-data-not-in-urls',
  clause: 'personal-data',
  severity: 'must',
  title: 'No personal data in URLs',
  description:
    'No operation of the published description takes personal data in its path or query string. URLs are written to proxy, server and browser logs that are kept for years; personal data belongs in bodies.',
  sampling: 'Every path and query parameter of every operation of the published description.',
  async run(ctx) {
    const found = await ctx.supplierDescription();
    if (!found) return fail('there is no description to read parameters from (see description-discoverable)');
    const document = found.document as JsonObject;
    const violations = new ViolationCollector();
    let parametersRead = 0;
    for (const op of listOperations(document)) {
      const parameters = [
        ...((Array.isArray(op.pathItem.parameters) ? op.pathItem.parameters : []) as unknown[]),
        ...((Array.isArray(op.operation.parameters) ? op.operation.parameters : []) as unknown[]),
      ];
      for (const raw of parameters) {
        const parameter =
          isObject(raw) && typeof raw.$ref === 'string' ? resolvePointer(document, raw.$ref.slice(1)) : raw;
        if (!isObject(parameter) || (parameter.in !== 'query' && parameter.in !== 'path')) continue;
        parametersRead += 1;
        const name = String(parameter.name);
        const marked = parameter['x-data-classification'];
        if (
          marked === 'personal' ||
          marked === 'special-category' ||
          (marked !== 'public' && STRONGLY_PERSONAL_NAME.test(name))
        ) {
          violations.add(`personal ${parameter.in} parameter`, {
            message: `${op.method.toUpperCase()} ${op.path} takes "${name}" in its ${parameter.in}`,
            location: op.pointer,
          });
        }
      }
    }
    return judge(
      violations,
      { pass: 'no operation takes personal data in its URL', fail: 'personal data travels in URLs' },
      {
        exchangeIds: [found.exchangeId],
        // A description without a single URL parameter has still been read whole: its operations count.
        judged: judged(
          Math.max(parametersRead, listOperations(document).length),
          'URL parameters and operations',
        ),
      },
    );
  },
};

import { type JsonObject, listOperations } from '@council-conform/openapi';
import type { Check } from '@council-conform/runner';
import { fail, judged, pass } from '../support/outcomes.ts';

// Path templates compare by shape: /services/{id} and /services/{serviceId} are the same operation.
const shape = (method: string, path: string) => `${method.toLowerCase()} ${path.replace(/\{[^}]+\}/g, '{}')}`;

export const descriptionCoversProfile: Check = {
  id: 'description-covers-profile',
  clause: 'open-api',
  severity: 'must',
  title: 'The description documents every operation the profile requires',
  description:
    'Every operation the profile requires must be in the published description, matched by operationId or by method and path. An undocumented operation is one the council cannot rely on.',
  sampling: 'Every operation of the published description against every operation the profile requires.',
  async run(ctx) {
    const found = await ctx.supplierDescription();
    if (!found)
      return fail('there is no description to compare with the profile (see description-discoverable)');
    const published = listOperations(found.document as JsonObject);
    const ids = new Set(published.map((op) => op.operationId));
    const shapes = new Set(published.map((op) => shape(op.method, op.path)));
    const missing = ctx.reference.profile.operations.required.filter((operationId) => {
      if (ids.has(operationId)) return false;
      const op = ctx.operationPath(operationId);
      return !op || !shapes.has(shape(op.method, op.path));
    });
    if (missing.length === 0) {
      return pass(
        `all ${ctx.reference.profile.operations.required.length} required operations are documented`,
        {
          exchangeIds: [found.exchangeId],
          judged: judged(ctx.reference.profile.operations.required.length, 'required operations'),
        },
      );
    }
    return fail(
      `${missing.length} required operation(s) are not in the description: ${missing
        .map((id) => {
          const op = ctx.operationPath(id);
          return op ? `${id} (${op.method} ${op.path})` : id;
        })
        .join(', ')}`,
      { exchangeIds: [found.exchangeId], data: { missing } },
    );
  },
};

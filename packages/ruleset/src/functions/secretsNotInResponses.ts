import { carriesOnlyBooleans, docOf, type JsonPath, listCutShort, operationsOf } from '../model.ts';
import { personalFieldOf } from '../personalVocabulary.ts';
import { anyStatus, fieldsReturnedBy } from '../responseFields.ts';
import type { IFunctionResult } from '../spectral.ts';
import { createRulesetFunction } from '../spectral.ts';

/**
 * No response returns a password, a PIN or a hash of one, whoever may call it: a server checks a secret
 * and never needs to hand it back, and a response is logged, cached and shown in ways a request is not.
 * A field marked `writeOnly` is only ever sent, so it is fine; tokens and keys a server issues are not
 * secrets in this sense (a token endpoint must return them).
 */
export const secretsNotInResponses = createRulesetFunction<unknown, null>(
  { input: { type: 'object' }, options: null },
  function secretsNotInResponses(data, _options, context) {
    const document = docOf(data, context);
    // By the property's schema itself: one written in another file is reached at a different place from
    // each operation that returns it, but it is one property, reported once with all of them.
    const found = new Map<
      object,
      { at: JsonPath; name: string; category: string; operations: Set<string> }
    >();
    for (const op of operationsOf(document)) {
      for (const field of fieldsReturnedBy(document, op, { statuses: anyStatus })) {
        const match = personalFieldOf(field.name);
        if (match?.kind !== 'secret') continue;
        if (field.schema.writeOnly === true || field.target.writeOnly === true) continue;
        if (carriesOnlyBooleans(field.target)) continue;
        const entry = found.get(field.schema) ?? {
          at: field.at,
          name: field.name,
          category: match.category,
          operations: new Set<string>(),
        };
        entry.operations.add(`${op.method.toUpperCase()} ${op.urlPath}`);
        found.set(field.schema, entry);
      }
    }
    return [...found.values()].map(({ at, name, category, operations }): IFunctionResult => {
      const list = [...operations];
      const named = listCutShort(list, 3);
      return {
        message: `"${name}" looks like a ${category} and is returned by ${named}: a secret is checked, never returned. Leave it out of the response schema, or mark it \`writeOnly: true\` if the schema is shared with a request.`,
        path: at,
      };
    });
  },
);

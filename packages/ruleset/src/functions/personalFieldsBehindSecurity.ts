import {
  carriesOnlyBooleans,
  classificationOf,
  docOf,
  isPersonal,
  isPublic,
  listCutShort,
  operationsOf,
} from '../model.ts';
import { type PersonalKind, personalFieldOf } from '../personalVocabulary.ts';
import { fieldsReturnedBy, isSuccess } from '../responseFields.ts';
import type { IFunctionResult } from '../spectral.ts';
import { createRulesetFunction } from '../spectral.ts';

const SHOWN = 8;

/**
 * Field names as a reader takes them in: a numbered series (one field per household member) reads as its
 * first and last, `sex1 to sex8`, and a long list is cut short.
 */
function listedFields(names: readonly string[]): string {
  const series = new Map<string, string[]>();
  for (const name of names) {
    // The digits are only tried from the start of a run of them: tried from each, a long run in a
    // supplier's field name was rescanned from every digit, quadratic.
    const stem = /^(.*?)(?<!\d)\d+$/.exec(name)?.[1] ?? name;
    series.set(stem, [...(series.get(stem) ?? []), name]);
  }
  const entries = [...series.values()].map((members) =>
    members.length > 2 ? `${members[0]} to ${members.at(-1)}` : members.join(', '),
  );
  return listCutShort(entries, SHOWN);
}

/**
 * An operation anyone can call does not return fields that look personal, whatever the supplier forgot to
 * label: a clean result must mean "nothing is exposed", not "nothing was classified". A field classified
 * (`public` on purpose, or personal, which the classified-data rules judge) is left to that label, and an
 * operation classified personal is `personal-data-behind-security`'s to report.
 */
export const personalFieldsBehindSecurity = createRulesetFunction<unknown, null>(
  { input: { type: 'object' }, options: null },
  function personalFieldsBehindSecurity(data, _options, context) {
    // Judged as written: resolving a $ref drops the x-data-classification written beside it.
    const document = docOf(data, context);
    const results: IFunctionResult[] = [];
    for (const op of operationsOf(document)) {
      if (!isPublic(document, op.operation) || isPersonal(classificationOf(op.operation))) continue;
      const found = new Map<'special-category' | 'personal', Set<string>>();
      for (const field of fieldsReturnedBy(document, op, {
        statuses: isSuccess,
        skipClassifiedPersonal: true,
      })) {
        if (classificationOf(field.schema) ?? classificationOf(field.target)) continue;
        const kind = unlabelledKind(field.name, field.target);
        if (kind) found.set(kind, (found.get(kind) ?? new Set()).add(field.name));
      }
      if (found.size === 0) continue;
      const what = (['special-category', 'personal'] as const)
        .filter((kind) => found.has(kind))
        .map((kind) => `${kind} data (${listedFields([...(found.get(kind) ?? [])])})`)
        .join(' and ');
      results.push({
        message: `${op.method.toUpperCase()} ${op.urlPath} can be called without credentials, yet its response carries fields that look like ${what}: require the OAuth scheme with a scope, or classify a field \`x-data-classification: public\` if it is not about a person.`,
        path: Array.isArray(op.operation.security) ? [...op.at, 'security'] : op.at,
      });
    }
    return results;
  },
);

function unlabelledKind(
  name: string,
  schema: unknown,
): Extract<PersonalKind, 'special-category' | 'personal'> | undefined {
  const match = personalFieldOf(name);
  if (match?.kind === 'special-category') return match.kind;
  if (match?.kind === 'personal' && !carriesOnlyBooleans(schema)) return match.kind;
  return undefined;
}

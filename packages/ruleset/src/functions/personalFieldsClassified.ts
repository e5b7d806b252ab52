import { classificationOf, docOf, looksPersonal, schemaTarget, walkAllSchemas } from '../model.ts';
import { personalFieldOf } from '../personalVocabulary.ts';
import type { IFunctionResult } from '../spectral.ts';
import { createRulesetFunction } from '../spectral.ts';

/**
 * A property whose name means a person (an e-mail address, a date of birth) says what it holds with
 * `x-data-classification`; public business contact data (an organisation's enquiries mailbox) is marked
 * `public` on purpose. Judged where each schema is written, so a shared component is reported once.
 */
export const personalFieldsClassified = createRulesetFunction<unknown, null>(
  { input: { type: 'object' }, options: null },
  function personalFieldsClassified(document, _options, context) {
    const results: IFunctionResult[] = [];
    walkAllSchemas(docOf(document, context), ({ schema, at, propertyName }) => {
      if (!propertyName || at.at(-2) !== 'properties') return;
      const target = schemaTarget(context, schema, at);
      if (!looksPersonal(propertyName, target)) return;
      const classification = classificationOf(schema) ?? classificationOf(target);
      if (classification !== undefined) return;
      const looksLike = personalFieldOf(propertyName);
      const special = looksLike?.kind === 'special-category';
      results.push({
        message: `"${propertyName}" looks like ${special ? 'special-category' : 'personal'} data (${looksLike?.category ?? 'about a person'}) but is not classified: mark it \`x-data-classification: ${special ? 'special-category' : 'personal'}\` (or \`public\` if it is ${special ? 'not about a person' : 'business contact data published on purpose'}).`,
        path: at,
      });
    });
    return results;
  },
);

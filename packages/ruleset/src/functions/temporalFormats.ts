import { docOf, schemaTarget, snakeName, typesOf, walkAllSchemas } from '../model.ts';
import type { IFunctionResult } from '../spectral.ts';
import { createRulesetFunction } from '../spectral.ts';

/** Names that hold an instant or a date, matched against `snakeName(name)`. */
const TEMPORAL =
  /(^|_)(date|datetime|timestamp|created|updated|modified|deleted|published|expires|expiry)$|_(at|date|time|datetime|timestamp|after|before|since|until)$|^(valid_from|valid_to|valid_until)$/;
const RFC3339_FORMATS = new Set(['date-time', 'date', 'time', 'duration']);

/**
 * Dates and times are RFC 3339: a field whose name says it holds one is a string with `format:
 * date-time` or `date` (or a `pattern`, for a local wall-clock time), never epoch seconds or free text.
 * Judged by name, so it warns rather than fails.
 */
export const temporalFormats = createRulesetFunction<unknown, null>(
  { input: { type: 'object' }, options: null },
  function temporalFormats(document, _options, context) {
    const results: IFunctionResult[] = [];
    walkAllSchemas(docOf(document, context), ({ schema, at, propertyName }) => {
      if (!propertyName || !TEMPORAL.test(snakeName(propertyName))) return;
      // A property's own schema, or a parameter's (whose name is carried to its schema).
      if (at.at(-2) !== 'properties' && at.at(-1) !== 'schema') return;
      const target = schemaTarget(context, schema, at);
      if (typeof target.$ref === 'string') return;
      const types = typesOf(target).filter((type) => type !== 'null');
      const format = typeof target.format === 'string' ? target.format : undefined;
      let problem: string | undefined;
      if (types.includes('integer') || types.includes('number')) {
        problem = 'is a number; epoch seconds are not an open date format';
      } else if (types.length > 0 && !types.includes('string')) {
        return;
      } else if (format !== undefined && !RFC3339_FORMATS.has(format)) {
        problem = `has format "${format}", which is not an RFC 3339 format`;
      } else if (
        format === undefined &&
        target.pattern === undefined &&
        target.enum === undefined &&
        target.const === undefined
      ) {
        if (
          types.length === 0 &&
          Object.keys(target).every((key) => key === 'description' || key.startsWith('x-'))
        )
          problem = 'has no type or format';
        else if (types.length === 0) return;
        else problem = 'is a string with no format';
      }
      if (!problem) return;
      results.push({
        message: `"${propertyName}" looks like a date or time but ${problem}: make it a string with \`format: date-time\` (or \`date\`), RFC 3339.`,
        path: at,
      });
    });
    return results;
  },
);

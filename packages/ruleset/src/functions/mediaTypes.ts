import { bodiesOf, operationsOf } from '../model.ts';
import type { IFunctionResult } from '../spectral.ts';
import { createRulesetFunction } from '../spectral.ts';

const XML = /^(application|text)\/([\w.-]+\+)?xml$/;
const SPREADSHEET =
  /^application\/(vnd\.ms-excel|vnd\.openxmlformats-officedocument\.spreadsheetml\.[\w.-]+|vnd\.oasis\.opendocument\.spreadsheet)$/;
/** Text types that are UTF-8 by definition, so need no charset. */
const UTF8_BY_DEFINITION = new Set(['text/event-stream']);

/** Why a media type is not UTF-8 JSON or CSV, or undefined when it is fine. */
export function mediaTypeProblem(mediaType: string): string | undefined {
  const [rawType = '', ...rawParameters] = mediaType.split(';');
  const type = rawType.trim().toLowerCase();
  const parameters = new Map(
    rawParameters.map((parameter) => {
      const [key = '', value = ''] = parameter.split('=');
      return [key.trim().toLowerCase(), value.trim().replace(/^"|"$/g, '').toLowerCase()] as const;
    }),
  );
  const charset = parameters.get('charset');
  if (type.includes('*')) return 'is a wildcard; say exactly which media type the body is';
  if (charset !== undefined && charset !== 'utf-8') return `declares charset=${charset}; text is UTF-8`;
  if (XML.test(type)) return 'is XML; structured data is exchanged as JSON (or CSV for tables)';
  if (SPREADSHEET.test(type)) return 'is a spreadsheet format; tables are exchanged as CSV';
  if (type.startsWith('text/') && charset === undefined && !UTF8_BY_DEFINITION.has(type))
    return `states no charset; say ${type}; charset=utf-8`;
  return undefined;
}

/** Bodies are UTF-8, and structured data is JSON or CSV: no XML, spreadsheets, other charsets or wildcards. */
export const mediaTypes = createRulesetFunction<unknown, null>(
  { input: { type: 'object' }, options: null },
  function mediaTypes(document) {
    const results: IFunctionResult[] = [];
    for (const op of operationsOf(document)) {
      for (const { entries } of bodiesOf(document, op)) {
        for (const { mediaType, at } of entries) {
          const problem = mediaTypeProblem(mediaType);
          if (problem) results.push({ message: `Media type ${mediaType} ${problem}.`, path: at });
        }
      }
    }
    return results;
  },
);

import {
  classificationOf,
  contentOf,
  type DataClassification,
  docOf,
  isPersonal,
  isPublic,
  type JsonPath,
  listCutShort,
  operationsOf,
  responsesOf,
  walkSchema,
} from '../model.ts';
import type { IFunctionResult } from '../spectral.ts';
import { createRulesetFunction } from '../spectral.ts';

const startsWith = (path: JsonPath, prefix: JsonPath) =>
  prefix.length <= path.length && prefix.every((token, index) => path[index] === token);

/**
 * No schema reachable from a public operation's successful response is classified personal or
 * special-category: public and personal data are never mixed in one response. A shared schema is
 * reported once, naming the public operations that return it; inside a personal schema only the schema
 * itself is reported, not each of its fields.
 */
export const personalNotInPublicResponse = createRulesetFunction<unknown, null>(
  { input: { type: 'object' }, options: null },
  function personalNotInPublicResponse(data, _options, context) {
    // Judged as written: resolving a $ref drops the x-data-classification written beside it.
    const document = docOf(data, context);
    const found = new Map<
      object,
      { at: JsonPath; name?: string; classification: DataClassification; operations: Set<string> }
    >();
    for (const op of operationsOf(document)) {
      if (!isPublic(document, op.operation)) continue;
      const label = `${op.method.toUpperCase()} ${op.urlPath}`;
      for (const { status, response, at } of responsesOf(document, op)) {
        if (!/^2/.test(status)) continue;
        for (const { media, at: mediaAt } of contentOf(response, at)) {
          const reported: JsonPath[] = [];
          walkSchema(
            document,
            media.schema,
            [...mediaAt, 'schema'],
            ({ schema, at: schemaAt, propertyName }) => {
              const classification = classificationOf(schema);
              if (!classification || !isPersonal(classification)) return;
              if (reported.some((prefix) => startsWith(schemaAt, prefix))) return;
              reported.push(schemaAt);
              const entry = found.get(schema) ?? {
                at: schemaAt,
                ...(propertyName === undefined ? {} : { name: propertyName }),
                classification,
                operations: new Set<string>(),
              };
              entry.operations.add(label);
              found.set(schema, entry);
            },
          );
        }
      }
    }
    return [...found.values()].map(({ at, name, classification, operations }): IFunctionResult => {
      const list = [...operations];
      const named = listCutShort(list, 3);
      return {
        message: `${name ? `"${name}"` : 'A schema'} is classified ${classification} but is returned by the public operation${list.length === 1 ? '' : 's'} ${named}: move it behind authentication or leave it out of the public response.`,
        path: at,
      };
    });
  },
);

/**
 * The named fields an operation's responses return, however deeply nested and through whatever `$ref`s,
 * for rules that judge a response by what its fields are called.
 */
import {
  classificationOf,
  type Doc,
  follow,
  isObject,
  isPersonal,
  type JsonObject,
  type JsonPath,
  type Operation,
  responseSchemasOf,
  responsesOf,
  walkSchema,
} from './model.ts';

export interface ReturnedField {
  readonly name: string;
  /** The property's schema as written: a classification or `writeOnly` beside a `$ref` counts. */
  readonly schema: JsonObject;
  /** What that schema is once its `$ref` is followed (the schema itself when it is inline). */
  readonly target: JsonObject;
  /** Where the property is written. */
  readonly at: JsonPath;
  readonly status: string;
}

export interface ReturnedFieldOptions {
  /** Which responses count, by status code (`200`, `4XX`, `default`). */
  readonly statuses: (status: string) => boolean;
  /**
   * Leave out everything under a schema classified personal or special-category: the classified-data
   * rules already judge those, and the supplier's own label is the stronger evidence.
   */
  readonly skipClassifiedPersonal?: boolean;
}

export function fieldsReturnedBy(doc: Doc, op: Operation, options: ReturnedFieldOptions): ReturnedField[] {
  const fields: ReturnedField[] = [];
  for (const { status, response, at } of responsesOf(doc, op)) {
    if (!options.statuses(status)) continue;
    for (const returned of responseSchemasOf(response, at)) {
      walkSchema(
        doc,
        returned.schema,
        returned.at,
        ({ schema, at: schemaAt, propertyName }) => {
          // A property is visited where it is written, then again at its `$ref`'s target: count it once.
          if (propertyName === undefined || schemaAt.at(-2) !== 'properties') return;
          const target = follow(doc, schema, schemaAt).node;
          fields.push({
            name: propertyName,
            schema,
            target: isObject(target) ? target : schema,
            at: schemaAt,
            status,
          });
        },
        options.skipClassifiedPersonal ? { skip: classifiedPersonal } : {},
      );
    }
  }
  return fields;
}

const classifiedPersonal = (schema: JsonObject): boolean => isPersonal(classificationOf(schema));

export const isSuccess = (status: string): boolean => /^2/.test(status);
export const anyStatus = (): boolean => true;

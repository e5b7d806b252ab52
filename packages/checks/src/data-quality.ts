import type { JsonObject } from '@council-conform/openapi';
import {
  CRAWL_RECORD_CAP,
  type DataQuality,
  type DatasetQuality,
  type IdentifierQuality,
  type ReferenceDataset,
  type RunContext,
} from '@council-conform/runner';
import { judgeDateValue } from './support/dates.ts';
import { IDENTIFIERS, identifierOf, identifierPatterns } from './support/identifiers.ts';
import { isObject, walkJson } from './support/json.ts';
import { schemaFields, topLevelProperties } from './support/schema-fields.ts';

/** The identifiers that join council data to national registers, by the name the report gives them. */
const MEASURED = [
  { kind: IDENTIFIERS.Uprn, name: 'uprn' },
  { kind: IDENTIFIERS.Usrn, name: 'usrn' },
  { kind: IDENTIFIERS.GssCode, name: 'gss' },
] as const satisfies readonly { kind: unknown; name: IdentifierQuality['kind'] }[];

const isDateFormat = (formats: ReadonlySet<string> | undefined) =>
  formats?.has('date') === true || formats?.has('date-time') === true;

/** Nothing a reader can use: absent, null, an empty or blank string, an empty list or object. */
function isFilled(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (Array.isArray(value)) return value.length > 0;
  if (isObject(value)) return Object.keys(value).length > 0;
  return true;
}

/**
 * What the records read of one dataset hold, judged by the rules the checks use (the identifier fields
 * and patterns of open-standards-address-identifiers and open-standards-gss-codes, the date rule of
 * open-standards-rfc3339-dates), as counts:
 * - per identifier field the schema types as a UPRN, USRN or GSS code: the records carrying a value under
 *   it, and of those the records whose every value under it is a string matching the identifier's pattern;
 * - every date value (a field declared date or date-time, or a whole value written as a day-first date
 *   elsewhere) and how many parse strictly; a number or boolean in a date field is a date that does not;
 * - the schema's top-level properties (less those a list may leave out) × records, and how many of them are
 *   present, non-null and non-empty.
 */
export function datasetQuality(
  document: JsonObject,
  dataset: ReferenceDataset,
  records: readonly JsonObject[],
): DatasetQuality {
  const fields = schemaFields(document, dataset.schema);
  const patterns = identifierPatterns(
    document,
    MEASURED.map((m) => m.kind),
  );
  const identifierFields = [...fields]
    .map(([field, facts]) => {
      const typed = identifierOf(facts, patterns);
      const measured = typed && MEASURED.find((m) => m.kind.schema === typed.kind.schema);
      return typed && measured ? { field, regex: typed.regex, kind: measured.name } : undefined;
    })
    .filter((f) => f !== undefined)
    .sort((a, b) => a.kind.localeCompare(b.kind) || a.field.localeCompare(b.field));
  const byField = new Map(identifierFields.map((f) => [f.field, f]));
  const counts = new Map(identifierFields.map((f) => [f.field, { present: 0, valid: 0 }]));
  const properties = [...topLevelProperties(document, dataset.schema)]
    .filter(([, schema]) => schema['x-omittable-in-lists'] !== true)
    .map(([name]) => name);
  const dates = { values: 0, parsed: 0 };
  const filled = { values: properties.length * records.length, filled: 0 };
  for (const record of records) {
    for (const name of properties) if (isFilled(record[name])) filled.filled += 1;
    // Per identifier field of this record: whether it carries a value, and whether every value is valid.
    const carried = new Map<string, boolean>();
    walkJson(record, (_pointer, key, value) => {
      if (key === undefined) return;
      const identifier = byField.get(key);
      if (identifier && isFilled(value)) {
        const valid = typeof value === 'string' && identifier.regex.test(value);
        carried.set(key, (carried.get(key) ?? true) && valid);
      }
      const formats = fields.get(key)?.formats;
      if (typeof value === 'string') {
        const verdict = judgeDateValue(value, formats);
        if (!verdict.date) return;
        dates.values += 1;
        if (verdict.ok) dates.parsed += 1;
      } else if (value !== null && isDateFormat(formats)) dates.values += 1;
    });
    for (const [field, valid] of carried) {
      const count = counts.get(field);
      if (!count) continue;
      count.present += 1;
      if (valid) count.valid += 1;
    }
  }
  return {
    dataset: dataset.id,
    title: dataset.title,
    recordsRead: records.length,
    identifiers: identifierFields.map(({ kind, field }) => ({
      kind,
      field,
      ...(counts.get(field) ?? { present: 0, valid: 0 }),
    })),
    dates,
    filled,
  };
}

/**
 * The data quality of every dataset the run read records of (lists and reads by id), measured once the
 * checks have run: `RunInput.measureDataQuality`. It reads nothing more from the API.
 */
export async function measureDataQuality(ctx: RunContext): Promise<DataQuality> {
  const read = await ctx.recordsRead();
  return {
    datasets: read.map(({ dataset, records }) => datasetQuality(ctx.reference.document, dataset, records)),
  };
}

/** What the figures are, for docs/checks.md, kept beside the code that counts them. */
export const DATA_QUALITY_WORDS = `Besides the verdict, every report carries figures on the records the run read: \`dataQuality\` in the JSON report, a table per dataset in the HTML and Markdown reports, nothing in JUnit. For each dataset of the profile the run read records of, through its list (up to ${CRAWL_RECORD_CAP.toLocaleString('en-GB')} records a crawl) or by id, each record once: the records read; for each field the reference types as a UPRN, USRN or GSS code (found as \`open-standards-address-identifiers\` and \`open-standards-gss-codes\` find them), how many records carry a value in it and how many of those are valid by the same patterns; how many date values there are (fields declared \`date\` or \`date-time\`, and whole values written day first elsewhere, as \`open-standards-rfc3339-dates\` finds them) and how many parse strictly as RFC 3339; and, over the schema’s top-level properties (less those a list may leave out) × the records read, how many are present and hold a value (not null, not an empty string, list or object). They are counted after the last check from records already read, so they cost no request; they are information for the council, never a verdict, and change no check’s outcome and no level.`;

import type { JsonObject } from '@council-conform/openapi';
import { type CheckOutcome, type RunContext, ViolationCollector } from '@council-conform/runner';
import { personalFieldNames } from '../reference.ts';
import { isObject, walkJson } from './json.ts';
import { noRecordsOutcome, sampleRecords } from './listing.ts';
import { judge, judged, notApplicable } from './outcomes.ts';
import { isPersonalValue } from './personal.ts';
import type { FieldFacts } from './schema-fields.ts';

/** A baseline identifier schema: its component name, a label for messages and its baseline pattern. */
export interface IdentifierKind {
  readonly schema: string;
  readonly label: string;
  readonly pattern: string;
  readonly example: string;
}

/** The baseline's patterns (specs/baseline/openapi.yaml), used when the reference does not carry them. */
export const IDENTIFIERS = {
  Uprn: { schema: 'Uprn', label: 'UPRN', pattern: '^[1-9][0-9]{0,11}$', example: '100023336956' },
  Usrn: { schema: 'Usrn', label: 'USRN', pattern: '^[1-9][0-9]{0,7}$', example: '21400132' },
  Postcode: {
    schema: 'Postcode',
    label: 'postcode',
    pattern: '^(?:GIR 0AA|[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2})$',
    example: 'E8 1EA',
  },
  GssCode: { schema: 'GssCode', label: 'GSS code', pattern: '^[EKNSW][0-9]{8}$', example: 'E09000012' },
} as const satisfies Record<string, IdentifierKind>;

/** The reference's own pattern for an identifier schema, else the baseline's. */
function patternOf(document: JsonObject, kind: IdentifierKind): string {
  const schemas = isObject(document.components) ? document.components.schemas : undefined;
  const schema = isObject(schemas) ? schemas[kind.schema] : undefined;
  return isObject(schema) && typeof schema.pattern === 'string' ? schema.pattern : kind.pattern;
}

/** An identifier kind with the pattern its values are judged by in this reference. */
export interface IdentifierPattern<K extends IdentifierKind = IdentifierKind> {
  readonly kind: K;
  readonly source: string;
  readonly regex: RegExp;
}

export function identifierPatterns<K extends IdentifierKind>(
  document: JsonObject,
  kinds: readonly K[],
): IdentifierPattern<K>[] {
  return kinds.map((kind) => {
    const source = patternOf(document, kind);
    return { kind, source, regex: new RegExp(source, 'u') };
  });
}

/**
 * The identifier a field is typed as: by `$ref` to the baseline schema, or by carrying the same pattern.
 * Undefined for a field that is none of them.
 */
export function identifierOf<K extends IdentifierKind>(
  facts: FieldFacts,
  patterns: readonly IdentifierPattern<K>[],
): IdentifierPattern<K> | undefined {
  return patterns.find(
    (p) =>
      facts.refs.has(p.kind.schema) || facts.patterns.has(p.source) || facts.patterns.has(p.kind.pattern),
  );
}

/**
 * Checks every value of a field the reference types as one of the given identifiers (by `$ref` to the
 * baseline schema, or by carrying the same pattern) against that identifier's pattern, across the sampled
 * records of every dataset (first, last and seeded random pages). Not applicable when no record read carries such a field.
 */
export async function checkIdentifiers(
  ctx: RunContext,
  kinds: readonly IdentifierKind[],
  fix: string,
): Promise<CheckOutcome> {
  const { records, exchangeIds, coverage } = await sampleRecords(ctx);
  const names = kinds.map((k) => k.label).join(', ');
  const none = noRecordsOutcome(records.length, coverage, exchangeIds);
  if (none) return none;
  const patterns = identifierPatterns(ctx.reference.document, kinds);
  const violations = new ViolationCollector();
  const personal = personalFieldNames(ctx.reference.document);
  let checked = 0;
  for (const { record, label, fields, exchangeId } of records) {
    walkJson(record, (pointer, key, value) => {
      if (typeof value !== 'string' || !key) return;
      const facts = fields.get(key);
      if (!facts) return;
      const typed = identifierOf(facts, patterns);
      if (!typed) return;
      checked += 1;
      if (typed.regex.test(value)) return;
      // The UPRN of a resident's home is shown by where it is, never quoted.
      const quoted = isPersonalValue(personal, pointer)
        ? '(a personal field: value withheld)'
        : `"${value.slice(0, 30)}"`;
      violations.add(`${key} is not a valid ${typed.kind.label}`, {
        message: `${key} ${quoted} is not a ${typed.kind.label} (like ${typed.kind.example})`,
        location: `${label}#${pointer}`,
        ...(exchangeId ? { exchangeId } : {}),
      });
    });
  }
  if (checked === 0)
    return notApplicable(`none of the ${records.length} records read carries a ${names}`, { exchangeIds });
  return judge(
    violations,
    { pass: `${checked} ${names} values are valid`, fail: `${names} values are malformed; ${fix}` },
    {
      exchangeIds,
      judged: judged(checked, 'identifier values'),
      data: { sample: coverage, valuesChecked: checked },
    },
  );
}

import type { JsonObject } from '@council-conform/openapi';
import fc from 'fast-check';
import { isObject } from './model.ts';

/**
 * Values from JSON Schemas, with fast-check: values a schema allows (its boundaries among them), and values
 * it refuses, each labelled with how it breaks the schema. Shrinking is fast-check's own: every arbitrary
 * here is built from its combinators, so a failing request shrinks towards the simplest value that still
 * fails.
 */

const MAX_ITEMS = 3;
const MAX_PROPERTIES_DEPTH = 4;

/** Text that trips naive handling of Unicode: astral characters, combining marks, right-to-left, NUL-free. */
export const AWKWARD_TEXT: readonly string[] = [
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🏴󠁧󠁢󠁳󠁣󠁴󠁿',
  'e\u0301\u0302\u0303 combining',
  'Zalgo Z\u0351\u0364\u036b a\u0310\u0352 l\u0327',
  '\u202eright-to-left',
  'ﬁ ligature ß straße',
  '\uFEFFbyte-order mark',
];

function typeOf(schema: JsonObject): string | undefined {
  const { type } = schema;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return type.find((t): t is string => typeof t === 'string' && t !== 'null');
  if (isObject(schema.properties)) return 'object';
  if (schema.items !== undefined) return 'array';
  return undefined;
}

const numberOr = (value: unknown, fallback: number) =>
  typeof value === 'number' && Number.isFinite(value) ? value : fallback;

function stringArbitrary(schema: JsonObject): fc.Arbitrary<string> {
  const minLength = Math.max(0, numberOr(schema.minLength, 0));
  const maxLength = Math.max(minLength, Math.min(numberOr(schema.maxLength, 40), 200));
  switch (schema.format) {
    case 'date-time':
      return fc
        .date({
          min: new Date('1990-01-01T00:00:00Z'),
          max: new Date('2035-12-31T23:59:59Z'),
          noInvalidDate: true,
        })
        .map((date) => date.toISOString());
    case 'date':
      return fc
        .date({
          min: new Date('1990-01-01T00:00:00Z'),
          max: new Date('2035-12-31T00:00:00Z'),
          noInvalidDate: true,
        })
        .map((date) => date.toISOString().slice(0, 10));
    case 'uuid':
      return fc.uuid();
    case 'email':
      return fc.emailAddress();
    case 'uri':
    case 'url':
      return fc.webUrl();
  }
  if (typeof schema.pattern === 'string') {
    try {
      const pattern = new RegExp(schema.pattern, 'u');
      // Cut to a declared maxLength rather than filtered to it: a filter that refuses everything never ends.
      // A cut value may no longer match; it is still sent as valid, and a 4xx to it is no finding.
      const declaredMax = typeof schema.maxLength === 'number' ? schema.maxLength : Number.POSITIVE_INFINITY;
      return fc
        .stringMatching(pattern)
        .map((text) => (text.length > declaredMax ? text.slice(0, declaredMax) : text));
    } catch {
      // A pattern JavaScript cannot read is generated around; the server's answer is still judged.
    }
  }
  return fc.oneof(
    { weight: 4, arbitrary: fc.string({ minLength, maxLength, unit: 'grapheme-ascii' }) },
    { weight: 1, arbitrary: fc.string({ minLength, maxLength, unit: 'grapheme' }) },
  );
}

function integerBounds(schema: JsonObject): { min: number; max: number } {
  const min =
    typeof schema.exclusiveMinimum === 'number'
      ? schema.exclusiveMinimum + 1
      : numberOr(schema.minimum, -1_000_000);
  const max =
    typeof schema.exclusiveMaximum === 'number'
      ? schema.exclusiveMaximum - 1
      : numberOr(schema.maximum, 1_000_000);
  return { min: Math.ceil(min), max: Math.floor(Math.max(min, max)) };
}

/** The edges a schema declares: where off-by-one mistakes live. */
export function hasBoundaries(schema: JsonObject): boolean {
  return (
    ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength'].some(
      (key) => typeof schema[key] === 'number',
    ) || Array.isArray(schema.enum)
  );
}

/** Any value the schema allows, its declared boundaries more often than chance would give them. */
export function validValue(schema: JsonObject, depth = 0): fc.Arbitrary<unknown> {
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
  if (schema.const !== undefined) return fc.constant(schema.const);
  for (const key of ['oneOf', 'anyOf'] as const) {
    const options = schema[key];
    if (Array.isArray(options) && options.length > 0)
      return fc.oneof(...options.filter(isObject).map((option) => validValue(option, depth + 1)));
  }
  if (Array.isArray(schema.allOf)) {
    const merged = Object.assign({}, ...schema.allOf.filter(isObject), { allOf: undefined }) as JsonObject;
    return validValue(merged, depth + 1);
  }
  switch (typeOf(schema)) {
    case 'integer': {
      const { min, max } = integerBounds(schema);
      return fc.oneof(
        { weight: 2, arbitrary: fc.integer({ min, max }) },
        { weight: 1, arbitrary: fc.constantFrom(min, max) },
      );
    }
    case 'number': {
      const min = numberOr(schema.minimum, -1e6);
      const max = Math.max(min, numberOr(schema.maximum, 1e6));
      return fc.oneof(
        { weight: 2, arbitrary: fc.double({ min, max, noNaN: true, noDefaultInfinity: true }) },
        { weight: 1, arbitrary: fc.constantFrom(min, max) },
      );
    }
    case 'boolean':
      return fc.boolean();
    case 'array': {
      const items = isObject(schema.items) ? schema.items : {};
      const minLength = Math.max(0, numberOr(schema.minItems, 0));
      const maxLength = Math.max(minLength, Math.min(numberOr(schema.maxItems, MAX_ITEMS), MAX_ITEMS));
      return fc.array(validValue(items, depth + 1), { minLength, maxLength });
    }
    case 'object':
      return objectValue(schema, depth);
    case 'string':
      return stringArbitrary(schema);
    default:
      return fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.boolean());
  }
}

function objectValue(schema: JsonObject, depth: number): fc.Arbitrary<unknown> {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required)
    ? schema.required.filter((name): name is string => typeof name === 'string')
    : [];
  if (depth >= MAX_PROPERTIES_DEPTH) return fc.constant({});
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, property] of Object.entries(properties)) {
    if (isObject(property) && property.readOnly === true) continue;
    model[name] = validValue(isObject(property) ? property : {}, depth + 1);
  }
  return fc.record(model, { requiredKeys: required.filter((name) => name in model) });
}

/** A value that breaks the schema, with how it breaks it. */
export interface Breakage {
  /** `wrong type`, `above maximum`, `too long`, `not in enum`… */
  readonly how: string;
  readonly value: fc.Arbitrary<unknown>;
  /** How often it is tried beside the others: the numeric edges, where off-by-ones live, more often. */
  readonly weight: number;
}

/** A value the schema allows exactly at one of its edges, with which edge. */
export interface Edge {
  readonly how: string;
  readonly value: unknown;
}

/** The values at a schema's declared edges: its minimum and maximum, its longest text, its first and last enum value. */
export function edgeValues(schema: JsonObject): Edge[] {
  const type = typeOf(schema);
  const out: Edge[] = [];
  if (type === 'integer' || type === 'number') {
    const bounds = type === 'integer' ? integerBounds(schema) : undefined;
    const min =
      bounds && (typeof schema.minimum === 'number' || typeof schema.exclusiveMinimum === 'number')
        ? bounds.min
        : schema.minimum;
    const max =
      bounds && (typeof schema.maximum === 'number' || typeof schema.exclusiveMaximum === 'number')
        ? bounds.max
        : schema.maximum;
    if (typeof min === 'number') out.push({ how: `at its minimum (${min})`, value: min });
    if (typeof max === 'number') out.push({ how: `at its maximum (${max})`, value: max });
  }
  if (
    type === 'string' &&
    schema.pattern === undefined &&
    schema.format === undefined &&
    schema.enum === undefined
  ) {
    if (typeof schema.maxLength === 'number' && schema.maxLength > 0)
      out.push({ how: `at its maxLength (${schema.maxLength})`, value: 'x'.repeat(schema.maxLength) });
    if (typeof schema.minLength === 'number' && schema.minLength > 0)
      out.push({ how: `at its minLength (${schema.minLength})`, value: 'x'.repeat(schema.minLength) });
  }
  if (Array.isArray(schema.enum) && schema.enum.length > 1) {
    out.push({ how: 'its first enum value', value: schema.enum[0] });
    out.push({ how: 'its last enum value', value: schema.enum[schema.enum.length - 1] });
  }
  return out;
}

/** Values the schema refuses, one arbitrary per way of breaking it that the schema lets us know of. */
export function invalidValues(schema: JsonObject): Breakage[] {
  const out: Breakage[] = [];
  const type = typeOf(schema);
  if (type === 'integer' || type === 'number') {
    out.push({
      how: 'wrong type',
      weight: 3,
      value: fc.oneof(
        fc.constantFrom('abc', 'NaN', 'true', 'ten'),
        fc.string({ minLength: 1, maxLength: 8 }).filter((s) => !/^-?\d+(\.\d+)?$/.test(s.trim())),
      ),
    });
    if (type === 'integer')
      out.push({
        how: 'not an integer',
        weight: 1,
        value: fc.double({ min: 0.1, max: 1000, noNaN: true }).filter((n) => !Number.isInteger(n)),
      });
    if (typeof schema.minimum === 'number') {
      const below = schema.minimum - (type === 'integer' ? 1 : 0.5);
      out.push({
        how: 'below minimum',
        weight: 3,
        value: fc.integer({ min: -1000, max: 0 }).map((n) => below + n),
      });
    }
    if (typeof schema.maximum === 'number') {
      const above = schema.maximum + (type === 'integer' ? 1 : 0.5);
      out.push({
        how: 'above maximum',
        weight: 3,
        value: fc.integer({ min: 0, max: 1_000_000 }).map((n) => above + n),
      });
    }
  }
  if (type === 'boolean')
    out.push({ how: 'wrong type', weight: 1, value: fc.constantFrom('maybe', '2', 'yes please') });
  if (type === 'string') {
    if (Array.isArray(schema.enum) && schema.enum.length > 0) {
      const allowed = new Set(schema.enum.map(String));
      // Near misses of each allowed value, worked out here so that generation never waits on a filter.
      const nearMisses = [
        ...new Set(
          schema.enum
            .map(String)
            .flatMap((edge) => [`${edge}x`, edge.toUpperCase(), ` ${edge}`, edge.slice(0, -1)]),
        ),
      ].filter((candidate) => !allowed.has(candidate));
      if (nearMisses.length > 0)
        out.push({ how: 'not in enum', weight: 2, value: fc.constantFrom(...nearMisses) });
    }
    if (typeof schema.maxLength === 'number')
      out.push({
        how: 'longer than maxLength',
        weight: 1,
        value: fc
          .integer({ min: 1, max: 4096 })
          .map((extra) => 'x'.repeat((schema.maxLength as number) + extra)),
      });
    if (typeof schema.minLength === 'number' && schema.minLength > 0)
      out.push({
        how: 'shorter than minLength',
        weight: 1,
        value: fc.constant('x'.repeat(schema.minLength - 1)),
      });
    if (schema.format === 'date-time' || schema.format === 'date')
      out.push({
        how: `not a ${schema.format}`,
        weight: 1,
        value: fc.constantFrom('not-a-date', '2024-13-45', '31/12/2024'),
      });
  }
  return out;
}

/** Values any parameter may meet in the wild: very long text and awkward Unicode. */
export function hostileText(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(...AWKWARD_TEXT),
    fc.string({ minLength: 1, maxLength: 12, unit: 'binary' }),
    fc.integer({ min: 1_000, max: 16_000 }).map((length) => 'a'.repeat(length)),
  );
}

/**
 * The value just past each of a schema's declared edges, and a value of the wrong type: one of each, fixed,
 * so that exploration tries them whatever its seed (the random breakages above reach them only by luck).
 */
export function justPastEdges(schema: JsonObject): Edge[] {
  const type = typeOf(schema);
  const out: Edge[] = [];
  if (type === 'integer' || type === 'number') {
    const step = type === 'integer' ? 1 : 0.5;
    if (typeof schema.maximum === 'number') out.push({ how: 'above maximum', value: schema.maximum + step });
    else if (typeof schema.exclusiveMaximum === 'number')
      out.push({ how: 'above maximum', value: schema.exclusiveMaximum });
    if (typeof schema.minimum === 'number') out.push({ how: 'below minimum', value: schema.minimum - step });
    else if (typeof schema.exclusiveMinimum === 'number')
      out.push({ how: 'below minimum', value: schema.exclusiveMinimum });
    out.push({ how: 'wrong type', value: 'abc' });
  }
  if (type === 'boolean') out.push({ how: 'wrong type', value: 'maybe' });
  if (type === 'string') {
    if (Array.isArray(schema.enum) && schema.enum.length > 0) {
      const allowed = new Set(schema.enum.map(String));
      const miss = schema.enum
        .map(String)
        .flatMap((edge) => [`${edge}x`, edge.toUpperCase(), ` ${edge}`])
        .find((candidate) => !allowed.has(candidate));
      if (miss !== undefined) out.push({ how: 'not in enum', value: miss });
    }
    if (typeof schema.maxLength === 'number')
      out.push({ how: 'longer than maxLength', value: 'x'.repeat(schema.maxLength + 1) });
    if (typeof schema.minLength === 'number' && schema.minLength > 0)
      out.push({ how: 'shorter than minLength', value: 'x'.repeat(schema.minLength - 1) });
  }
  return out;
}

/**
 * A database timestamp as ISO 8601 text. PGlite and node-postgres both give timestamptz as a Date; a string
 * (a row read some other way, a value from JSON) is taken as what it says.
 */
export function isoTimestamp(value: unknown): string {
  return (value instanceof Date ? value : new Date(String(value))).toISOString();
}

/** As isoTimestamp, with NULL kept as null. */
export const isoTimestampOrNull = (value: unknown): string | null =>
  value === null || value === undefined ? null : isoTimestamp(value);

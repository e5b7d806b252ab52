/**
 * RFC 4180 CSV: CRLF line ends, a header row, and any cell holding a comma, quote, CR or LF quoted with
 * quotes doubled. Nested values (objects, arrays) are written as JSON text in their cell, as the baseline says.
 */
export function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvColumns(records: readonly Record<string, unknown>[]): string[] {
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const record of records) {
    for (const key of Object.keys(record)) {
      if (!seen.has(key)) {
        seen.add(key);
        columns.push(key);
      }
    }
  }
  return columns;
}

export function toCsv(
  records: readonly Record<string, unknown>[],
  cell: (value: unknown) => string = csvCell,
): string {
  const columns = csvColumns(records);
  const lines = [columns.map((column) => cell(column)).join(',')];
  for (const record of records) lines.push(columns.map((column) => cell(record[column])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

import { columnOf, columnOfHeader, REGISTER_COLUMNS, type RegisterField } from './columns.ts';
import { parseCsv } from './csv.ts';
import {
  isBlank,
  normaliseCompanyNumber,
  parseFlag,
  parseMoney,
  parseRegisterDate,
  supplierNameKey,
  ValueError,
} from './values.ts';

/** One contract of a register, normalised: dates ISO 8601, money in pence, flags as booleans. */
export interface ContractRecord {
  /** The line of the file the row starts on (the header is line 1). */
  readonly line: number;
  /** The council's own reference: with the council, what identifies the contract. */
  readonly reference: string;
  readonly title: string;
  readonly description: string | null;
  readonly organisationalUnit: string | null;
  readonly startDate: string | null;
  readonly endDate: string | null;
  readonly reviewDate: string | null;
  readonly valuePence: number | null;
  /** As the register wrote it. */
  readonly supplierName: string;
  /** The name as compared for suggestions: see `supplierNameKey`. */
  readonly supplierNameKey: string;
  readonly companyNumber: string | null;
  readonly sme: boolean | null;
  readonly vcse: boolean | null;
}

/** Why one row was refused; a row with several faults has one problem each. */
export interface RowProblem {
  readonly line: number;
  /** The register's own header for the cell at fault, when it is one cell. */
  readonly column?: string;
  readonly message: string;
}

export interface ParsedRegister {
  readonly contracts: readonly ContractRecord[];
  readonly problems: readonly RowProblem[];
  /** Rows after the header, blank ones aside: contracts plus rows refused. */
  readonly rowsRead: number;
  /** Lines of the rows refused, each once. */
  readonly refusedLines: readonly number[];
}

export type RegisterErrorCode =
  | 'REGISTER_EMPTY'
  | 'REGISTER_COLUMNS_MISSING'
  | 'REGISTER_COLUMNS_DUPLICATED'
  | 'REGISTER_NOT_TEXT'
  | 'REGISTER_UNREADABLE'
  | 'REGISTER_TOO_LARGE'
  | 'REGISTER_FETCH_FAILED';

/** A register that cannot be read at all; nothing of it is imported. */
export class RegisterError extends Error {
  override readonly name = 'RegisterError';
  constructor(
    readonly code: RegisterErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Longest text kept per field: past it a cell is more likely a broken file than a contract. */
const MAX_LENGTH: Partial<Record<RegisterField, number>> = {
  reference: 200,
  title: 1_000,
  description: 10_000,
  organisationalUnit: 500,
  supplierName: 500,
};

/**
 * Reads a contracts register in the LGA Contracts format (CSV, a header row first). A register that cannot
 * be read as one (empty, or without a column this needs) throws a RegisterError naming what is missing. A row
 * with a fault (a date that is not one, a missing reference, a value that is not money, the wrong number of
 * fields, a reference given twice) is left out and reported with its line; every other row is kept.
 */
export function parseContractsRegister(text: string): ParsedRegister {
  const table = parseCsv(text);
  const [header, ...rows] = table.records;
  if (!header || (table.problems[0] && table.problems[0].line < header.line))
    throw new RegisterError(
      'REGISTER_EMPTY',
      table.problems[0]
        ? `the header row cannot be read: line ${table.problems[0].line}: ${table.problems[0].message}`
        : 'the register is empty: it needs a header row and a row per contract',
    );

  const indexOf = new Map<RegisterField, number>();
  const headerOf = new Map<RegisterField, string>();
  const duplicated: string[] = [];
  header.fields.forEach((name, index) => {
    const column = columnOfHeader(name);
    if (!column) return;
    const earlier = headerOf.get(column.field);
    if (earlier !== undefined) {
      duplicated.push(`"${earlier.trim()}" and "${name.trim()}" are both the ${column.label}`);
      return;
    }
    indexOf.set(column.field, index);
    headerOf.set(column.field, name.trim());
  });
  if (duplicated.length > 0)
    throw new RegisterError(
      'REGISTER_COLUMNS_DUPLICATED',
      `the header names a column twice, so which to read is unclear: ${duplicated.join('; ')}`,
    );
  const missing = REGISTER_COLUMNS.filter((column) => column.required && !indexOf.has(column.field));
  if (missing.length > 0)
    throw new RegisterError(
      'REGISTER_COLUMNS_MISSING',
      `the header (line ${header.line}) has no ${missing
        .map((c) => `"${c.label}" column (or ${c.aliases.map((a) => `"${a}"`).join(', ')})`)
        .join(
          '; no ',
        )}: a contracts register in the LGA Contracts format has each of ${REGISTER_COLUMNS.filter(
        (c) => c.required,
      )
        .map((c) => `"${c.label}"`)
        .join(', ')}`,
    );

  const problems: RowProblem[] = table.problems
    .filter((problem) => problem.line > header.line)
    .map((problem) => ({ line: problem.line, message: problem.message }));
  const contracts: ContractRecord[] = [];
  const seen = new Map<string, number>();
  const width = header.fields.length;

  for (const row of rows) {
    if (row.fields.every((field) => field.trim() === '')) continue;
    if (row.fields.length !== width) {
      problems.push({
        line: row.line,
        message: `the row has ${row.fields.length} fields, but the header has ${width}: a comma too many or too few, or a field that should be in quotes`,
      });
      continue;
    }
    const rowProblems: RowProblem[] = [];
    const cell = (field: RegisterField) => {
      const index = indexOf.get(field);
      return index === undefined ? '' : (row.fields[index] as string);
    };
    const fault = (field: RegisterField, message: string) =>
      rowProblems.push({ line: row.line, column: headerOf.get(field) ?? columnOf(field).label, message });
    const read = <T>(field: RegisterField, parse: (cell: string) => T | null): T | null => {
      try {
        return parse(cell(field));
      } catch (error) {
        if (!(error instanceof ValueError)) throw error;
        fault(field, `${headerOf.get(field)}: ${error.message}`);
        return null;
      }
    };
    const textOf = (field: RegisterField, required: boolean): string | null => {
      const value = cell(field).trim();
      if (value === '' || (!required && isBlank(value))) {
        if (required) fault(field, `${headerOf.get(field)} is empty`);
        return null;
      }
      const max = MAX_LENGTH[field];
      if (max !== undefined && value.length > max) {
        fault(field, `${headerOf.get(field)} is ${value.length} characters long, more than ${max}`);
        return null;
      }
      return value;
    };

    const reference = textOf('reference', true);
    const title = textOf('title', true);
    const supplierName = textOf('supplierName', true);
    const description = textOf('description', false);
    const organisationalUnit = textOf('organisationalUnit', false);
    const startDate = read('startDate', parseRegisterDate);
    const endDate = read('endDate', parseRegisterDate);
    const reviewDate = read('reviewDate', parseRegisterDate);
    const valuePence = read('value', parseMoney);
    const companyNumber = read('companyNumber', normaliseCompanyNumber);
    const sme = read('sme', parseFlag);
    const vcse = read('vcse', parseFlag);
    if (endDate === null && isBlank(cell('endDate')))
      fault('endDate', `${headerOf.get('endDate')} is empty: the register must say when the contract ends`);
    if (startDate && endDate && endDate < startDate)
      fault('endDate', `${headerOf.get('endDate')} ${cell('endDate').trim()} is before the start date`);
    if (reference !== null) {
      const earlier = seen.get(reference);
      if (earlier !== undefined)
        fault('reference', `contract reference "${reference}" is on line ${earlier} already`);
    }

    if (rowProblems.length > 0 || reference === null || title === null || supplierName === null) {
      problems.push(...rowProblems);
      continue;
    }
    seen.set(reference, row.line);
    contracts.push({
      line: row.line,
      reference,
      title,
      description,
      organisationalUnit,
      startDate,
      endDate,
      reviewDate,
      valuePence,
      supplierName,
      supplierNameKey: supplierNameKey(supplierName),
      companyNumber,
      sme,
      vcse,
    });
  }
  problems.sort((a, b) => a.line - b.line);
  const refusedLines = [...new Set(problems.map((problem) => problem.line))];
  return { contracts, problems, rowsRead: contracts.length + refusedLines.length, refusedLines };
}

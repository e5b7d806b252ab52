/**
 * The value parsers of a contracts register. Each takes a cell as the register wrote it and gives the
 * normalised value, `null` for a cell that says nothing, or throws a ValueError whose message says what the
 * cell should look like.
 */
export class ValueError extends Error {
  override readonly name = 'ValueError';
}

/** What registers write in a cell that has nothing to say. */
const NOTHING = new Set([
  '',
  'n/a',
  'na',
  'n.a.',
  'none',
  '-',
  '--',
  'not applicable',
  'not known',
  'unknown',
]);

export const isBlank = (cell: string) => NOTHING.has(cell.trim().toLowerCase());

const pad2 = (value: number) => String(value).padStart(2, '0');

function isoDate(year: number, month: number, day: number, cell: string): string {
  const date = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC rolls 31/02 over into March; a date that does not survive the round trip does not exist.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    throw new ValueError(`"${cell}" is not a date in the calendar`);
  return `${year}-${pad2(month)}-${pad2(day)}`;
}

/**
 * The LGA's `dd/mm/yyyy` (a single-digit day or month too, and a time of day after it, which spreadsheets
 * add and which is dropped), or ISO 8601 `yyyy-mm-dd`; always given back as ISO 8601 `yyyy-mm-dd`.
 */
export function parseRegisterDate(cell: string): string | null {
  if (isBlank(cell)) return null;
  const text = cell.trim();
  const uk = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$/.exec(text);
  if (uk) {
    const [, day, month, year] = uk as unknown as [string, string, string, string];
    if (year.length !== 4)
      throw new ValueError(`"${cell}" has a ${year.length}-digit year: write dates as dd/mm/yyyy`);
    if (Number(month) > 12)
      throw new ValueError(`"${cell}" has no month ${Number(month)}: write dates as dd/mm/yyyy, day first`);
    return isoDate(Number(year), Number(month), Number(day), cell);
  }
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (iso) {
    const [, year, month, day] = iso as unknown as [string, string, string, string];
    return isoDate(Number(year), Number(month), Number(day), cell);
  }
  throw new ValueError(`"${cell}" is not a date: write dates as dd/mm/yyyy`);
}

/**
 * An amount of money in pounds, as registers write it (`£1,250,000.00`, `1250000`, `1,250.5`), in whole pence:
 * exact, where a float of pounds would not be. A fraction of a penny is rounded to the nearest penny.
 */
export function parseMoney(cell: string): number | null {
  if (isBlank(cell)) return null;
  const text = cell.trim().replace(/^£\s*/, '').replace(/\s+/g, '');
  if (text.startsWith('-') || text.startsWith('(')) throw new ValueError(`"${cell}" is a negative amount`);
  // Commas only as thousands separators, so "12,50" (a decimal comma) is refused rather than read as 1,250.
  if (!/^(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$/.test(text))
    throw new ValueError(`"${cell}" is not an amount of money in pounds, such as 125000 or £125,000.00`);
  const [whole = '0', fraction = ''] = text.replaceAll(',', '').split('.');
  const pence = Number(whole) * 100 + Math.round(Number(`0.${fraction || '0'}`) * 100);
  if (!Number.isSafeInteger(pence)) throw new ValueError(`"${cell}" is too large an amount`);
  return pence;
}

/** Pence as pounds with two decimal places, as the open data writes them: `125000.00`. */
export function formatPounds(pence: number): string {
  return `${Math.floor(pence / 100)}.${pad2(pence % 100)}`;
}

/**
 * A Companies House number: eight characters, digits for England and Wales (`01234567`) or a two-letter
 * prefix and six digits (`SC123456`, `NI012345`, `OC301234`). Spreadsheets drop the leading zeros of an
 * all-digit number, so a shorter one is padded back to eight.
 */
export function normaliseCompanyNumber(cell: string): string | null {
  if (isBlank(cell)) return null;
  let text = cell.trim().toUpperCase().replace(/\s+/g, '');
  if (/^\d{1,7}$/.test(text)) text = text.padStart(8, '0');
  if (!/^(\d{8}|[A-Z]{2}\d{6}|[A-Z]\d{7})$/.test(text))
    throw new ValueError(
      `"${cell}" is not a Companies House number (eight characters, such as 01234567 or SC123456)`,
    );
  return text;
}

const YES = new Set(['yes', 'y', 'true', '1']);
const NO = new Set(['no', 'n', 'false', '0']);

/** An SME or VCSE flag: Yes or No (Y/N, TRUE/FALSE and 1/0 are read too); blank when not known. */
export function parseFlag(cell: string): boolean | null {
  if (isBlank(cell)) return null;
  const text = cell.trim().toLowerCase();
  if (YES.has(text)) return true;
  if (NO.has(text)) return false;
  throw new ValueError(`"${cell}" is neither Yes nor No`);
}

// Words that say what kind of company it is, not which: "Example Ltd" and "EXAMPLE LIMITED" are one supplier.
const LEGAL_FORMS = new Set([
  'ltd',
  'limited',
  'plc',
  'llp',
  'lp',
  'cic',
  'cio',
  'inc',
  'incorporated',
  'co',
  'company',
  'group',
  'uk',
]);

/**
 * A supplier's name as a key to compare names by: accents, case, punctuation, "&" against "and", a leading
 * "The" and the legal form (Ltd, Limited, PLC...) make no difference. Two keys alike are a suggestion for a
 * person to review, never a match on their own.
 */
export function supplierNameKey(name: string): string {
  const words = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replaceAll('&', ' and ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
  if (words[0] === 'the') words.shift();
  while (words.length > 1 && LEGAL_FORMS.has(words.at(-1) as string)) words.pop();
  return words.join(' ');
}

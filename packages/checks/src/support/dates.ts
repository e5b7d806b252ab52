/**
 * One rule for what a date value is, shared by every check that judges dates (open-standards-rfc3339-dates
 * on the live API, easy-exit-open-encodings on the export): a field the reference declares as a date or
 * date-time must hold an RFC 3339 value; any other field holding, as its whole value, a day-first date
 * (14/03/2026, 14-03-2026, 14.03.2026, with or without a time) is a date written the wrong way. A date
 * inside prose ("repair booked for 14/12/2026") is words, not a date field, and is judged by neither.
 */

const FULL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;
/** A whole value written the British way: 14/03/2026, 14-03-2026, 14.03.2026, with or without a time. */
export const DAY_FIRST =
  /^(?:0?[1-9]|[12]\d|3[01])[/.-](?:0?[1-9]|1[0-2])[/.-]\d{4}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$/;

function validDay(y: string, m: string, d: string): boolean {
  const year = Number(y);
  const month = Number(m);
  const day = Number(d);
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return month >= 1 && month <= 12 && day >= 1 && day <= days;
}

/** RFC 3339 section 5.6 `full-date`. */
export function isRfc3339Date(value: string): boolean {
  const m = FULL_DATE.exec(value);
  return m !== null && validDay(m[1] as string, m[2] as string, m[3] as string);
}

/** RFC 3339 section 5.6 `date-time` (leap second allowed, offset required). */
export function isRfc3339DateTime(value: string): boolean {
  const m = DATE_TIME.exec(value);
  if (!m || !validDay(m[1] as string, m[2] as string, m[3] as string)) return false;
  const [hour, minute, second] = [Number(m[4]), Number(m[5]), Number(m[6])];
  const offsetOk = m[7] === undefined || (Number(m[7]) <= 23 && Number(m[8]) <= 59);
  return hour <= 23 && minute <= 59 && second <= 60 && offsetOk;
}

export type DateJudgement =
  /** Not a date value: a text field whose whole value is not a date. */
  | { readonly date: false }
  | { readonly date: true; readonly ok: true }
  | { readonly date: true; readonly ok: false; readonly expected: string; readonly dayFirst: boolean };

/**
 * Judges one string value by the rule above, given the formats the reference declares for its field
 * (`schemaFields(…).get(key)?.formats`), none for a field the reference does not know.
 */
export function judgeDateValue(value: string, formats: ReadonlySet<string> | undefined): DateJudgement {
  const wantsDate = formats?.has('date') ?? false;
  const wantsDateTime = formats?.has('date-time') ?? false;
  const dayFirst = DAY_FIRST.test(value.trim());
  if (wantsDate || wantsDateTime) {
    if ((wantsDate && isRfc3339Date(value)) || (wantsDateTime && isRfc3339DateTime(value)))
      return { date: true, ok: true };
    return {
      date: true,
      ok: false,
      expected: wantsDateTime ? 'an RFC 3339 date-time' : 'an RFC 3339 full-date',
      dayFirst,
    };
  }
  return dayFirst ? { date: true, ok: false, expected: 'an RFC 3339 date', dayFirst } : { date: false };
}

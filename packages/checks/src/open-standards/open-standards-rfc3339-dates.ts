import { type Check, ViolationCollector } from '@council-conform/runner';
import { personalFieldNames } from '../reference.ts';
import { walkJson } from '../support/json.ts';
import { harnessError, judge, notApplicable } from '../support/outcomes.ts';
import { isPersonalValue } from '../support/personal.ts';
import { sampleRecords } from '../support/records.ts';

const FULL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;
/** A whole value written the British way: 14/03/2026, 14-03-2026, 14.03.2026, with or without a time. */
const DAY_FIRST =
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

export const openStandardsRfc3339Dates: Check = {
  id: 'open-standards-rfc3339-dates',
  clause: 'open-standards',
  severity: 'must',
  title: 'Dates are RFC 3339',
  description:
    'Reads the first 100 records of every dataset and checks every field the reference declares as a date or date-time is an RFC 3339 full-date (2026-04-01) or date-time with offset (2026-04-01T09:30:00Z), and that no text field holds a day-first date such as 01/04/2026, which another system will read as the 4th of January.',
  async run(ctx) {
    const { records, exchangeIds } = await sampleRecords(ctx);
    if (records.length === 0)
      return harnessError('no records could be read to check their dates', { exchangeIds });
    const violations = new ViolationCollector();
    const personal = personalFieldNames(ctx.reference.document);
    let checked = 0;
    for (const { record, label, fields, exchangeId } of records) {
      walkJson(record, (pointer, key, value) => {
        if (typeof value !== 'string') return;
        // A date of birth is shown by where it is, never quoted.
        const quoted = isPersonalValue(personal, pointer)
          ? '(a personal field: value withheld)'
          : `"${value.slice(0, 40)}"`;
        const formats = key ? fields.get(key)?.formats : undefined;
        const wantsDate = formats?.has('date') ?? false;
        const wantsDateTime = formats?.has('date-time') ?? false;
        const where = { location: `${label}#${pointer}`, ...(exchangeId ? { exchangeId } : {}) };
        if (wantsDate || wantsDateTime) {
          checked += 1;
          if ((wantsDate && isRfc3339Date(value)) || (wantsDateTime && isRfc3339DateTime(value))) return;
          const expected = wantsDateTime ? 'an RFC 3339 date-time' : 'an RFC 3339 full-date';
          violations.add(`${key} is not ${expected}`, {
            message: `${key} ${quoted} is not ${expected}`,
            ...where,
          });
        } else if (DAY_FIRST.test(value.trim())) {
          checked += 1;
          violations.add(`${key ?? 'a value'} holds a day-first date`, {
            message: `${key ?? 'a value'} ${quoted} is a day-first date, not RFC 3339`,
            ...where,
          });
        }
      });
    }
    if (checked === 0)
      return notApplicable(
        `the ${records.length} records read carry no date fields the reference declares, and no date-like text`,
        { exchangeIds },
      );
    return judge(
      violations,
      {
        pass: `${checked} dates in ${records.length} records are RFC 3339`,
        fail: 'dates are not RFC 3339; write them as 2026-04-01 or 2026-04-01T09:30:00Z',
      },
      { exchangeIds, data: { recordsChecked: records.length, datesChecked: checked } },
    );
  },
};

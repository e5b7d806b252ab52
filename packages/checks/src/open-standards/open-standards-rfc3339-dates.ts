import { type Check, ViolationCollector } from '@council-conform/runner';
import { personalFieldNames } from '../reference.ts';
import { judgeDateValue } from '../support/dates.ts';
import { walkJson } from '../support/json.ts';
import { noRecordsOutcome, SAMPLE_WORDS, sampleRecords } from '../support/listing.ts';
import { judge, judged, notApplicable } from '../support/outcomes.ts';
import { isPersonalValue } from '../support/personal.ts';

export { isRfc3339Date, isRfc3339DateTime } from '../support/dates.ts';

export const openStandardsRfc3339Dates: Check = {
  id: 'open-standards-rfc3339-dates',
  clause: 'open-standards',
  severity: 'must',
  title: 'Dates are RFC 3339',
  description:
    'Checks that every field the reference declares as a date or date-time holds an RFC 3339 full-date (2026-04-01) or date-time with offset (2026-04-01T09:30:00Z), and that no other field holds, as its whole value, a day-first date such as 01/04/2026, which another system will read as the 4th of January. A date inside prose ("booked for 14/12/2026") is words, not a date field. easy-exit-open-encodings judges the export by the same rule.',
  sampling: `Records of ${SAMPLE_WORDS}.`,
  async run(ctx) {
    const { records, exchangeIds, coverage } = await sampleRecords(ctx);
    const none = noRecordsOutcome(records.length, coverage, exchangeIds);
    if (none) return none;
    const violations = new ViolationCollector();
    const personal = personalFieldNames(ctx.reference.document);
    let checked = 0;
    for (const { record, label, fields, exchangeId } of records) {
      walkJson(record, (pointer, key, value) => {
        if (typeof value !== 'string') return;
        const verdict = judgeDateValue(value, key ? fields.get(key)?.formats : undefined);
        if (!verdict.date) return;
        checked += 1;
        if (verdict.ok) return;
        // A date of birth is shown by where it is, never quoted.
        const quoted = isPersonalValue(personal, pointer)
          ? '(a personal field: value withheld)'
          : `"${value.slice(0, 40)}"`;
        const where = { location: `${label}#${pointer}`, ...(exchangeId ? { exchangeId } : {}) };
        const name = key ?? 'a value';
        violations.add(
          verdict.dayFirst ? `${name} holds a day-first date` : `${name} is not ${verdict.expected}`,
          {
            message: verdict.dayFirst
              ? `${name} ${quoted} is a day-first date, not RFC 3339`
              : `${name} ${quoted} is not ${verdict.expected}`,
            ...where,
          },
        );
      });
    }
    if (checked === 0)
      return notApplicable(
        `the ${records.length} records sampled carry no date fields the reference declares, and no date-like values`,
        { exchangeIds },
      );
    return judge(
      violations,
      {
        pass: `${checked} dates in ${records.length} sampled records are RFC 3339`,
        fail: 'dates are not RFC 3339; write them as 2026-04-01 or 2026-04-01T09:30:00Z',
      },
      { exchangeIds, judged: judged(checked, 'dates'), data: { sample: coverage, datesChecked: checked } },
    );
  },
};

/**
 * The dates of the deprecation headers, parsed as their RFCs write them and nothing looser: `Date.parse`
 * takes `true` as invalid but also takes ISO 8601 and locale forms that no HTTP client is required to read.
 */

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const LONG_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/**
 * RFC 9745 `Deprecation`: a Structured Field Date (RFC 9651 §3.3.7), `@` and an integer of seconds since the
 * epoch, such as `@1688169599`. Returns the instant in milliseconds, or undefined for anything else
 * (`true`, `yes`, an HTTP-date as drafts of the RFC once used).
 */
export function parseStructuredDate(value: string): number | undefined {
  const match = /^@(-?\d{1,15})$/.exec(value.trim());
  return match ? Number(match[1]) * 1000 : undefined;
}

function instant(
  year: number,
  month: string,
  day: number,
  time: string,
  weekday: number | undefined,
): number | undefined {
  const m = MONTHS.indexOf(month as (typeof MONTHS)[number]);
  const t = /^(\d{2}):(\d{2}):(\d{2})$/.exec(time);
  if (m < 0 || !t) return undefined;
  const [hours, minutes, seconds] = [Number(t[1]), Number(t[2]), Number(t[3])];
  if (hours > 23 || minutes > 59 || seconds > 60) return undefined;
  const at = Date.UTC(year, m, day, hours, minutes, Math.min(seconds, 59));
  const date = new Date(at);
  // 31 Feb rolls over in Date.UTC; a date that rolled is not a date.
  if (date.getUTCDate() !== day || date.getUTCMonth() !== m) return undefined;
  if (weekday !== undefined && date.getUTCDay() !== weekday) return undefined;
  return at;
}

/**
 * RFC 8594 `Sunset`: an HTTP-date (RFC 9110 §5.6.7). The preferred IMF-fixdate, `Sun, 06 Nov 1994 08:49:37
 * GMT`, and the two obsolete forms every recipient must still read (`Sunday, 06-Nov-94 08:49:37 GMT`,
 * `Sun Nov  6 08:49:37 1994`); the day of the week must be the date's. Undefined for anything else (an ISO
 * 8601 date, a date without a time).
 */
export function parseHttpDate(value: string): number | undefined {
  const text = value.trim();
  let m = /^([A-Z][a-z]{2}), (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}:\d{2}:\d{2}) GMT$/.exec(text);
  if (m) {
    const day = DAYS.indexOf(m[1] as (typeof DAYS)[number]);
    return day < 0 ? undefined : instant(Number(m[4]), m[3] as string, Number(m[2]), m[5] as string, day);
  }
  m = /^([A-Z][a-z]+), (\d{2})-([A-Z][a-z]{2})-(\d{2}) (\d{2}:\d{2}:\d{2}) GMT$/.exec(text);
  if (m) {
    const day = LONG_DAYS.indexOf(m[1] as (typeof LONG_DAYS)[number]);
    // RFC 9110: a two-digit year more than 50 years in the future is the most recent past year ending so.
    const now = new Date().getUTCFullYear();
    let year = Math.floor(now / 100) * 100 + Number(m[4]);
    if (year > now + 50) year -= 100;
    return day < 0 ? undefined : instant(year, m[3] as string, Number(m[2]), m[5] as string, day);
  }
  m = /^([A-Z][a-z]{2}) ([A-Z][a-z]{2}) ([ \d]\d) (\d{2}:\d{2}:\d{2}) (\d{4})$/.exec(text);
  if (m) {
    const day = DAYS.indexOf(m[1] as (typeof DAYS)[number]);
    return day < 0
      ? undefined
      : instant(Number(m[5]), m[2] as string, Number((m[3] as string).trim()), m[4] as string, day);
  }
  return undefined;
}

/**
 * Reading a sender's date-time text without Date.parse's silent corrections: Date.parse turns
 * `2026-02-30` into 2 March and `24:00` into the next day, and reads an ISO date-time without
 * an offset in the server's time zone.
 */

// ISO 8601 / RFC 3339 with the extended years of ECMAScript; no offset means UTC.
const ISO =
  /^([+-]\d{6}|\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):?(\d{2}))?$/i;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH = `(${MONTHS.join('|')})[a-z]*\\.?`;
const DAY_MONTH_YEAR = new RegExp(`\\b(\\d{1,2})\\s+${MONTH},?\\s+(\\d{4})\\b`, 'gi');
const MONTH_DAY_YEAR = new RegExp(`\\b${MONTH}\\s+(\\d{1,2}),?\\s+(\\d{4})\\b`, 'gi');
const NUMERIC_DATE = /\b(\d{4})-(\d{2})-(\d{2})\b/g;
const CLOCK = /\b(\d{1,2}):(\d{2})(?::(\d{2}))?\b/g;

/**
 * Epoch milliseconds of a date-time text; NaN when it has the shape of one but names a day or
 * time that does not exist (month 13, 30 February, 24:00, 12:60); 'not_a_date' when it is no
 * date-time at all. ISO 8601 is read strictly (without an offset: UTC); other texts that
 * Date.parse reads (RFC 1123 as BareRTC sends) are checked for such days and times.
 */
export function readDateTime(text: string): number | 'not_a_date' {
  const iso = ISO.exec(text);
  if (iso !== null) {
    const [, year, month, day, hour, minute, second, zone, zoneHour, zoneMinute] = iso;
    const real =
      realDay(Number(year), Number(month), Number(day)) &&
      realClock(Number(hour), Number(minute), Number(second ?? 0)) &&
      (zoneHour === undefined || realClock(Number(zoneHour), Number(zoneMinute), 0));
    return real ? Date.parse(zone === undefined ? `${text}Z` : text) : NaN;
  }
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return 'not_a_date';
  return realDaysAndClocks(text) ? ms : NaN;
}

function realDaysAndClocks(text: string): boolean {
  for (const [, year, month, day] of text.matchAll(NUMERIC_DATE)) {
    if (!realDay(Number(year), Number(month), Number(day))) return false;
  }
  for (const [, day, month, year] of text.matchAll(DAY_MONTH_YEAR)) {
    if (!realDay(Number(year), monthNumber(month!), Number(day))) return false;
  }
  for (const [, month, day, year] of text.matchAll(MONTH_DAY_YEAR)) {
    if (!realDay(Number(year), monthNumber(month!), Number(day))) return false;
  }
  for (const [, hour, minute, second] of text.matchAll(CLOCK)) {
    if (!realClock(Number(hour), Number(minute), Number(second ?? 0))) return false;
  }
  return true;
}

function monthNumber(name: string): number {
  return MONTHS.indexOf(name.slice(0, 3).toLowerCase()) + 1;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Proleptic Gregorian, as ECMAScript dates are. */
function realDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= DAYS_IN_MONTH[month - 1]! + (month === 2 && leap ? 1 : 0);
}

function realClock(hour: number, minute: number, second: number): boolean {
  return hour <= 23 && minute <= 59 && second <= 59;
}

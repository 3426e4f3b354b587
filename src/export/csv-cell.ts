/** Characters that make a spreadsheet read a cell as a formula (OWASP CSV injection). */
const FORMULA_START = new Set([...'=+-@\t\r\n'].map((c) => c.charCodeAt(0)));
/** A plain number, negative included: left as it is, so it stays a number in a spreadsheet. */
const PLAIN_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * A value as a CSV cell: null is empty, numbers and booleans as they are, and text that a
 * spreadsheet would run as a formula (`=HYPERLINK(…)`, `@SUM`, `-2+3`, a leading tab or line
 * break) prefixed with `'`. Quoting (commas, quotes, line breaks) is the CSV writer's job.
 */
export function csvCell(value: string | number | boolean | null | undefined): string | number {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  // By character code, not a regular expression: exports test millions of cells.
  if (FORMULA_START.has(value.charCodeAt(0)) && !PLAIN_NUMBER.test(value)) return `'${value}`;
  return value;
}

const DAY_MS = 86_400_000;
let cachedDay = NaN;
let cachedDate = '';
/** "00"…"59" and "000"…"999": cheaper than padding every time. */
const TWO_DIGITS = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0'));

/** The furthest a JavaScript date reaches either side of 1970 (±100,000,000 days). */
const MAX_TIME_MS = 8.64e15;

/**
 * A stored value that is no time a date can show (out of range, not a number): written
 * as a marker with the value, so the row is kept and the value can be found.
 */
export function invalidTime(value: unknown): string {
  return `invalid time: ${typeof value === 'number' || typeof value === 'string' ? value : typeof value}`;
}

/**
 * Epoch milliseconds as ISO 8601 UTC (`2026-05-01T12:34:56.123Z`; years past 9999 or before 0
 * as `+275760-09-13T…`; a fraction of a millisecond cut off, as Date does), empty for null, and a
 * marker (`invalid time: …`) for anything else: one bad stored value must not break an export.
 */
export function isoTime(value: unknown): string {
  if (value === null || value === undefined) return '';
  // `!(… <= …)` is true for NaN too.
  if (typeof value !== 'number' || !(value <= MAX_TIME_MS && value >= -MAX_TIME_MS)) {
    return invalidTime(value);
  }
  const ms = Number.isInteger(value) ? value : Math.trunc(value);
  // Exports write millions of times, mostly of the same few days: the date part is cached.
  const day = Math.floor(ms / DAY_MS);
  if (day !== cachedDay) {
    cachedDay = day;
    // Everything up to the "T", however many digits the year has.
    cachedDate = new Date(day * DAY_MS).toISOString().slice(0, -13);
  }
  const rest = ms - day * DAY_MS;
  const h = Math.floor(rest / 3_600_000);
  const m = Math.floor((rest % 3_600_000) / 60_000);
  const s = Math.floor((rest % 60_000) / 1000);
  return `${cachedDate}${TWO_DIGITS[h]}:${TWO_DIGITS[m]}:${TWO_DIGITS[s]}.${THREE_DIGITS[rest % 1000]}Z`;
}

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

/** Epoch milliseconds as ISO 8601 UTC (`2026-05-01T12:34:56.123Z`), or empty. */
export function isoTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '';
  // Exports write millions of times, mostly of the same few days: the date part is cached.
  const day = Math.floor(ms / DAY_MS);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedDate = new Date(day * DAY_MS).toISOString().slice(0, 11);
  }
  const rest = ms - day * DAY_MS;
  const h = Math.floor(rest / 3_600_000);
  const m = Math.floor((rest % 3_600_000) / 60_000);
  const s = Math.floor((rest % 60_000) / 1000);
  return `${cachedDate}${TWO_DIGITS[h]}:${TWO_DIGITS[m]}:${TWO_DIGITS[s]}.${THREE_DIGITS[rest % 1000]}Z`;
}

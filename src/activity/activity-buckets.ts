/** Pure time bucketing and chart scaling for the activity page; no I/O. */

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** `count` consecutive buckets of `width` ms from `start`; bucket i is [start + i·width, +width). */
export type BucketWindow = { start: number; width: number; count: number };

/** The 24 UTC hours ending with the current, still running one. */
export function hourlyWindow(now: number): BucketWindow {
  return endingWith(now, HOUR_MS, 24);
}

/** The 30 UTC days ending with today, still running. */
export function dailyWindow(now: number): BucketWindow {
  return endingWith(now, DAY_MS, 30);
}

function endingWith(now: number, width: number, count: number): BucketWindow {
  const end = Math.floor(now / width) * width + width;
  return { start: end - count * width, width, count };
}

/** Where a window ends (exclusive). */
export function windowEnd(window: BucketWindow): number {
  return window.start + window.width * window.count;
}

/** The bucket a time falls in, or null outside the window. */
export function bucketOf(window: BucketWindow, at: number): number | null {
  if (at < window.start || at >= windowEnd(window)) return null;
  return Math.floor((at - window.start) / window.width);
}

/** One bucket's time range [from, to) to count, and whether it can still grow. */
export type BucketRange = { from: number; to: number; closed: boolean };

/**
 * The ranges to count for each bucket of a window as of `at`: a bucket that ended at least
 * `settleMs` ago is closed (rows are stamped with the time they arrive and never deleted, so
 * its count no longer changes); the running one is counted only up to `at`, never the future.
 */
export function bucketRanges(window: BucketWindow, at: number, settleMs: number): BucketRange[] {
  return Array.from({ length: window.count }, (_, i) => {
    const from = window.start + i * window.width;
    const end = from + window.width;
    return { from, to: Math.min(end, at + 1), closed: end <= at - settleMs };
  });
}

/** The smallest 1, 2 or 5 × 10^k at or above `max` (at least 1): the top of a chart's axis. */
export function niceCeiling(max: number): number {
  if (!(max > 1)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) {
    if (step * power >= max) return step * power;
  }
  return 10 * power;
}

/** The axis labels: 0, the middle when it is a whole number, and the top. */
export function axisTicks(ceiling: number): number[] {
  const middle = ceiling / 2;
  return Number.isInteger(middle) && middle > 0 ? [0, middle, ceiling] : [0, ceiling];
}

/** A bar's height in a plot `plotHeight` high, to a tenth, never below 0 or above the plot. */
export function barHeight(value: number, ceiling: number, plotHeight: number): number {
  if (!(value > 0) || !(ceiling > 0)) return 0;
  return Math.round(Math.min(1, value / ceiling) * plotHeight * 10) / 10;
}

/** A bucket's label: `HH:00` for hours, `MM-DD` for days (UTC). */
export function bucketLabel(window: BucketWindow, index: number): string {
  const iso = new Date(window.start + index * window.width).toISOString();
  return window.width < DAY_MS ? `${iso.slice(11, 13)}:00` : iso.slice(5, 10);
}

/** What a bucket spans, for its tooltip: `2026-05-01 12:00–13:00 UTC` or `2026-05-01 UTC`. */
export function bucketSpan(window: BucketWindow, index: number): string {
  const from = new Date(window.start + index * window.width).toISOString();
  if (window.width >= DAY_MS) return `${from.slice(0, 10)} UTC`;
  const to = new Date(window.start + (index + 1) * window.width).toISOString();
  return `${from.slice(0, 10)} ${from.slice(11, 16)}–${to.slice(11, 16)} UTC`;
}

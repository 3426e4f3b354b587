import { describe, expect, it } from 'vitest';
import {
  axisTicks,
  barHeight,
  bucketLabel,
  bucketOf,
  bucketSpan,
  dailyWindow,
  DAY_MS,
  bucketRanges,
  HOUR_MS,
  hourlyWindow,
  niceCeiling,
  windowEnd,
} from '../../src/activity/activity-buckets.ts';

const NOW = Date.UTC(2026, 4, 1, 12, 40, 0);

describe('hourlyWindow and dailyWindow', () => {
  it.each([
    ['mid-hour', NOW, Date.UTC(2026, 3, 30, 13), Date.UTC(2026, 4, 1, 13)],
    ['on the hour', Date.UTC(2026, 4, 1, 12), Date.UTC(2026, 3, 30, 13), Date.UTC(2026, 4, 1, 13)],
    [
      'a millisecond before',
      Date.UTC(2026, 4, 1, 12) - 1,
      Date.UTC(2026, 3, 30, 12),
      Date.UTC(2026, 4, 1, 12),
    ],
  ])('covers 24 whole UTC hours ending with the current one (%s)', (_, now, start, end) => {
    const w = hourlyWindow(now);
    expect(w).toEqual({ start, width: HOUR_MS, count: 24 });
    expect(windowEnd(w)).toBe(end);
  });

  it('covers 30 whole UTC days ending with today', () => {
    const w = dailyWindow(NOW);
    expect(w).toEqual({ start: Date.UTC(2026, 3, 2), width: DAY_MS, count: 30 });
    expect(windowEnd(w)).toBe(Date.UTC(2026, 4, 2));
  });
});

describe('bucketOf', () => {
  const w = hourlyWindow(NOW);
  it.each([
    [Date.UTC(2026, 3, 30, 13) - 1, null],
    [Date.UTC(2026, 3, 30, 13), 0],
    [Date.UTC(2026, 3, 30, 13, 59, 59, 999), 0],
    [Date.UTC(2026, 3, 30, 14), 1],
    [NOW, 23],
    [Date.UTC(2026, 4, 1, 13) - 1, 23],
    [Date.UTC(2026, 4, 1, 13), null],
  ])('puts %i in bucket %s', (at, bucket) => {
    expect(bucketOf(w, at)).toBe(bucket);
  });
});

describe('bucketRanges', () => {
  const w = { start: 0, width: 10, count: 4 };
  it.each([
    [
      'mid-window',
      25,
      0,
      [
        [0, 10, true],
        [10, 20, true],
        [20, 26, false],
        [30, 26, false],
      ],
    ],
    [
      'settling',
      25,
      6,
      [
        [0, 10, true],
        [10, 20, false],
        [20, 26, false],
        [30, 26, false],
      ],
    ],
    [
      'on a boundary',
      30,
      0,
      [
        [0, 10, true],
        [10, 20, true],
        [20, 30, true],
        [30, 31, false],
      ],
    ],
    [
      'past the end',
      100,
      0,
      [
        [0, 10, true],
        [10, 20, true],
        [20, 30, true],
        [30, 40, true],
      ],
    ],
  ] as const)(
    'counts closed buckets whole and the running one up to now (%s)',
    (_, at, settle, ranges) => {
      expect(bucketRanges(w, at, settle)).toEqual(
        ranges.map(([from, to, closed]) => ({ from, to, closed })),
      );
    },
  );
});

describe('niceCeiling and axisTicks', () => {
  it.each([
    [0, 1, [0, 1]],
    [1, 1, [0, 1]],
    [2, 2, [0, 1, 2]],
    [3, 5, [0, 5]],
    [7, 10, [0, 5, 10]],
    [10, 10, [0, 5, 10]],
    [11, 20, [0, 10, 20]],
    [199, 200, [0, 100, 200]],
    [4_321, 5_000, [0, 2_500, 5_000]],
    [50_001, 100_000, [0, 50_000, 100_000]],
  ])('the axis for a peak of %i tops at %i with ticks %j', (peak, ceiling, ticks) => {
    expect(niceCeiling(peak)).toBe(ceiling);
    expect(axisTicks(ceiling)).toEqual(ticks);
  });
});

describe('barHeight', () => {
  it.each([
    [0, 10, 120, 0],
    [5, 10, 120, 60],
    [10, 10, 120, 120],
    [1, 3, 100, 33.3],
    [20, 10, 120, 120],
    [-1, 10, 120, 0],
    [5, 0, 120, 0],
  ])('%i of %i in %i px is %d px', (value, ceiling, plot, height) => {
    expect(barHeight(value, ceiling, plot)).toBe(height);
  });
});

describe('bucketLabel and bucketSpan', () => {
  it('names hours and days in UTC', () => {
    const hours = hourlyWindow(NOW);
    expect(bucketLabel(hours, 0)).toBe('13:00');
    expect(bucketSpan(hours, 23)).toBe('2026-05-01 12:00–13:00 UTC');
    const days = dailyWindow(NOW);
    expect(bucketLabel(days, 29)).toBe('05-01');
    expect(bucketSpan(days, 0)).toBe('2026-04-02 UTC');
  });
});

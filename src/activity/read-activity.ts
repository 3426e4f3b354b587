import type Database from 'better-sqlite3';
import { perConnection } from '../db/per-connection.ts';
import type { Deps } from '../deps.ts';
import { bucketRanges, dailyWindow, hourlyWindow, type BucketWindow } from './activity-buckets.ts';

export const ACTIVITY_SERIES = ['messages', 'flags', 'decisions'] as const;
export type ActivitySeriesName = (typeof ACTIVITY_SERIES)[number];

export type Activity = {
  at: number;
  hourly: BucketWindow;
  daily: BucketWindow;
  /** Counts per bucket of each window, by series. */
  counts: Record<ActivitySeriesName, { hourly: number[]; daily: number[] }>;
  /** Messages with open flags: the queue's length without filters. */
  openItems: number;
  /** When the oldest open flag on a message was raised; null when the queue is empty. */
  oldestOpenAt: number | null;
};

/** A bucket this long past its end is final: a delivery is stamped and committed long before. */
export const SETTLE_MS = 2 * 60_000;

// One range count per bucket over each series' time index (messages_received_idx,
// flags_created_idx, decisions_created_idx). Measured at 1M messages, one
// `GROUP BY (ts - start) / width` query took 6x longer than these 30 range counts: SQLite sorts
// the grouped expression in a temporary b-tree, while a range count only steps the index.
// Flags of rules on trial (`logged`, fixed when raised) never enter the queue: not counted.
const COUNT_SQL: Record<ActivitySeriesName, string> = {
  messages: 'SELECT count(*) FROM messages WHERE received_at >= ? AND received_at < ?',
  flags: `SELECT count(*) FROM flags WHERE created_at >= ? AND created_at < ? AND status != 'logged'`,
  decisions: 'SELECT count(*) FROM decisions WHERE created_at >= ? AND created_at < ?',
};

const perDb = perConnection((sqlite: Database.Database) => ({
  count: Object.fromEntries(
    ACTIVITY_SERIES.map((name) => [name, sqlite.prepare(COUNT_SQL[name]).pluck()]),
  ) as Record<ActivitySeriesName, Database.Statement>,
  // Same rows as the queue's total (src/moderation/review-queue.ts), over flags_status_idx.
  open: sqlite.prepare(
    `SELECT count(DISTINCT message_id) AS n, min(created_at) AS oldest FROM flags
     WHERE status = 'open' AND message_id IS NOT NULL`,
  ),
  /** Counts of closed buckets, which never change: only the running ones are counted again. */
  settled: new Map<string, number>(),
}));

/**
 * Messages (by arrival), flags and decisions per hour over the last 24 h and per day over the
 * last 30 days (UTC, the current hour and day up to now included), the open-queue depth and
 * the age of its oldest item. Read-only; remembers the counts of buckets that have closed for
 * this connection, so a page view counts only the running hour and day (a few ms at 1M
 * messages).
 */
export function readActivity(deps: Pick<Deps, 'db' | 'now'>): Activity {
  const at = deps.now();
  const hourly = hourlyWindow(at);
  const daily = dailyWindow(at);
  const state = perDb(deps.db);
  const settled = new Map<string, number>();
  const countsOf = (name: ActivitySeriesName, window: BucketWindow) =>
    bucketRanges(window, at, SETTLE_MS).map(({ from, to, closed }) => {
      const key = `${name}:${from}:${to}`;
      const n =
        (closed ? state.settled.get(key) : undefined) ??
        (state.count[name].get(from, to) as number);
      if (closed) settled.set(key, n);
      return n;
    });
  const counts = Object.fromEntries(
    ACTIVITY_SERIES.map((name) => [
      name,
      { hourly: countsOf(name, hourly), daily: countsOf(name, daily) },
    ]),
  ) as Activity['counts'];
  // Keeps only what this window still shows, so the memory stays at 54 buckets per series.
  state.settled = settled;
  const open = state.open.get() as { n: number; oldest: number | null };
  return { at, hourly, daily, counts, openItems: open.n, oldestOpenAt: open.oldest };
}

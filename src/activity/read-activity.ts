import type Database from 'better-sqlite3';
import { perConnection } from '../db/per-connection.ts';
import type { Deps } from '../deps.ts';
import {
  dailyWindow,
  fillBuckets,
  hourlyWindow,
  windowEnd,
  type BucketWindow,
} from './activity-buckets.ts';

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

// Each counts over its own time index (messages_received_idx, flags_created_idx,
// decisions_created_idx): a range scan, grouped by bucket = (ts - start) / width, which SQLite
// divides as integers. Flags of rules on trial (`logged`) never enter the queue: not counted.
const SQL: Record<ActivitySeriesName, string> = {
  messages: `SELECT (received_at - :start) / :width AS bucket, count(*) AS n FROM messages
    WHERE received_at >= :start AND received_at < :end GROUP BY bucket`,
  flags: `SELECT (created_at - :start) / :width AS bucket, count(*) AS n FROM flags
    WHERE created_at >= :start AND created_at < :end AND status != 'logged' GROUP BY bucket`,
  decisions: `SELECT (created_at - :start) / :width AS bucket, count(*) AS n FROM decisions
    WHERE created_at >= :start AND created_at < :end GROUP BY bucket`,
};

const statements = perConnection((sqlite: Database.Database) => ({
  series: Object.fromEntries(
    ACTIVITY_SERIES.map((name) => [name, sqlite.prepare(SQL[name])]),
  ) as Record<ActivitySeriesName, Database.Statement>,
  // Same rows as the queue's total (src/moderation/review-queue.ts), over flags_status_idx.
  open: sqlite.prepare(
    `SELECT count(DISTINCT message_id) AS n, min(created_at) AS oldest FROM flags
     WHERE status = 'open' AND message_id IS NOT NULL`,
  ),
}));

function countIn(statement: Database.Statement, window: BucketWindow): number[] {
  const rows = statement.all({
    start: window.start,
    width: window.width,
    end: windowEnd(window),
  }) as { bucket: number; n: number }[];
  return fillBuckets(window, rows);
}

/**
 * Messages (by arrival), flags and decisions per hour over the last 24 h and per day over the
 * last 30 days (UTC, the current hour and day included), the open-queue depth and the age of
 * its oldest item. Read-only.
 */
export function readActivity(deps: Pick<Deps, 'db' | 'now'>): Activity {
  const at = deps.now();
  const hourly = hourlyWindow(at);
  const daily = dailyWindow(at);
  const prepared = statements(deps.db);
  const counts = Object.fromEntries(
    ACTIVITY_SERIES.map((name) => {
      const statement = prepared.series[name];
      return [name, { hourly: countIn(statement, hourly), daily: countIn(statement, daily) }];
    }),
  ) as Activity['counts'];
  const open = prepared.open.get() as { n: number; oldest: number | null };
  return { at, hourly, daily, counts, openItems: open.n, oldestOpenAt: open.oldest };
}

import type Database from 'better-sqlite3';
import type { Db } from '../db/client.ts';
import { perConnection } from '../db/per-connection.ts';
import type { ChannelMode, ScreenNameMode } from '../channels/list-channels.ts';
import { feedTime, sentAtWindow } from './feed-time.ts';

/** How many messages a feed carries at most (JSON, RSS, and what an overlay can hold). */
export const FEED_LIMIT = 50;

/**
 * How many of a channel's newest messages are searched for visible ones: bounds the read when
 * a pre-moderated channel holds thousands of pending or rejected messages. A live display
 * only needs the recent ones.
 */
const SCAN_WINDOW = 5000;

/** One message as every display format shows it; `screenName` is null when hidden. */
export type FeedItem = {
  id: number;
  text: string;
  screenName: string | null;
  highlighted: boolean;
  /** ISO 8601, UTC: the send time, or the receive time when the send time is implausible. */
  sentAt: string;
  /** The channel's label, when an admin gave it one. */
  channel: string | null;
};

type ChannelRow = { id: number; mode: ChannelMode; screenNames: ScreenNameMode; label: string };
type MessageRow = {
  id: number;
  text: string;
  screenName: string;
  state: string;
  /** As stored: anything a sender's mapping or an old version wrote. */
  sentAt: unknown;
  receivedAt: unknown;
};

type MessageQuery = {
  channel: number;
  scan: number;
  mode: ChannelMode;
  limit: number;
  from: number;
  to: number;
};

const MAX_SHORT = 12;

/**
 * A screen name as a channel's setting shows it: in full, shortened (first name and the last
 * name's initial, "Ada Lovelace" → "Ada L.", and at most 12 characters), or hidden (null).
 */
export function displayedScreenName(name: string, mode: ScreenNameMode): string | null {
  if (mode === 'hide') return null;
  if (mode === 'show') return name;
  const words = name.trim().split(/\s+/u).filter(Boolean);
  const first = words[0] ?? '';
  const last = words.length > 1 ? words.at(-1)! : '';
  const initial = last === '' ? '' : ` ${Array.from(last)[0]!}.`;
  const chars = Array.from(first);
  const head = chars.length > MAX_SHORT ? `${chars.slice(0, MAX_SHORT).join('')}…` : first;
  return `${head}${initial}`;
}

const statements = perConnection((sqlite: Database.Database) => ({
  channels: sqlite.prepare<[number], ChannelRow>(
    `SELECT c.id, c.mode, c.screen_names AS screenNames, c.label
     FROM display_channels dc JOIN channels c ON c.id = dc.channel_id WHERE dc.display_id = ?`,
  ),
  // Visibility: post → every non-deleted text message not rejected; pre → only approved or
  // highlighted ones. Newest first by send time over the channel's index; messages whose send
  // time is implausible (src/display/feed-time.ts) come from their own index range and count
  // by their receive time, so they are neither pinned on top nor lost below.
  messages: sqlite.prepare<[MessageQuery], MessageRow>(
    `SELECT id, text, screenName, state, sentAt, receivedAt FROM (
       SELECT * FROM (
         SELECT m.id, m.text, m.screen_name AS screenName, m.moderation_state AS state,
           m.sent_at AS sentAt, m.received_at AS receivedAt, m.deleted_at AS deletedAt
         FROM messages m WHERE m.channel_id = @channel AND m.sent_at BETWEEN @from AND @to
         ORDER BY m.sent_at DESC, m.id DESC LIMIT @scan)
       UNION ALL
       SELECT * FROM (
         SELECT m.id, m.text, m.screen_name AS screenName, m.moderation_state AS state,
           m.sent_at AS sentAt, m.received_at AS receivedAt, m.deleted_at AS deletedAt
         FROM messages m WHERE m.channel_id = @channel AND (m.sent_at < @from OR m.sent_at > @to)
         ORDER BY m.received_at DESC, m.id DESC LIMIT @scan))
     WHERE deletedAt IS NULL AND text <> ''
       AND (CASE @mode WHEN 'pre' THEN state IN ('approved', 'highlighted') ELSE state <> 'rejected' END)
     ORDER BY (CASE WHEN sentAt BETWEEN @from AND @to THEN sentAt ELSE receivedAt END) DESC, id DESC
     LIMIT @limit`,
  ),
}));

/**
 * The visible messages of a display's channels at `now`, newest first, at most `limit`. Any
 * stored time is shown as a valid one (src/display/feed-time.ts).
 */
export function readDisplayFeed(
  db: Db,
  displayId: number,
  now: number,
  limit = FEED_LIMIT,
): FeedItem[] {
  const s = statements(db);
  const { from, to } = sentAtWindow(now);
  const items: (FeedItem & { at: number })[] = [];
  for (const channel of s.channels.all(displayId)) {
    const query = { channel: channel.id, scan: SCAN_WINDOW, mode: channel.mode, limit, from, to };
    for (const m of s.messages.all(query)) {
      const at = feedTime(m.sentAt, m.receivedAt, now);
      items.push({
        id: m.id,
        text: m.text,
        screenName: displayedScreenName(m.screenName, channel.screenNames),
        highlighted: m.state === 'highlighted',
        sentAt: new Date(at).toISOString(),
        channel: channel.label,
        at,
      });
    }
  }
  items.sort((a, b) => b.at - a.at || b.id - a.id);
  return items.slice(0, limit).map(({ at: _at, ...item }) => item);
}

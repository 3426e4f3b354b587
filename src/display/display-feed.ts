import type Database from 'better-sqlite3';
import type { Db } from '../db/client.ts';
import { perConnection } from '../db/per-connection.ts';
import type { ChannelMode, ScreenNameMode } from '../channels/list-channels.ts';

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
  /** ISO 8601, UTC. */
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
  sentAt: number;
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
  // Visibility (scratch/PREMOD-CONTRACT.md): post → every non-deleted text message not
  // rejected; pre → only approved or highlighted ones. Newest first over the channel's index.
  messages: sqlite.prepare<[number, number, string, number], MessageRow>(
    `SELECT id, text, screenName, state, sentAt FROM (
       SELECT m.id, m.text, m.screen_name AS screenName, m.moderation_state AS state,
         m.sent_at AS sentAt, m.deleted_at AS deletedAt
       FROM messages m WHERE m.channel_id = ? ORDER BY m.sent_at DESC, m.id DESC LIMIT ?)
     WHERE deletedAt IS NULL AND text <> ''
       AND (CASE ? WHEN 'pre' THEN state IN ('approved', 'highlighted') ELSE state <> 'rejected' END)
     ORDER BY sentAt DESC, id DESC LIMIT ?`,
  ),
}));

/** The visible messages of a display's channels, newest first, at most `limit`. */
export function readDisplayFeed(db: Db, displayId: number, limit = FEED_LIMIT): FeedItem[] {
  const s = statements(db);
  const items: (FeedItem & { at: number })[] = [];
  for (const channel of s.channels.all(displayId)) {
    for (const m of s.messages.all(channel.id, SCAN_WINDOW, channel.mode, limit)) {
      items.push({
        id: m.id,
        text: m.text,
        screenName: displayedScreenName(m.screenName, channel.screenNames),
        highlighted: m.state === 'highlighted',
        sentAt: new Date(m.sentAt).toISOString(),
        channel: channel.label,
        at: m.sentAt,
      });
    }
  }
  items.sort((a, b) => b.at - a.at || b.id - a.id);
  return items.slice(0, limit).map(({ at: _at, ...item }) => item);
}

import type { Db } from '../db/client.ts';
import { channelDisplayName } from '../channels/channel-name.ts';

export const MESSAGE_STATES = ['unreviewed', 'approved', 'highlighted', 'rejected'] as const;

export type MessageListFilters = {
  sourceId?: string;
  /** A channel's external id (what exports and links carry). */
  channel?: string;
  /** A sender's external id, or part of their screen name. */
  sender?: string;
  /** Part of the message text. */
  q?: string;
  state?: (typeof MESSAGE_STATES)[number];
  /** Sent at or after / before (epoch ms). */
  since?: number;
  until?: number;
};

export type MessageListRow = {
  id: number;
  text: string;
  screenName: string;
  channelExternalId: string;
  /** channelDisplayName of the channel. */
  channelName: string;
  sourceName: string;
  sentAt: number;
  state: string;
  openFlags: number;
};

const likeEscape = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * All messages, not only flagged ones, newest first, filtered; with a channel filter it is that
 * channel's timeline. Each row names its channel (channelDisplayName) and source. Read-only;
 * `hasMore` says whether another page follows.
 */
export function listMessages(
  db: Db,
  filters: MessageListFilters,
  page = 1,
  pageSize = 50,
): { rows: MessageListRow[]; page: number; hasMore: boolean } {
  const clauses: string[] = [];
  const params: (string | number)[] = [];
  const add = (clause: string, ...values: (string | number)[]) => {
    clauses.push(clause);
    params.push(...values);
  };
  if (filters.sourceId) add('m.source_id = ?', filters.sourceId);
  if (filters.channel) add('c.external_id = ?', filters.channel);
  if (filters.sender) {
    add(
      "(m.sender_id IN (SELECT id FROM senders WHERE external_id = ?) OR m.screen_name LIKE ? ESCAPE '\\')",
      filters.sender,
      `%${likeEscape(filters.sender)}%`,
    );
  }
  if (filters.q) add("m.text LIKE ? ESCAPE '\\'", `%${likeEscape(filters.q)}%`);
  if (filters.state) add('m.moderation_state = ?', filters.state);
  if (filters.since !== undefined) add('m.sent_at >= ?', filters.since);
  if (filters.until !== undefined) add('m.sent_at < ?', filters.until);
  const where = clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`;
  const current = Math.max(1, page);
  const rows = db.$client
    .prepare(
      `SELECT m.id, m.text, m.screen_name, c.external_id AS channel_external_id,
         c.label AS channel_label, s.name AS source_name, m.sent_at, m.moderation_state,
         (SELECT count(*) FROM flags f WHERE f.message_id = m.id AND f.status = 'open') AS open_flags
       FROM messages m JOIN channels c ON c.id = m.channel_id JOIN sources s ON s.id = m.source_id
       ${where}
       ORDER BY m.sent_at DESC, m.id DESC LIMIT ? OFFSET ?`,
    )
    .all(...params, pageSize + 1, (current - 1) * pageSize) as {
    id: number;
    text: string;
    screen_name: string;
    channel_external_id: string;
    channel_label: string | null;
    source_name: string;
    sent_at: number;
    moderation_state: string;
    open_flags: number;
  }[];
  return {
    page: current,
    hasMore: rows.length > pageSize,
    rows: rows.slice(0, pageSize).map((r) => ({
      id: r.id,
      text: r.text,
      screenName: r.screen_name,
      channelExternalId: r.channel_external_id,
      channelName: channelDisplayName({
        label: r.channel_label,
        externalId: r.channel_external_id,
      }),
      sourceName: r.source_name,
      sentAt: r.sent_at,
      state: r.moderation_state,
      openFlags: r.open_flags,
    })),
  };
}

export type MessageFilterChoices = {
  sources: { id: string; name: string }[];
  /** One entry per channel external id (what the filter takes), named as people know it. */
  channels: { externalId: string; name: string; sourceName: string }[];
};

/** The sources and channels the filters offer, by name. */
export function messageFilterChoices(db: Db): MessageFilterChoices {
  const sources = db.$client
    .prepare('SELECT id, name FROM sources ORDER BY name, created_at, id')
    .all() as { id: string; name: string }[];
  const channelRows = db.$client
    .prepare(
      `SELECT c.external_id AS externalId, c.label, s.name AS sourceName
       FROM channels c JOIN sources s ON s.id = c.source_id ORDER BY s.name, c.id`,
    )
    .all() as { externalId: string; label: string | null; sourceName: string }[];
  const seen = new Set<string>();
  const channels: MessageFilterChoices['channels'] = [];
  for (const row of channelRows) {
    if (seen.has(row.externalId)) continue;
    seen.add(row.externalId);
    channels.push({
      externalId: row.externalId,
      name: channelDisplayName(row),
      sourceName: row.sourceName,
    });
  }
  channels.sort((a, b) => a.name.localeCompare(b.name) || a.sourceName.localeCompare(b.sourceName));
  return { sources, channels };
}

import type { Db } from '../db/client.ts';

export type MessageFilters = {
  sourceId?: string;
  channel?: string;
  sender?: string;
  q?: string;
  state?: 'unreviewed' | 'approved' | 'highlighted' | 'rejected';
};

export type MessageRow = {
  id: number;
  text: string;
  screenName: string;
  channelExternalId: string;
  sentAt: number;
  state: string;
  openFlags: number;
};

const likeEscape = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * All messages, not only flagged ones, newest first, filtered; with a channel filter it is that
 * channel's timeline. Read-only; `hasMore` says whether another page follows.
 */
export function browseMessages(
  db: Db,
  filters: MessageFilters,
  page = 1,
  pageSize = 50,
): { rows: MessageRow[]; page: number; hasMore: boolean } {
  const clauses: string[] = [];
  const params: (string | number)[] = [];
  const add = (clause: string, ...values: (string | number)[]) => {
    clauses.push(clause);
    params.push(...values);
  };
  if (filters.sourceId) add('m.source_id = ?', filters.sourceId);
  if (filters.channel)
    add('m.channel_id IN (SELECT id FROM channels WHERE external_id = ?)', filters.channel);
  if (filters.sender) {
    add(
      "(m.sender_id IN (SELECT id FROM senders WHERE external_id = ?) OR m.screen_name LIKE ? ESCAPE '\\')",
      filters.sender,
      `%${likeEscape(filters.sender)}%`,
    );
  }
  if (filters.q) add("m.text LIKE ? ESCAPE '\\'", `%${likeEscape(filters.q)}%`);
  if (filters.state) add('m.moderation_state = ?', filters.state);
  const where = clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`;
  const current = Math.max(1, page);
  const rows = db.$client
    .prepare(
      `SELECT m.id, m.text, m.screen_name, c.external_id AS channel_external_id, m.sent_at,
         m.moderation_state,
         (SELECT count(*) FROM flags f WHERE f.message_id = m.id AND f.status = 'open') AS open_flags
       FROM messages m JOIN channels c ON c.id = m.channel_id ${where}
       ORDER BY m.sent_at DESC, m.id DESC LIMIT ? OFFSET ?`,
    )
    .all(...params, pageSize + 1, (current - 1) * pageSize) as {
    id: number;
    text: string;
    screen_name: string;
    channel_external_id: string;
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
      sentAt: r.sent_at,
      state: r.moderation_state,
      openFlags: r.open_flags,
    })),
  };
}

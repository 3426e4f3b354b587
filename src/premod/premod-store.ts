import type Database from 'better-sqlite3';
import { perConnection } from '../db/per-connection.ts';

// Data access of pre-moderation, which runs inside every ingest transaction: prepared statements
// only (a drizzle query built per message costs ~40% of ingest throughput).

/** A channel's pre-moderation settings (see channels in src/db/schema.ts). */
export type ChannelSettings = {
  mode: 'post' | 'pre';
  approve_trusted: 0 | 1;
  reject_blocked: 0 | 1;
  similar_distance: number;
  emoji_repeat_seconds: number;
};

export type PatternRow = {
  id: number;
  channel_id: number | null;
  normalized_text: string;
  max_distance: number;
};

export type PendingCandidate = { id: number; text: string; decision_id: number | null };

function prepareAll(sqlite: Database.Database) {
  return {
    channelSettings: sqlite.prepare<[number], ChannelSettings & { id: number }>(
      `SELECT id, mode, approve_trusted, reject_blocked, similar_distance, emoji_repeat_seconds
       FROM channels WHERE id = ?`,
    ),
    /** O(1) on the rowid: tells whether a pattern was added since the cache was loaded. */
    patternRevision: sqlite.prepare<[], { revision: number | null }>(
      'SELECT max(id) AS revision FROM blocked_patterns',
    ),
    activePatterns: sqlite.prepare<[], PatternRow>(
      `SELECT id, channel_id, normalized_text, max_distance FROM blocked_patterns
       WHERE disabled_at IS NULL ORDER BY id`,
    ),
    insertPattern: sqlite.prepare<[number, string, number, number, string, number]>(
      `INSERT INTO blocked_patterns (channel_id, normalized_text, max_distance, message_id, actor,
         created_at) VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    insertPendingFlag: sqlite.prepare<[number, number | null, number]>(
      `INSERT INTO flags (message_id, sender_id, origin, severity, status, reason, actor,
         created_at)
       VALUES (?, ?, 'pending', 'low', 'open',
         'Pre-moderated channel: waiting for approval', 'pre-moderation', ?)`,
    ),
    /** A serious open flag (medium or high) holds a trusted sender's message back. */
    seriousOpenFlag: sqlite.prepare<[number], { id: number }>(
      `SELECT id FROM flags WHERE message_id = ? AND status = 'open'
       AND severity IN ('medium', 'high') LIMIT 1`,
    ),
    insertSenderFlag: sqlite.prepare<[number, number | null, number]>(
      `INSERT INTO flags (message_id, sender_id, origin, severity, status, reason, actor,
         created_at)
       VALUES (?, ?, 'sender', 'high', 'open', 'sender is blocked', 'system', ?)`,
    ),
    /** Served by messages_channel_sent_idx: the window's rows of one channel only. */
    approvedSameText: sqlite.prepare<[number, number, number, string, number], { id: number }>(
      `SELECT id FROM messages
       WHERE channel_id = ? AND sent_at >= ? AND sent_at <= ? AND normalized_text = ? AND id <> ?
       AND moderation_state IN ('approved', 'highlighted') AND deleted_at IS NULL
       ORDER BY sent_at DESC LIMIT 1`,
    ),
    messageForSimilar: sqlite.prepare<
      [number],
      { id: number; channel_id: number; text: string; state: string; decision_id: number | null }
    >(
      `SELECT id, channel_id, text, moderation_state AS state, decision_id FROM messages
       WHERE id = ?`,
    ),
    /** Messages of a channel with an open pending flag (served by flags_status_idx). */
    pendingInChannel: sqlite.prepare<[number], PendingCandidate>(
      `SELECT m.id, m.text, m.decision_id FROM messages m
       WHERE m.channel_id = ? AND m.moderation_state <> 'rejected' AND m.id IN (
         SELECT message_id FROM flags WHERE status = 'open' AND origin = 'pending')
       ORDER BY m.id`,
    ),
    insertAudit: sqlite.prepare<[number, string, string, string, string, string]>(
      `INSERT INTO audit_log (at, actor, action, target_type, target_id, details_json)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ),
  };
}

export type PremodStore = ReturnType<typeof prepareAll>;

/** The prepared statements of pre-moderation for a connection, prepared once. */
export const premodStore = perConnection(prepareAll);

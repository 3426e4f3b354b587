import type { Db } from '../db/client.ts';

export type BlockedPatternSummary = {
  id: number;
  /** null: the pattern applies in every channel. */
  channelId: number | null;
  normalizedText: string;
  maxDistance: number;
  messageId: number | null;
  actor: string;
  createdAt: number;
};

/** The active blocked patterns that apply in a channel (its own and the global ones), newest first. */
export function listBlockedPatterns(db: Db, channelId: number): BlockedPatternSummary[] {
  return db.$client
    .prepare(
      `SELECT id, channel_id AS channelId, normalized_text AS normalizedText,
         max_distance AS maxDistance, message_id AS messageId, actor, created_at AS createdAt
       FROM blocked_patterns
       WHERE disabled_at IS NULL AND (channel_id = ? OR channel_id IS NULL)
       ORDER BY id DESC`,
    )
    .all(channelId) as BlockedPatternSummary[];
}

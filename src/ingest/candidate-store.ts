import type Database from 'better-sqlite3';
import { perConnection } from '../db/per-connection.ts';

// A before-send candidate is the message a pre-delivery check stored (Stream before-send); it
// is the row whose delivery is that check until the push of the published message completes it.
// Prepared statements only: both ends run on hot paths.

export type CandidateRow = {
  id: number;
  text: string;
  state: 'unreviewed' | 'approved' | 'highlighted' | 'rejected';
  reactions_json: string;
  channel_external_id: string;
};

function prepareAll(sqlite: Database.Database) {
  return {
    /** The message if it is a candidate not completed yet. */
    candidate: sqlite.prepare<[number], CandidateRow>(
      `SELECT m.id, m.text, m.moderation_state AS state, m.reactions_json,
         c.external_id AS channel_external_id
       FROM messages m JOIN deliveries d ON d.id = m.delivery_id
         JOIN channels c ON c.id = m.channel_id
       WHERE m.id = ? AND d.kind = 'before_send'`,
    ),
    /** Completes a candidate from its push: the push becomes its delivery. */
    complete: sqlite.prepare<{
      id: number;
      deliveryId: number;
      sentAt: number;
      screenName: string;
      senderId: number | null;
    }>(
      `UPDATE messages SET delivery_id = @deliveryId, sent_at = @sentAt,
         screen_name = CASE WHEN @screenName <> '' THEN @screenName ELSE screen_name END,
         sender_id = coalesce(sender_id, @senderId)
       WHERE id = @id`,
    ),
    setOriginalText: sqlite.prepare<[string, number]>(
      'UPDATE messages SET original_text = ? WHERE id = ?',
    ),
  };
}

/** The prepared statements of before-send candidates for a connection, prepared once. */
export const candidateStore = perConnection(prepareAll);

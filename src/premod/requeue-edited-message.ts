import type Database from 'better-sqlite3';
import { appendAudit } from '../audit/append-audit.ts';
import type { Db } from '../db/client.ts';
import { perConnection } from '../db/per-connection.ts';
import { PREMOD_ACTOR } from './premoderate-message.ts';
import { premodStore } from './premod-store.ts';

const statements = perConnection((sqlite: Database.Database) => ({
  shown: sqlite.prepare<[number], { moderation_state: string; mode: string }>(
    `SELECT m.moderation_state, c.mode FROM messages m JOIN channels c ON c.id = m.channel_id
     WHERE m.id = ?`,
  ),
  hide: sqlite.prepare<[number]>(
    "UPDATE messages SET moderation_state = 'unreviewed', decision_id = NULL WHERE id = ?",
  ),
}));

/**
 * In a pre-moderated channel, an approved or highlighted message whose text the sender edits
 * leaves the display and waits for approval again (an approval covered the text a moderator
 * read, not what it was changed to). Runs inside the edit's transaction; audited as
 * `message.edit_requeued`. Returns whether it requeued the message. Rejected, pending and
 * post-channel messages are left as they are (the rules have already run on the new text).
 */
export function requeueEditedMessage(
  db: Db,
  message: { id: number; senderId: number | null },
  now: number,
): boolean {
  const { shown, hide } = statements(db);
  const row = shown.get(message.id);
  if (row === undefined || row.mode !== 'pre') return false;
  if (row.moderation_state !== 'approved' && row.moderation_state !== 'highlighted') return false;
  hide.run(message.id);
  premodStore(db).insertPendingFlag.run(message.id, message.senderId, now);
  appendAudit(db, {
    at: now,
    actor: PREMOD_ACTOR,
    action: 'message.edit_requeued',
    targetType: 'message',
    targetId: String(message.id),
    details: { was: row.moderation_state },
  });
  return true;
}

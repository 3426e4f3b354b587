import type { MessageFacts } from './compile-rule.ts';
import { createTextView } from './match-text.ts';

/** A stored message as replays of rules read it (try-rules.ts, dry-run-rule.ts). */
export type StoredMessage = {
  id: number;
  source_id: string;
  channel_id: number;
  channel_external_id: string;
  sender_id: number | null;
  sender_first_seen_at: number | null;
  sent_at: number;
  received_at: number;
  screen_name: string;
  text: string;
  reactions_json: string;
};

/** The facts a rule sees of a stored message, as it saw them when the message arrived. */
export function factsOfStoredMessage(row: StoredMessage): MessageFacts {
  return {
    id: row.id,
    sourceId: row.source_id,
    channelId: row.channel_id,
    channelExternalId: row.channel_external_id,
    senderId: row.sender_id,
    senderFirstSeenAt: row.sender_first_seen_at,
    sentAt: row.sent_at,
    receivedAt: row.received_at,
    view: createTextView(row.text),
    reactions: JSON.parse(row.reactions_json) as MessageFacts['reactions'],
  };
}

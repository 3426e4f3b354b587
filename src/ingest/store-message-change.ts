import type { Db } from '../db/client.ts';
import { requeueEditedMessage } from '../premod/requeue-edited-message.ts';
import { evaluateMessage } from '../rules/evaluate-message.ts';
import { createTextView } from '../rules/match-text.ts';
import type { IncomingDeletion, IncomingEdit, ReactionSnapshot } from './incoming-event.ts';
import { ingestStore } from './ingest-store.ts';
import { insertDelivery, insertNewMessage, type AcceptedDelivery } from './store-event.ts';

/**
 * Stores an edit of a message in one transaction: the edit (text before and after) is appended
 * to message_edits, the message takes the new text, and the text rules run again on it; a new
 * open flag on an approved or highlighted message puts it back in the queue, and so does any
 * edit of one in a pre-moderated channel (src/premod/requeue-edited-message.ts). An edit that
 * leaves the text as it was (Stream also sends message.updated for pins and the like) changes
 * nothing but the delivery row. An edit of a message not seen before stores the message.
 */
export function storeEdit(db: Db, delivery: AcceptedDelivery, event: IncomingEdit): void {
  const store = ingestStore(db);
  db.$client.transaction(() => {
    const { sourceId, receivedAt } = delivery;
    const deliveryId = insertDelivery(store, delivery, 'accepted');
    const stored = store.messageForChange.get(sourceId, event.externalId);
    if (stored === undefined) {
      const messageId = insertNewMessage(db, delivery, deliveryId, event);
      store.markEdited.run(event.editedAt, messageId);
      return;
    }
    if (stored.text === event.text) return;
    const view = createTextView(event.text);
    store.insertEdit.run(
      stored.id,
      stored.text,
      event.text,
      event.editedAt,
      receivedAt,
      deliveryId,
    );
    store.setMessageText.run(event.text, view.folded().text, event.editedAt, stored.id);
    evaluateMessage(
      db,
      {
        id: stored.id,
        sourceId,
        channelId: stored.channel_id,
        channelExternalId: event.channelExternalId,
        senderId: stored.sender_id,
        senderFirstSeenAt: stored.sender_first_seen_at,
        sentAt: stored.sent_at,
        receivedAt,
        view,
        reactions: JSON.parse(stored.reactions_json) as ReactionSnapshot,
      },
      stored.sender_status,
      receivedAt,
      { edit: true },
    );
    requeueEditedMessage(db, { id: stored.id, senderId: stored.sender_id }, receivedAt);
  })();
}

/**
 * Marks a message deleted by its sender (a tombstone): its text, flags and decisions stay, so
 * moderators still see what was said. A deletion of a message not seen before stores the
 * message first. Idempotent: the first deletion time is kept.
 */
export function storeDeletion(db: Db, delivery: AcceptedDelivery, event: IncomingDeletion): void {
  const store = ingestStore(db);
  db.$client.transaction(() => {
    const deliveryId = insertDelivery(store, delivery, 'accepted');
    const messageId =
      store.messageId.get(delivery.sourceId, event.externalId)?.id ??
      insertNewMessage(db, delivery, deliveryId, event);
    store.markDeleted.run(event.deletedAt, messageId);
  })();
}

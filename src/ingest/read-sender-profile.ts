import type { Db } from '../db/client.ts';
import type { ProfileQuery } from './incoming-event.ts';
import { ingestStore } from './ingest-store.ts';
import type { SenderProfile } from './senders/sender-adapter.ts';
import { insertDelivery, type AcceptedDelivery } from './store-event.ts';

/**
 * Answers a sender's question about one of its users (BareRTC profile) with what modhook knows:
 * messages seen, open flags, rejected messages, first seen, status. Records the delivery; for
 * the caller's transaction, so the facts are read as committed with it.
 */
export function readSenderProfile(
  db: Db,
  delivery: AcceptedDelivery,
  query: ProfileQuery,
): SenderProfile {
  const store = ingestStore(db);
  insertDelivery(store, delivery, 'accepted');
  const sender = store.senderByExternalId.get(delivery.sourceId, query.senderExternalId);
  if (sender === undefined) {
    return {
      known: false,
      messages: 0,
      openFlags: 0,
      rejectedMessages: 0,
      firstSeenAt: null,
      status: null,
    };
  }
  const facts = store.senderFacts.get(sender.id, sender.id, sender.id, sender.id)!;
  return {
    known: true,
    messages: facts.messages,
    openFlags: facts.open_flags,
    rejectedMessages: facts.rejected,
    firstSeenAt: sender.first_seen_at,
    status: sender.status,
  };
}

import type { Db } from '../db/client.ts';
import { recordDuplicate } from './record-duplicate.ts';
import { reopenIfDecided } from '../rules/evaluate-message.ts';
import { rulesStore } from '../rules/rules-store.ts';
import type { IncomingReport } from './incoming-event.ts';
import { ingestStore } from './ingest-store.ts';
import { insertDelivery, insertNewMessage, type AcceptedDelivery } from './store-event.ts';

/**
 * Stores a report in one transaction: the reported message (and its sender) unless already
 * stored, the reporter as a sender of the source, and an open flag of origin `report` with the
 * reason, comment and reporter. The same reporter reporting the same message for the same reason
 * again adds no second flag (`duplicate`). A reported message that was approved goes back to
 * the queue.
 */
export function storeReport(
  db: Db,
  delivery: AcceptedDelivery,
  event: IncomingReport,
): 'accepted' | 'duplicate' {
  const store = ingestStore(db);
  return db.$client.transaction(() => {
    const { sourceId, receivedAt } = delivery;
    const existing = store.messageForChange.get(sourceId, event.message.externalId);
    const reporterSenderId =
      event.reporterExternalId === null || event.reporter === null
        ? null
        : store.upsertSender.get({
            sourceId,
            externalId: event.reporterExternalId,
            at: receivedAt,
            ...event.reporter,
          })!.id;
    if (
      existing !== undefined &&
      store.reportFlagExists.get(existing.id, reporterSenderId, event.reason) !== undefined
    ) {
      recordDuplicate(db, delivery);
      return 'duplicate' as const;
    }
    const deliveryId = insertDelivery(store, delivery, 'accepted');
    const messageId = existing?.id ?? insertNewMessage(db, delivery, deliveryId, event.message);
    const authorId =
      existing?.sender_id ??
      store.messageForChange.get(sourceId, event.message.externalId)?.sender_id ??
      null;
    store.insertReportFlag.run({
      messageId,
      senderId: authorId,
      severity: 'medium',
      reason: event.reason,
      comment: event.comment === '' ? null : event.comment,
      reporterSenderId,
      actor: event.reporterExternalId ?? 'sender',
      createdAt: receivedAt,
    });
    reopenIfDecided(rulesStore(db), messageId, receivedAt, 'a report');
    return 'accepted' as const;
  })();
}

import type { Db } from '../db/client.ts';
import type { RejectionReason } from './delivery-outcome.ts';
import { REJECTION_STATUS } from './delivery-outcome.ts';
import { ingestStore, UNKNOWN_SOURCE_KEY, type DeliveryRow } from './ingest-store.ts';
import { keepNewestDeliveries } from './keep-newest-deliveries.ts';

/**
 * Records a rejected request: a delivery row without its body, a bump of the per-reason
 * counter, and when due a trim of the source's oldest rejected rows (and challenge rows, for a
 * refused URL check), so unauthenticated traffic stays bounded (keepNewestDeliveries). A
 * request for an unknown source only bumps the shared counter.
 */
export function recordRejection(
  db: Db,
  row: Omit<DeliveryRow, 'outcome' | 'status' | 'body' | 'secretId' | 'reason' | 'webhookId'> & {
    reason: RejectionReason;
    sourceKnown: boolean;
  },
): void {
  const store = ingestStore(db);
  if (!row.sourceKnown) {
    store.bumpRejection.run(UNKNOWN_SOURCE_KEY, row.reason, row.receivedAt);
    return;
  }
  db.$client.transaction(() => {
    store.insertDelivery.run({
      sourceId: row.sourceId,
      kind: row.kind,
      receivedAt: row.receivedAt,
      outcome: 'rejected',
      reason: row.reason,
      detail: row.detail,
      status: REJECTION_STATUS[row.reason],
      bodySha256: row.bodySha256,
      size: row.size,
      secretId: null,
      latencyMs: row.latencyMs,
      body: null,
      webhookId: null,
    });
    store.bumpRejection.run(row.sourceId, row.reason, row.receivedAt);
    keepNewestDeliveries(db, row.sourceId, 'rejected');
    if (row.kind === 'challenge') keepNewestDeliveries(db, row.sourceId, 'challenge');
  })();
}
